using System.Globalization;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Larkway.Hub.Platform.Observability.Prometheus;

/// <summary>
/// Writes a collected batch in the Prometheus text exposition format 0.0.4: per family one <c># HELP</c> and one
/// <c># TYPE</c> line, then its samples (counters as <c>_total</c>, histograms as cumulative <c>_bucket{le=…}</c>,
/// <c>_sum</c> and <c>_count</c>). No timestamps: the scraper stamps the scrape. Metrics whose names meet under one
/// family name are written together; one whose kind differs from the family's first is left out (Prometheus refuses a
/// family declared twice).
/// </summary>
internal static class PrometheusTextWriter
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(in Batch<Metric> batch)
    {
        var families = new Dictionary<string, Family>(StringComparer.Ordinal);
        var order = new List<Family>();
        foreach (var metric in batch)
        {
            if (TypeOf(metric.MetricType) is not { } type)
            {
                continue; // exponential histograms: not configured by the Hub, and not expressible in 0.0.4
            }

            var name = PrometheusNames.Metric(metric.Name, metric.Unit, type);
            if (!families.TryGetValue(name, out var family))
            {
                family = new Family(name, type, string.IsNullOrEmpty(metric.Description) ? metric.Name : metric.Description);
                families[name] = family;
                order.Add(family);
            }

            if (family.Type == type)
            {
                family.Metrics.Add(metric);
            }
        }

        var text = new StringBuilder(4096);
        foreach (var family in order)
        {
            text.Append("# HELP ").Append(family.Name).Append(' ').Append(PrometheusNames.Help(family.Help)).Append('\n');
            text.Append("# TYPE ").Append(family.Name).Append(' ').Append(TypeName(family.Type)).Append('\n');
            foreach (var metric in family.Metrics)
            {
                foreach (ref readonly var point in metric.GetMetricPoints())
                {
                    WritePoint(text, family, metric.MetricType, in point);
                }
            }
        }

        return text.ToString();
    }

    private static void WritePoint(StringBuilder text, Family family, MetricType metricType, in MetricPoint point)
    {
        var labels = Labels(point.Tags);
        switch (metricType)
        {
            case MetricType.LongSum or MetricType.LongSumNonMonotonic:
                Sample(text, family.Name, labels, null, PrometheusNames.Value(point.GetSumLong()));
                break;
            case MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic:
                Sample(text, family.Name, labels, null, PrometheusNames.Value(point.GetSumDouble()));
                break;
            case MetricType.LongGauge:
                Sample(text, family.Name, labels, null, PrometheusNames.Value(point.GetGaugeLastValueLong()));
                break;
            case MetricType.DoubleGauge:
                Sample(text, family.Name, labels, null, PrometheusNames.Value(point.GetGaugeLastValueDouble()));
                break;
            case MetricType.Histogram:
                long cumulative = 0;
                foreach (var bucket in point.GetHistogramBuckets())
                {
                    cumulative += bucket.BucketCount;
                    Sample(text, family.Name + "_bucket", labels, PrometheusNames.Value(bucket.ExplicitBound), PrometheusNames.Value(cumulative));
                }

                Sample(text, family.Name + "_sum", labels, null, PrometheusNames.Value(point.GetHistogramSum()));
                Sample(text, family.Name + "_count", labels, null, PrometheusNames.Value(point.GetHistogramCount()));
                break;
        }
    }

    private static void Sample(StringBuilder text, string name, List<KeyValuePair<string, string>> labels, string? le, string value)
    {
        text.Append(name);
        if (labels.Count > 0 || le is not null)
        {
            text.Append('{');
            var first = true;
            foreach (var (key, labelValue) in labels)
            {
                if (!first)
                {
                    text.Append(',');
                }

                first = false;
                text.Append(key).Append("=\"");
                PrometheusNames.AppendLabelValue(text, labelValue);
                text.Append('"');
            }

            if (le is not null)
            {
                text.Append(first ? "" : ",").Append("le=\"").Append(le).Append('"');
            }

            text.Append('}');
        }

        text.Append(' ').Append(value).Append('\n');
    }

    /// <summary>
    /// The point's tags as labels. Keys that sanitise to the same label name are joined into one label whose values are
    /// separated by <c>;</c> in the order of their original keys; a null value is no label.
    /// </summary>
    private static List<KeyValuePair<string, string>> Labels(ReadOnlyTagCollection tags)
    {
        var sorted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            if (tag.Value is not null)
            {
                sorted[tag.Key] = ValueText(tag.Value);
            }
        }

        var labels = new List<KeyValuePair<string, string>>(sorted.Count);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (key, value) in sorted)
        {
            var label = PrometheusNames.Label(key);
            if (label == "le")
            {
                label = "key_le"; // le is the bucket bound's label
            }

            if (index.TryGetValue(label, out var at))
            {
                labels[at] = new(label, labels[at].Value + ";" + value);
            }
            else
            {
                index[label] = labels.Count;
                labels.Add(new(label, value));
            }
        }

        return labels;
    }

    private static string ValueText(object value) => value switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static PrometheusType? TypeOf(MetricType type) => type switch
    {
        MetricType.LongSum or MetricType.DoubleSum => PrometheusType.Counter,
        MetricType.LongSumNonMonotonic or MetricType.DoubleSumNonMonotonic or MetricType.LongGauge or MetricType.DoubleGauge => PrometheusType.Gauge,
        MetricType.Histogram => PrometheusType.Histogram,
        _ => null,
    };

    private static string TypeName(PrometheusType type) => type switch
    {
        PrometheusType.Counter => "counter",
        PrometheusType.Histogram => "histogram",
        _ => "gauge",
    };

    private sealed class Family(string name, PrometheusType type, string help)
    {
        public string Name { get; } = name;

        public PrometheusType Type { get; } = type;

        public string Help { get; } = help;

        public List<Metric> Metrics { get; } = [];
    }
}
