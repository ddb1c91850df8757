using System.Globalization;
using System.Text;

namespace Wacht.Worker.Jobs;

/// <summary>A plain-text table: column widths from the content, cells longer than their column's limit cut with an ellipsis.</summary>
internal sealed class TextTable
{
    private readonly string[] _headers;
    private readonly int[] _maxWidths;
    private readonly List<string[]> _rows = [];

    /// <param name="columns">Header and maximum width of each column (0: no limit).</param>
    public TextTable(params (string Header, int MaxWidth)[] columns)
    {
        _headers = [.. columns.Select(c => c.Header)];
        _maxWidths = [.. columns.Select(c => c.MaxWidth)];
    }

    public int Count => _rows.Count;

    public void Add(params object?[] cells)
    {
        if (cells.Length != _headers.Length)
        {
            throw new ArgumentException($"Expected {_headers.Length} cells, got {cells.Length}.", nameof(cells));
        }

        _rows.Add([.. cells.Select((c, i) => Truncate(Format(c), _maxWidths[i]))]);
    }

    public void WriteTo(TextWriter output)
    {
        var widths = _headers.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length))).ToArray();
        output.WriteLine(Line(_headers, widths));
        output.WriteLine(Line([.. widths.Select(w => new string('-', w))], widths));
        foreach (var row in _rows)
        {
            output.WriteLine(Line(row, widths));
        }
    }

    internal static string Truncate(string text, int maxWidth)
    {
        text = text.ReplaceLineEndings(" ");
        return maxWidth <= 0 || text.Length <= maxWidth ? text : string.Concat(text.AsSpan(0, maxWidth - 1), "…");
    }

    private static string Format(object? value) => value switch
    {
        null => "-",
        string s => s.Length == 0 ? "-" : s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Line(string[] cells, int[] widths)
    {
        var line = new StringBuilder();
        for (var i = 0; i < cells.Length; i++)
        {
            if (i > 0)
            {
                line.Append("  ");
            }

            line.Append(i == cells.Length - 1 ? cells[i] : cells[i].PadRight(widths[i]));
        }

        return line.ToString().TrimEnd();
    }
}
