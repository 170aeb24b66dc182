using System.Text;

namespace PatientContact.Rules.Loading;

/// <summary>
/// A patient message with <c>{serviceName}</c>, <c>{phoneNumber}</c> and <c>{reopensAt}</c> in it, split once
/// at load so a closed service's message costs a few appends per turn.
/// </summary>
internal sealed class MessageTemplate
{
    public static readonly IReadOnlyList<string> Placeholders = ["serviceName", "phoneNumber", "reopensAt"];

    // Even positions are literal text, odd positions placeholder names.
    private readonly string[] _parts;

    private MessageTemplate(string[] parts) => _parts = parts;

    public static MessageTemplate Parse(string text, RuleProperties properties, string key)
    {
        var parts = new List<string>();
        var literal = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '}')
            {
                properties.Fail($"Property '{key}' has a '}}' without '{{'.");
            }

            if (text[i] != '{')
            {
                literal.Append(text[i]);
                continue;
            }

            var end = text.IndexOf('}', i);
            var name = end < 0 ? null : text[(i + 1)..end];
            if (name is null || !Placeholders.Contains(name))
            {
                properties.Fail($"Property '{key}' has an unknown placeholder; use {string.Join(", ", Placeholders.Select(p => $"{{{p}}}"))}.");
            }

            parts.Add(literal.ToString());
            parts.Add(name);
            literal.Clear();
            i = end;
        }

        parts.Add(literal.ToString());
        return new MessageTemplate([.. parts]);
    }

    public string Render(ServiceDefinition service, string reopensAt)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < _parts.Length; i++)
        {
            builder.Append((i % 2) switch
            {
                0 => _parts[i],
                _ => _parts[i] switch
                {
                    "serviceName" => service.Name,
                    "phoneNumber" => service.PhoneNumber,
                    _ => reopensAt,
                },
            });
        }

        return builder.ToString();
    }
}
