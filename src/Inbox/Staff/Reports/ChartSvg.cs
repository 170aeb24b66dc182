using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace PatientContact.Inbox.Staff.Reports;

/// <summary>
/// Draws a chart as inline SVG on the server: no script and no chart library. The drawing is one image named by
/// the chart's heading and summary (<c>role="img"</c>); the numbers themselves are in the table beneath it.
/// Colours are set as attributes, not styles, so the pages' content security policy needs no exception.
/// </summary>
public static class ChartSvg
{
    private const int Width = 720;
    private const int Left = 44;
    private const int PlotTop = 10;
    private const int PlotHeight = 170;
    private const int PlotBottom = PlotTop + PlotHeight;
    private const int RowHeight = 44;
    private const int BarRoom = 600;
    private const string Blue = "#005eb8";
    private const string Grey = "#aeb7bd";
    private const string Text = "#212b32";

    public static string Draw(Chart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        return chart.Kind == ChartKind.Columns ? Columns(chart) : Bars(chart);
    }

    private static string Columns(Chart chart)
    {
        var svg = Open(chart, PlotBottom + 28);
        var max = chart.Bars.Count == 0 ? 0 : chart.Bars.Max(b => b.Value);
        // The top of the axis is even, so the half-way line is a whole number too.
        var top = max <= 0 ? 0 : (long)Math.Ceiling(max / 2) * 2;
        for (var g = 0; g <= 2; g++)
        {
            var y = PlotBottom - (PlotHeight * g / 2.0);
            svg.Append(Invariant($"<line x1=\"{Left}\" x2=\"{Width}\" y1=\"{N(y)}\" y2=\"{N(y)}\" stroke=\"{Grey}\" stroke-width=\"1\"/>"));
            svg.Append(Invariant($"<text x=\"{Left - 6}\" y=\"{N(y + 4)}\" text-anchor=\"end\" font-size=\"12\" fill=\"{Text}\">{top * g / 2}</text>"));
        }

        // Every label when they fit; every 3rd of 24 hours, every 7th of 28 days.
        var labelEvery = chart.Bars.Count > 24 ? 7 : chart.Bars.Count > 12 ? 3 : 1;
        var slot = (Width - Left) / (double)Math.Max(1, chart.Bars.Count);
        for (var i = 0; i < chart.Bars.Count; i++)
        {
            var bar = chart.Bars[i];
            var height = top == 0 ? 0 : bar.Value / top * PlotHeight;
            svg.Append(Invariant($"<rect x=\"{N(Left + (i * slot) + (slot * 0.15))}\" y=\"{N(PlotBottom - height)}\" width=\"{N(slot * 0.7)}\" height=\"{N(height)}\" fill=\"{Blue}\"><title>{E(bar.Label)}: {E(bar.Display)}</title></rect>"));
            if (i % labelEvery == 0)
            {
                svg.Append(Invariant($"<text x=\"{N(Left + (i * slot) + (slot / 2))}\" y=\"{PlotBottom + 18}\" text-anchor=\"middle\" font-size=\"12\" fill=\"{Text}\">{E(bar.Label)}</text>"));
            }
        }

        return svg.Append("</svg>").ToString();
    }

    private static string Bars(Chart chart)
    {
        var svg = Open(chart, 8 + (chart.Bars.Count * RowHeight));
        var max = chart.Bars.Count == 0 ? 0 : chart.Bars.Max(b => b.Value);
        for (var i = 0; i < chart.Bars.Count; i++)
        {
            var bar = chart.Bars[i];
            var y = 8 + (i * RowHeight);
            var length = Math.Max(2, max == 0 ? 0 : bar.Value / max * BarRoom);
            svg.Append(Invariant($"<text x=\"0\" y=\"{y + 14}\" font-size=\"14\" fill=\"{Text}\">{E(bar.Label)}</text>"));
            svg.Append(Invariant($"<rect x=\"0\" y=\"{y + 20}\" width=\"{N(length)}\" height=\"16\" fill=\"{(bar.Value == 0 ? Grey : Blue)}\"><title>{E(bar.Label)}: {E(bar.Display)}</title></rect>"));
            svg.Append(Invariant($"<text x=\"{N(length + 8)}\" y=\"{y + 33}\" font-size=\"14\" font-weight=\"bold\" fill=\"{Text}\">{E(bar.Display)}</text>"));
        }

        return svg.Append("</svg>").ToString();
    }

    private static StringBuilder Open(Chart chart, int height) => new StringBuilder().Append(Invariant(
        $"<svg class=\"pc-report__chart\" role=\"img\" aria-labelledby=\"{E(chart.Id)}-title {E(chart.Id)}-summary\" viewBox=\"0 0 {Width} {height}\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\" xmlns=\"http://www.w3.org/2000/svg\">"));

    private static string E(string value) => HtmlEncoder.Default.Encode(value);

    private static string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
