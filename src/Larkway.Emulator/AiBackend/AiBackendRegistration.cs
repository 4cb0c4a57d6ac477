using Larkway.Emulator.State;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Larkway.Emulator.AiBackend;

/// <summary>Wires the fake AI backend into the emulator: one call for services, one for routes.</summary>
internal static class AiBackendRegistration
{
    public static IServiceCollection AddAiBackend(this IServiceCollection services, AiBackendOptions options)
    {
        Validate(options);
        services.AddSingleton(options);
        services.AddSingleton(_ => new AiSettings(options));
        services.AddSingleton<AiFaults>();
        services.AddSingleton(_ => new AiRequestLog(options));
        services.AddSingleton<DifyTasks>();
        services.AddSingleton<DifyFiles>();

        // Dify's conversations are kept in the state file; a change advances the state revision.
        services.AddSingleton(sp =>
        {
            var conversations = new DifyConversations();
            conversations.Restore(sp.GetRequiredService<StateLoad>().Snapshot?.AiBackend);
            conversations.Changed += sp.GetRequiredService<StateRevision>().Advance;
            return conversations;
        });
        services.AddSingleton<AiBackendService>();

        // Dify's knowledge bases are kept in the state file too; without one (or in a file from before them) the seeded one.
        services.AddSingleton(sp =>
        {
            var knowledge = new DifyKnowledge();
            knowledge.Restore(sp.GetRequiredService<StateLoad>().Snapshot?.AiBackend?.Knowledge, sp.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeSeconds());
            knowledge.Changed += sp.GetRequiredService<StateRevision>().Advance;
            return knowledge;
        });
        services.AddSingleton(_ => new KnowledgeLimits(options));
        services.AddSingleton<KnowledgeFaults>();
        services.AddSingleton<KnowledgeCalls>();
        services.AddSingleton<KnowledgeBackend>();
        return services;
    }

    public static IEndpointRouteBuilder MapAiBackend(this IEndpointRouteBuilder routes, AiBackendOptions options)
    {
        routes.MapDifyEndpoints(options);
        routes.MapDifyKnowledgeEndpoints(options);
        routes.MapOpenAiEndpoints(options);
        routes.MapAiControlEndpoints();
        routes.MapKnowledgeControlEndpoints();
        return routes;
    }

    private static void Validate(AiBackendOptions options)
    {
        foreach (var (name, prefix) in new[] { ("DifyPrefix", options.DifyPrefix), ("OpenAiPrefix", options.OpenAiPrefix) })
        {
            if (string.IsNullOrEmpty(prefix) || prefix[0] != '/' || prefix.EndsWith('/') || prefix.StartsWith("/open-apis", StringComparison.Ordinal) || prefix.StartsWith("/_emulator", StringComparison.Ordinal))
            {
                throw new ArgumentException($"AiBackend.{name} '{prefix}' must start with '/', not end with '/', and not be under /open-apis or /_emulator (e.g. \"/dify/v1\").", nameof(options));
            }
        }

        if (options.TokensPerSecond is <= 0 or > 100_000 || double.IsNaN(options.TokensPerSecond))
        {
            throw new ArgumentException("AiBackend.TokensPerSecond must be above 0 and at most 100000.", nameof(options));
        }

        if (options.AdmittedDifyDatasetKeys.Intersect(options.AdmittedDifyKeys, StringComparer.Ordinal).FirstOrDefault() is { } shared)
        {
            throw new ArgumentException($"AiBackend.DifyDatasetKeys and DifyAppKeys share the key '{shared[..Math.Min(8, shared.Length)]}…': Dify's knowledge keys and app keys are distinct, so give each list its own keys.", nameof(options));
        }

        if (KnowledgeLimits.Check(new KnowledgeLimitsView(options.KnowledgeMaxTextBytes, options.KnowledgeMaxDocuments, options.KnowledgeRequestsPerMinute)) is { } limitError)
        {
            throw new ArgumentException($"AiBackend knowledge limits: {limitError} (KnowledgeMaxTextBytes, KnowledgeMaxDocuments, KnowledgeRequestsPerMinute).", nameof(options));
        }

        if (options.AnswerWords < 0)
        {
            throw new ArgumentException("AiBackend.AnswerWords must be 0 or more.", nameof(options));
        }
    }
}
