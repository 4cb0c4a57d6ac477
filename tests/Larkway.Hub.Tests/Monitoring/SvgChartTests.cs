using Larkway.Hub.Monitoring;

namespace Larkway.Hub.Tests.Monitoring;

public sealed class SvgChartTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_chart_has_a_title_and_description_for_assistive_technology_and_no_script_or_inline_style()
    {
        var svg = SvgChart.Render(Chart([1, 2, null, 4], threshold: null, title: "Errors <b>&</b>"));

        svg.ShouldStartWith("<svg class=\"chart\" id=\"c\" role=\"img\"");
        svg.ShouldContain("aria-labelledby=\"c-title c-desc\"");
        svg.ShouldContain("<title id=\"c-title\">Errors &lt;b&gt;&amp;&lt;/b&gt;</title>");
        svg.ShouldContain("<desc id=\"c-desc\">");
        svg.ShouldNotContain("<script", Case.Insensitive);
        svg.ShouldNotContain("style=", Case.Insensitive);
        svg.ShouldNotContain(" on", Case.Insensitive); // no event handler attributes
    }

    [Fact]
    public void A_gap_splits_the_line_and_a_lone_point_is_a_dot()
    {
        var svg = SvgChart.Render(Chart([1, 2, null, 4], threshold: null));

        Count(svg, "<polyline class=\"chart-line\"").ShouldBe(1);
        Count(svg, "<circle class=\"chart-dot\"").ShouldBe(1);
    }

    [Fact]
    public void Points_over_the_threshold_are_marked_and_the_threshold_drawn()
    {
        var svg = SvgChart.Render(Chart([0.1, 0.9, 0.3, 2.5, 0.2], threshold: 0.5));

        Count(svg, "class=\"chart-breach\"").ShouldBe(2);
        svg.ShouldContain("<line class=\"chart-threshold\"");
    }

    [Fact]
    public void An_empty_window_says_so()
    {
        var svg = SvgChart.Render(Chart([null, null], threshold: 2));

        svg.ShouldContain("Nothing measured in this window");
        svg.ShouldNotContain("chart-line");
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(0.7, 1)]
    [InlineData(1.2, 2)]
    [InlineData(3, 5)]
    [InlineData(61, 100)]
    public void The_axis_top_is_a_round_number_at_least_the_largest_value(double value, double top) => SvgChart.NiceMax(value).ShouldBe(top);

    private static ChartSpec Chart(double?[] values, double? threshold, string title = "t") =>
        new("c", title, "d", "", [.. values.Select((v, i) => (T0.AddMinutes(i), v))], threshold);

    private static int Count(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}

public sealed class LatencyBucketsTests
{
    [Fact]
    public void The_share_within_a_bound_is_exact_and_the_p95_is_interpolated_in_its_bucket()
    {
        var counts = new long[LatencyBuckets.Count];
        counts[LatencyBuckets.IndexOf(0.3)] = 90; // (0.25, 0.5]
        counts[LatencyBuckets.IndexOf(1.2)] = 10; // (1, 1.5]

        LatencyBuckets.CountWithin(counts, 2).ShouldBe(100);
        LatencyBuckets.CountWithin(counts, 1).ShouldBe(90);

        // The 95th of 100 is the 5th of the 10 in (1, 1.5]: 1 + 0.5 × 5/10.
        LatencyBuckets.Quantile(counts, 0.95, out var above).ShouldBe(1.25);
        above.ShouldBeFalse();
    }

    [Fact]
    public void A_quantile_past_the_last_bound_says_so()
    {
        var counts = new long[LatencyBuckets.Count];
        counts[^1] = 3;

        LatencyBuckets.Quantile(counts, 0.95, out var above).ShouldBe(300);
        above.ShouldBeTrue();
        LatencyBuckets.Quantile(new long[LatencyBuckets.Count], 0.95, out _).ShouldBeNull();
    }

    [Fact]
    public void Stored_counts_round_trip_and_nothing_is_stored_as_empty()
    {
        var counts = new long[LatencyBuckets.Count];
        LatencyBuckets.Format(counts).ShouldBe("");
        counts[2] = 5;
        counts[^1] = 1;
        var into = new long[LatencyBuckets.Count];
        LatencyBuckets.AddParsed(LatencyBuckets.Format(counts), into);
        into.ShouldBe(counts);
    }
}
