using System.Globalization;
using Larkway.WeCom.Http;
using Larkway.WeCom.Json;

namespace Larkway.WeCom.Departments;

/// <summary>The corp's departments (<c>/cgi-bin/department/*</c>), within the app's visible range.</summary>
public class WeComDepartmentsClient
{
    internal const string SimpleListPath = "/cgi-bin/department/simplelist";
    internal const string GetPath = "/cgi-bin/department/get";

    /// <summary>The root department's id: the corp itself.</summary>
    public const long RootId = 1;

    private readonly WeComPipeline _pipeline = null!;

    internal WeComDepartmentsClient(WeComPipeline pipeline) => _pipeline = pipeline;

    /// <summary>For mocking.</summary>
    protected WeComDepartmentsClient()
    {
    }

    /// <summary>
    /// The department and every department below it, recursively (<c>department/simplelist</c>: ids, parents and order,
    /// no names); without <paramref name="id"/> the whole organisation the app sees. One call, not paged.
    /// </summary>
    /// <exception cref="WeComApiException">Outside the app's visible range (60011), unknown (60003), or another refusal.</exception>
    public virtual async Task<IReadOnlyList<WeComDepartmentRef>> ListIdsAsync(long? id = null, CancellationToken cancellationToken = default)
    {
        var url = id is { } d ? $"{SimpleListPath}?id={d.ToString(CultureInfo.InvariantCulture)}" : SimpleListPath;
        var answer = await _pipeline.SendAsync(
            new WeComRequest(HttpMethod.Get, url, SimpleListPath) { Idempotent = true },
            WeComJsonContext.Default.DepartmentSimpleListAnswer,
            cancellationToken).ConfigureAwait(false);
        return answer.DepartmentId ?? [];
    }

    /// <summary>One department's details (<c>department/get</c>: name, English name, leaders, parent, order).</summary>
    /// <exception cref="WeComApiException">Outside the app's visible range (60011), unknown (60003), or another refusal.</exception>
    public virtual async Task<WeComDepartment> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        var answer = await _pipeline.SendAsync(
            new WeComRequest(HttpMethod.Get, $"{GetPath}?id={id.ToString(CultureInfo.InvariantCulture)}", GetPath) { Idempotent = true },
            WeComJsonContext.Default.DepartmentGetAnswer,
            cancellationToken).ConfigureAwait(false);
        return answer.Department ?? throw new WeComApiException(WeComErrorCodes.MalformedResponse, "department/get answered without a department.");
    }
}
