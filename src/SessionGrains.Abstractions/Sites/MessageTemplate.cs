using System.Globalization;
using System.Text;

namespace SessionGrains;

/// <summary>
/// The placeholders of a site's messages to refused users. <c>{active}</c> and <c>{limit}</c> become the current figures;
/// <c>{active|one|other}</c> (or <c>{limit|…}</c>) becomes <c>one</c> when the figure is 1 and <c>other</c> otherwise,
/// so a message reads well for one user and for twelve: <c>there {active|is|are} {active} {active|user|users}</c>.
/// Anything else in braces is refused when the message is set (<see cref="FindMistake"/>), so users never see a typo.
/// </summary>
public static class MessageTemplate
{
    private const string Active = "active";
    private const string Limit = "limit";

    public static string Render(string template, int active, int limit)
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
            if (close < 0 || !TryFill(rest[..close], active, limit, rendered))
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

    /// <summary>Null if every brace in <paramref name="template"/> holds a placeholder; else what is wrong, for the user who set it.</summary>
    public static string? FindMistake(string template)
    {
        var rest = template.AsSpan();
        for (var open = rest.IndexOf('{'); open >= 0; open = rest.IndexOf('{'))
        {
            rest = rest[(open + 1)..];
            var close = rest.IndexOf('}');
            if (close < 0 || !TryFill(rest[..close], 1, 1, new StringBuilder()))
            {
                var shown = close < 0 ? rest : rest[..close];
                return $"'{{{shown}}}' is no placeholder: use {{active}}, {{limit}}, or {{active|one|other}} to choose words by the figure.";
            }

            rest = rest[(close + 1)..];
        }

        return null;
    }

    private static bool TryFill(ReadOnlySpan<char> placeholder, int active, int limit, StringBuilder rendered)
    {
        var bar = placeholder.IndexOf('|');
        var name = bar < 0 ? placeholder : placeholder[..bar];
        int figure;
        if (name.SequenceEqual(Active))
        {
            figure = active;
        }
        else if (name.SequenceEqual(Limit))
        {
            figure = limit;
        }
        else
        {
            return false;
        }

        if (bar < 0)
        {
            rendered.Append(figure.ToString(CultureInfo.InvariantCulture));
            return true;
        }

        var forms = placeholder[(bar + 1)..];
        var second = forms.IndexOf('|');
        if (second < 0 || forms[(second + 1)..].Contains('|'))
        {
            return false;
        }

        rendered.Append(figure == 1 ? forms[..second] : forms[(second + 1)..]);
        return true;
    }
}
