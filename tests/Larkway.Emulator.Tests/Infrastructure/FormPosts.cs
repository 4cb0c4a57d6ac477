namespace Larkway.Emulator.Tests.Infrastructure;

/// <summary>A web page's form post as a browser sends it, without following the redirect (so its status and target can be read).</summary>
internal static class FormPosts
{
    public static async Task<HttpResponseMessage> PostFormAsync(this TestEmulator emulator, string path, Dictionary<string, string> fields, string? origin = null)
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = emulator.Server.BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }
}
