using System.Globalization;
using System.Text;

namespace SessionGrains;

/// <summary>
/// The placeholders of the messages a site shows its users. <c>{name}</c> becomes a figure: a refusal has
/// <c>{active}</c> and <c>{limit}</c>, a sign-in block <c>{seconds}</c>. <c>{name|one|other}</c> becomes <c>one</c> when the
/// figure is 1 and <c>other</c> otherwise, so a message reads well for one user and for twelve:
/// <c>there {active|is|are} {active} {active|user|users}</c>. Anything else in braces is refused when the message is set
/// (<see cref="FindMistake"/>), so users never see a typo.
/// </summary>
public static class MessageTemplate
{
    public static readonly string[] RefusalFigures = ["active", "limit"];
    public static readonly string[] BlockFigures = ["seconds"];

    public static string Render(string template, int active, int limit) =>
        Render(template, [("active", active), ("limit", limit)]);

    public static string Render(string template, ReadOnlySpan<(string Name, int Value)> figures)
    {
        var open = template.IndexOf('{', StringComparison.Ordinal);
        if (open < 0)
        {
            return template;
        }

        var rendered = new StringBuilder(template.Length + 8);
        var rest = template.AsSpan();
        while (open >= 0)
        {
            rendered.Append(rest[..open]);
            rest = rest[(open + 1)..];
            var close = rest.IndexOf('}');
            if (close < 0 || !TryFill(rest[..close], figures, rendered))
            {
                // Not a placeholder (a message stored before placeholders were checked): shown as it is.
                rendered.Append('{');
            }
            else
            {
                rest = rest[(close + 1)..];
            }

            open = rest.IndexOf('{');
        }

        return rendered.Append(rest).ToString();
    }

    /// <summary>Null if every brace in <paramref name="template"/> holds a placeholder of <paramref name="names"/>; else what is wrong.</summary>
    public static string? FindMistake(string template, IReadOnlyList<string> names)
    {
        var figures = names.Select(name => (name, 1)).ToArray();
        var rest = template.AsSpan();
        for (var open = rest.IndexOf('{'); open >= 0; open = rest.IndexOf('{'))
        {
            rest = rest[(open + 1)..];
            var close = rest.IndexOf('}');
            if (close < 0 || !TryFill(rest[..close], figures, new StringBuilder()))
            {
                var shown = close < 0 ? rest : rest[..close];
                var known = string.Join(", ", names.Select(name => $"{{{name}}}"));
                return $"'{{{shown}}}' is no placeholder: use {known}, or {{{names[0]}|one|other}} to choose words by the figure.";
            }

            rest = rest[(close + 1)..];
        }

        return null;
    }

    private static bool TryFill(ReadOnlySpan<char> placeholder, ReadOnlySpan<(string Name, int Value)> figures, StringBuilder rendered)
    {
        var bar = placeholder.IndexOf('|');
        var name = bar < 0 ? placeholder : placeholder[..bar];
        int? figure = null;
        foreach (var candidate in figures)
        {
            if (name.SequenceEqual(candidate.Name))
            {
                figure = candidate.Value;
                break;
            }
        }

        if (figure is not { } value)
        {
            return false;
        }

        if (bar < 0)
        {
            rendered.Append(value.ToString(CultureInfo.InvariantCulture));
            return true;
        }

        var forms = placeholder[(bar + 1)..];
        var second = forms.IndexOf('|');
        if (second < 0 || forms[(second + 1)..].Contains('|'))
        {
            return false;
        }

        rendered.Append(value == 1 ? forms[..second] : forms[(second + 1)..]);
        return true;
    }
}
