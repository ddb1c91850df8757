using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace Wacht.Worker.Tests.Deploy;

/// <summary>YAML documents (with merge keys) as JSON elements, whose scalars are all strings, for easy assertions.</summary>
internal static class Yaml
{
    public static IReadOnlyList<JsonElement> Documents(string text)
    {
        var deserializer = new DeserializerBuilder().Build();
        var parser = new MergingParser(new Parser(new StringReader(text)));
        parser.Consume<StreamStart>();
        var documents = new List<JsonElement>();
        while (parser.Accept<DocumentStart>(out _))
        {
            documents.Add(JsonSerializer.SerializeToElement(Normalize(deserializer.Deserialize<object?>(parser))));
        }

        return documents;
    }

    /// <summary>The string value at a path of mapping keys, or null.</summary>
    public static string? Text(this JsonElement element, params string[] path)
    {
        foreach (var key in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(key, out element))
            {
                return null;
            }
        }

        return element.ValueKind == JsonValueKind.String ? element.GetString() : element.GetRawText();
    }

    private static object? Normalize(object? value) => value switch
    {
        IDictionary<object, object> map => map.ToDictionary(static p => Convert.ToString(p.Key, System.Globalization.CultureInfo.InvariantCulture)!, static p => Normalize(p.Value)),
        IList<object> list => list.Select(Normalize).ToList(),
        _ => value,
    };
}
