using System.Text.Json;
using Microsoft.Extensions.Configuration.Json;

namespace HaloIlertGateway.Hosting;

/// <summary>
/// proxy.json as a configuration source that keeps its last good content when a change does not parse. The stock
/// JSON provider empties its data on a failed reload (and throws on the file watcher's thread), so one stray comma
/// could leave the next reader of configuration with no routes at all. Here a reload that does not parse keeps the
/// previous data, and the failure, with the file and the line and byte where parsing stopped, goes to the provider's
/// <see cref="Provider.Refused"/> listeners. A file that does not parse at start still stops the gateway.
/// </summary>
internal sealed class GuardedJsonConfigurationSource : JsonConfigurationSource
{
    public override IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        EnsureDefaults(builder);
        return new Provider(this);
    }

    internal sealed class Provider(GuardedJsonConfigurationSource source) : JsonConfigurationProvider(source)
    {
        private bool _loaded;

        /// <summary>A reload that parsed.</summary>
        public event Action? Parsed;

        /// <summary>A reload that did not parse, with where and why.</summary>
        public event Action<string>? Refused;

        public override void Load(Stream stream)
        {
            try
            {
                base.Load(stream);
                _loaded = true;
                Parsed?.Invoke();
            }
            catch (Exception ex) when (_loaded)
            {
                // Data is assigned only after a whole parse: the last good content is still there.
                Refused?.Invoke(Describe(source.Path ?? "proxy.json", ex));
            }
        }

        private static string Describe(string path, Exception exception) => exception switch
        {
            JsonException { LineNumber: { } line } json => $"{path}({line + 1},{(json.BytePositionInLine ?? 0) + 1}): {json.Message.Split(" LineNumber:")[0]}",
            { InnerException: JsonException inner } => Describe(path, inner),
            _ => $"{path}: {exception.Message}",
        };
    }
}
