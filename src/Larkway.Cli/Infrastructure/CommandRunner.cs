using Larkway.Feishu;

namespace Larkway.Cli.Infrastructure;

/// <summary>Runs a command body and turns every expected failure into one line on stderr and an exit code.</summary>
internal static class CommandRunner
{
    public static async Task<int> RunAsync(CliContext context, Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (FeishuApiException ex)
        {
            await context.Error.WriteLineAsync(Describe(ex)).ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        catch (Larkway.DingTalk.DingTalkApiException ex)
        {
            await context.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        catch (Larkway.WeCom.WeComApiException ex)
        {
            await context.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return ex.Code == Larkway.WeCom.WeComErrorCodes.InvalidRequest ? ExitCodes.Usage : ExitCodes.Failure;
        }
        catch (Larkway.WeCom.Callbacks.WeComCallbackException ex)
        {
            await context.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        catch (CliException ex)
        {
            await context.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return ex.ExitCode;
        }
        catch (ArgumentException ex)
        {
            await context.Error.WriteLineAsync($"error: {ErrorText.Of(ex)}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await context.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
    }

    /// <summary>The code, message and log id: everything needed to look the failure up.</summary>
    internal static string Describe(FeishuApiException ex)
    {
        var where = ex.RequestId is null ? "" : $" (log id {ex.RequestId})";
        return ex.Code < 0
            ? $"error: {ex.ErrorMessage}{where}"
            : $"error: Feishu code {ex.Code}: {ex.ErrorMessage}{where}";
    }
}
