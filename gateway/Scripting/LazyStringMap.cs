using Jint;
using Jint.Native;

namespace HaloIlertGateway.Scripting;

/// <summary>
/// The request's headers, query, params and the like as a script sees them: an object of strings (<see cref="LazyObject"/>),
/// each made when it is read by name. A script that never changes it leaves <see cref="IsUntouchedView"/> true, and the
/// map it came from is forwarded as it is: nothing is made into script values and read back.
/// </summary>
internal sealed class LazyStringMap : LazyObject
{
    /// <summary>Past this many entries a map whose keys compare ordinally is read by its own lookup; a smaller one, or one that ignores case, is walked.</summary>
    private const int WalkUpTo = 8;

    private readonly IReadOnlyDictionary<string, string> _source;
    private readonly bool _exactLookup;

    public LazyStringMap(Engine engine, IReadOnlyDictionary<string, string> source)
        : base(engine)
    {
        _source = source;
        // A script reads names exactly: a map that ignores case (headers) could answer for a name it does not hold.
        _exactLookup = source.Count > WalkUpTo && source is Dictionary<string, string> dictionary
            && (ReferenceEquals(dictionary.Comparer, StringComparer.Ordinal) || ReferenceEquals(dictionary.Comparer, EqualityComparer<string>.Default));
    }

    /// <summary>
    /// Whether this is the view of <paramref name="source"/> the script was given and it changed nothing in it: no member
    /// set, added, deleted or redefined, not frozen. Its own members are then exactly <paramref name="source"/>'s.
    /// </summary>
    public bool IsUntouchedView(IReadOnlyDictionary<string, string> source) => !IsOrdinary && ReferenceEquals(_source, source);

    protected override bool TryRead(string name, out JsValue value)
    {
        // A Dictionary is walked with its own enumerator, which is not boxed.
        string? text;
        var found = _exactLookup ? _source.TryGetValue(name, out text)
            : _source is Dictionary<string, string> dictionary ? Walk(dictionary.GetEnumerator(), name, out text)
            : Walk(_source.GetEnumerator(), name, out text);
        value = found ? new JsString(text!) : Undefined;
        return found;
    }

    private static bool Walk<TEntries>(TEntries entries, string name, out string? text)
        where TEntries : IEnumerator<KeyValuePair<string, string>>
    {
        using (entries)
        {
            while (entries.MoveNext())
            {
                if (string.Equals(entries.Current.Key, name, StringComparison.Ordinal))
                {
                    text = entries.Current.Value;
                    return true;
                }
            }
        }

        text = null;
        return false;
    }

    protected override void DefineMembers()
    {
        foreach (var (key, text) in _source)
        {
            DefineMember(key, new JsString(text));
        }
    }
}
