using Kiln.Oci;

namespace Kiln.Build.Config;

/// <summary>
/// How BuildKit's image exporter (<c>normalizeLayersAndHistory</c>) dates history entries that have no time
/// (every metadata-only step): each takes the time of the first new layer after the first undated entry, and once
/// that layer is passed, the time of the latest layer before it. With no new layer at all they take the last time
/// there is (the base image's), and stay undated when there is none (a scratch image of metadata only).
/// </summary>
internal static class HistoryTimes
{
    public static void Fill(HistoryEntry[] history)
    {
        OciTimestamp? fill = null;
        var sawUndated = false;
        foreach (var entry in history)
        {
            if (entry.Created is { } created)
            {
                fill = created;
                if (sawUndated)
                {
                    break;
                }
            }
            else
            {
                sawUndated = true;
            }
        }

        sawUndated = false;
        for (var i = 0; i < history.Length; i++)
        {
            if (history[i].Created is { } created)
            {
                if (sawUndated)
                {
                    fill = created;
                }
            }
            else
            {
                sawUndated = true;
                history[i] = history[i] with { Created = fill };
            }
        }
    }
}
