using System.Globalization;
using System.Net;
using System.Text;

namespace Larkway.Hub.Monitoring;

/// <summary>What a chart shows: one series over time, and optionally the threshold it must stay under.</summary>
/// <param name="Id">Unique on the page (the ids of its title and description derive from it).</param>
/// <param name="Title">Said by screen readers and shown as the tooltip.</param>
/// <param name="Description">A sentence with the figures (the chart's text alternative).</param>
/// <param name="Unit">Appended to axis labels (e.g. <c>%</c>, <c> s</c>).</param>
/// <param name="Points">Values in time order; null where nothing was measured (a gap).</param>
/// <param name="Threshold">A value above which a point is a breach, drawn as a dashed line; null for none.</param>
public sealed record ChartSpec(string Id, string Title, string Description, string Unit, IReadOnlyList<(DateTimeOffset At, double? Value)> Points, double? Threshold);

/// <summary>
/// Draws a <see cref="ChartSpec"/> as inline SVG, server-side: no script, no inline style (colours come from the
/// console's stylesheet through classes, so the console's CSP holds), a <c>title</c> and <c>desc</c> for assistive
/// technology, gaps where nothing was measured, and the points over the threshold marked.
/// </summary>
public static class SvgChart
{
    private const double Width = 560;
    private const double Height = 170;
    private const double Left = 52;
    private const double Right = 10;
    private const double Top = 10;
    private const double Bottom = 24;

    /// <summary>The SVG markup; every text in it is HTML-encoded.</summary>
    public static string Render(ChartSpec chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var values = chart.Points.Where(p => p.Value is not null).Select(p => p.Value!.Value).ToList();
        var max = NiceMax(Math.Max(values.Count == 0 ? 0 : values.Max(), (chart.Threshold ?? 0) * 1.25));
        var plotWidth = Width - Left - Right;
        var plotHeight = Height - Top - Bottom;
        var n = chart.Points.Count;
        double X(int i) => Left + (n <= 1 ? plotWidth : plotWidth * i / (n - 1));
        double Y(double v) => Top + plotHeight - (plotHeight * Math.Clamp(v / max, 0, 1));

        var id = WebUtility.HtmlEncode(chart.Id);
        var svg = new StringBuilder(4096);
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" id=\"{id}\" role=\"img\" viewBox=\"0 0 {Width} {Height}\" width=\"{Width}\" height=\"{Height}\" aria-labelledby=\"{id}-title {id}-desc\" xmlns=\"http://www.w3.org/2000/svg\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title id=\"{id}-title\">{WebUtility.HtmlEncode(chart.Title)}</title>");
        svg.Append(CultureInfo.InvariantCulture, $"<desc id=\"{id}-desc\">{WebUtility.HtmlEncode(chart.Description)}</desc>");

        // Grid: zero, half and the top, labelled.
        foreach (var fraction in new[] { 0.0, 0.5, 1.0 })
        {
            var y = Y(max * fraction);
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"chart-grid\" x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{F(y)}\" y2=\"{F(y)}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"chart-label\" x=\"{Left - 6}\" y=\"{F(y + 4)}\" text-anchor=\"end\">{WebUtility.HtmlEncode(Label(max * fraction, chart.Unit))}</text>");
        }

        if (n > 0)
        {
            foreach (var i in new[] { 0, n / 2, n - 1 }.Distinct())
            {
                var anchor = i == 0 ? "start" : i == n - 1 ? "end" : "middle";
                svg.Append(CultureInfo.InvariantCulture, $"<text class=\"chart-label\" x=\"{F(X(i))}\" y=\"{Height - 6}\" text-anchor=\"{anchor}\">{chart.Points[i].At.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture)}</text>");
            }
        }

        // The series: one polyline per run of measured points.
        var run = new List<string>();
        for (var i = 0; i <= n; i++)
        {
            if (i < n && chart.Points[i].Value is { } v)
            {
                run.Add($"{F(X(i))},{F(Y(v))}");
                continue;
            }

            if (run.Count == 1)
            {
                var xy = run[0].Split(',');
                svg.Append(CultureInfo.InvariantCulture, $"<circle class=\"chart-dot\" cx=\"{xy[0]}\" cy=\"{xy[1]}\" r=\"2\"/>");
            }
            else if (run.Count > 1)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<polyline class=\"chart-line\" points=\"{string.Join(' ', run)}\"/>");
            }

            run.Clear();
        }

        if (chart.Threshold is { } threshold)
        {
            var y = Y(threshold);
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"chart-threshold\" x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{F(y)}\" y2=\"{F(y)}\"><title>Threshold {WebUtility.HtmlEncode(Label(threshold, chart.Unit))}</title></line>");
            for (var i = 0; i < n; i++)
            {
                if (chart.Points[i].Value is { } v && v > threshold)
                {
                    svg.Append(CultureInfo.InvariantCulture, $"<circle class=\"chart-breach\" cx=\"{F(X(i))}\" cy=\"{F(Y(v))}\" r=\"3.5\"/>");
                }
            }
        }

        if (values.Count == 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"chart-empty\" x=\"{F(Left + (plotWidth / 2))}\" y=\"{F(Top + (plotHeight / 2))}\" text-anchor=\"middle\">Nothing measured in this window</text>");
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>A round top for the axis: 1, 2 or 5 times a power of ten, at least the largest value.</summary>
    internal static double NiceMax(double value)
    {
        if (value <= 0 || double.IsNaN(value) || double.IsInfinity(value))
        {
            return 1;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var step in new[] { 1.0, 2.0, 5.0, 10.0 })
        {
            if (step * magnitude >= value)
            {
                return step * magnitude;
            }
        }

        return 10 * magnitude;
    }

    /// <summary>An axis or value label: at most three significant digits and the unit.</summary>
    public static string Label(double value, string unit) =>
        (Math.Abs(value) >= 100 || value == Math.Floor(value) ? value.ToString("0", CultureInfo.InvariantCulture) : value.ToString("0.##", CultureInfo.InvariantCulture)) + unit;

    private static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
}
