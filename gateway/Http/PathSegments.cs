namespace HaloIlertGateway.Http;

/// <summary>
/// A path as a lenient server might read it, not as Kestrel matched it: percent-decoded (twice), backslashes as
/// slashes, empty and dot segments resolved, <c>;parameters</c> cut. The fences judge paths by these segments, so that
/// <c>/_gateway%2Finfo</c>, <c>//api/v1/events/halopsa/k</c> and <c>/x/../_gateway</c> are seen for what they name.
/// </summary>
internal static class PathSegments
{
    /// <summary>The segments of <paramref name="target"/> (a path, or a request target with a query).</summary>
    public static List<string> Of(string target)
    {
        var path = target.Split('?', '#')[0];
        path = Uri.UnescapeDataString(Uri.UnescapeDataString(path)).Replace('\\', '/');
        var segments = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var segment = part.Split(';')[0].Trim();
            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }
            }
            else if (segment is not ("." or ""))
            {
                segments.Add(segment);
            }
        }

        return segments;
    }

    /// <summary>Whether <paramref name="segments"/> begin with <paramref name="prefix"/>, in any case.</summary>
    public static bool StartWith(IReadOnlyList<string> segments, IReadOnlyList<string> prefix)
    {
        if (segments.Count < prefix.Count)
        {
            return false;
        }

        for (var i = 0; i < prefix.Count; i++)
        {
            if (!string.Equals(segments[i], prefix[i], StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }
}
