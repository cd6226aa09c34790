using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;

namespace HaloIlertGateway.Logging;

/// <summary>
/// Keeps <see cref="SecretRedactor"/> told where the routes put their secrets: the path templates of every route,
/// at start and after each reload of proxy.json, so that a key is masked by the route's structure, not only by the
/// shape of ilert's URLs.
/// </summary>
internal sealed class RouteTemplateRedaction(IEnumerable<IProxyConfigProvider> providers) : IHostedService, IDisposable
{
    private readonly List<IDisposable> _subscriptions = [];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var provider in providers)
        {
            _subscriptions.Add(ChangeToken.OnChange(() => provider.GetConfig().ChangeToken, () => Learn(provider)));
            Learn(provider);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _subscriptions.ForEach(subscription => subscription.Dispose());

    private static void Learn(IProxyConfigProvider provider) =>
        SecretRedactor.LearnRouteTemplates(provider.GetConfig().Routes.Select(route => route.Match.Path));
}
