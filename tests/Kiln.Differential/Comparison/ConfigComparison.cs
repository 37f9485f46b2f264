using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Kiln.Differential.Comparison;

/// <summary>
/// The image config documents compared field by field: the container config (Env, Cmd, Entrypoint, WorkingDir, User,
/// Labels, ExposedPorts, Volumes, StopSignal, Healthcheck, Shell, OnBuild and whatever else either writes), the
/// platform, author, the history entry by entry and the number of layers.
/// </summary>
internal static class ConfigComparison
{
    /// <summary>Reports show strings as written (<c>é</c>, not <c>\u00E9</c>).</summary>
    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Compare(JsonObject kiln, JsonObject reference, bool pinsTime, List<string> differences)
    {
        var a = Normalize(kiln, pinsTime);
        var b = Normalize(reference, pinsTime);

        foreach (var key in Keys(a, b).Where(k => k is not ("config" or "history" or "rootfs")))
        {
            Field(key, a[key], b[key], differences);
        }

        var configA = a["config"] as JsonObject ?? [];
        var configB = b["config"] as JsonObject ?? [];
        foreach (var key in Keys(configA, configB))
        {
            Field("config." + key, configA[key], configB[key], differences);
        }

        var rootfsA = a["rootfs"] as JsonObject ?? [];
        var rootfsB = b["rootfs"] as JsonObject ?? [];
        Field("rootfs.type", rootfsA["type"], rootfsB["type"], differences);
        var layersA = (rootfsA["diff_ids"] as JsonArray)?.Count ?? 0;
        var layersB = (rootfsB["diff_ids"] as JsonArray)?.Count ?? 0;
        if (layersA != layersB)
        {
            differences.Add($"layers: kiln {layersA} | buildkit {layersB}");
        }

        var historyA = a["history"] as JsonArray ?? [];
        var historyB = b["history"] as JsonArray ?? [];
        if (historyA.Count != historyB.Count)
        {
            differences.Add($"history: kiln {historyA.Count} entries | buildkit {historyB.Count}");
        }

        for (var i = 0; i < Math.Max(historyA.Count, historyB.Count); i++)
        {
            var entryA = i < historyA.Count ? historyA[i] as JsonObject ?? [] : null;
            var entryB = i < historyB.Count ? historyB[i] as JsonObject ?? [] : null;
            if (entryA is null || entryB is null)
            {
                differences.Add($"history[{i}]: only in {(entryA is null ? "buildkit" : "kiln")}: {Text((entryA ?? entryB)!["created_by"])}");
                continue;
            }

            foreach (var key in Keys(entryA, entryB))
            {
                Field($"history[{i}].{key}", entryA[key], entryB[key], differences);
            }
        }
    }

    /// <summary>
    /// A copy without what differs between builds of the same input by design: the created times (the clock at
    /// build time) unless the case pins SOURCE_DATE_EPOCH, the layer digests (a tar's bytes depend on header details
    /// no one reads, such as owner names; the files are compared instead), and null members (dockerd 20.10 writes
    /// <c>"OnBuild": null</c>, Go's encoding of an empty list, where others leave the member out: the same config);
    /// <c>empty_layer: false</c> is the same as no <c>empty_layer</c>.
    /// </summary>
    private static JsonObject Normalize(JsonObject config, bool pinsTime)
    {
        var copy = (JsonObject)config.DeepClone();
        RemoveNulls(copy);
        if (!pinsTime)
        {
            copy.Remove("created");
        }

        foreach (var entry in (copy["history"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (!pinsTime)
            {
                entry.Remove("created");
            }

            if (entry["empty_layer"] is JsonValue v && v.GetValueKind() == JsonValueKind.False)
            {
                entry.Remove("empty_layer");
            }
        }

        return copy;
    }

    private static void RemoveNulls(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Where(p => p.Value is null).Select(p => p.Key).ToList())
                {
                    o.Remove(key);
                }

                foreach (var (_, value) in o)
                {
                    RemoveNulls(value);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    RemoveNulls(item);
                }

                break;
            default:
                break;
        }
    }

    private static IEnumerable<string> Keys(JsonObject a, JsonObject b) =>
        a.Select(p => p.Key).Union(b.Select(p => p.Key), StringComparer.Ordinal).Order(StringComparer.Ordinal);

    private static void Field(string name, JsonNode? a, JsonNode? b, List<string> differences)
    {
        if (!JsonNode.DeepEquals(a, b))
        {
            differences.Add($"{name}: kiln {Text(a)} | buildkit {Text(b)}");
        }
    }

    private static string Text(JsonNode? node) => node is null ? "(absent)" : node.ToJsonString(Readable);
}
