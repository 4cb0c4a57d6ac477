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
        return services;
    }

    public static IEndpointRouteBuilder MapAiBackend(this IEndpointRouteBuilder routes, AiBackendOptions options)
    {
        routes.MapDifyEndpoints(options);
        routes.MapOpenAiEndpoints(options);
        routes.MapAiControlEndpoints();
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

        if (options.AnswerWords < 0)
        {
            throw new ArgumentException("AiBackend.AnswerWords must be 0 or more.", nameof(options));
        }
    }
}
