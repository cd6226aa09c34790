using Yarp.ReverseProxy.Configuration;

namespace HaloIlertGateway.Hosting;

/// <summary>YARP's word on each configuration it loads and applies, passed to <see cref="ProxyConfigStatus"/>.</summary>
internal sealed class ProxyConfigChangeListener(ProxyConfigStatus status) : IConfigChangeListener
{
    public void ConfigurationLoadingFailed(IProxyConfigProvider configProvider, Exception exception) => status.ConfigRefused(Describe(exception));

    public void ConfigurationLoaded(IReadOnlyList<IProxyConfig> proxyConfigs)
    {
    }

    public void ConfigurationApplyingFailed(IReadOnlyList<IProxyConfig> proxyConfigs, Exception exception) => status.ConfigRefused(Describe(exception));

    public void ConfigurationApplied(IReadOnlyList<IProxyConfig> proxyConfigs) => status.Applied();

    /// <summary>YARP gathers every config error into one AggregateException: list them all.</summary>
    private static string Describe(Exception exception) => exception is AggregateException aggregate
        ? $"{aggregate.Message.TrimEnd('.')}: {string.Join("; ", aggregate.InnerExceptions.Select(inner => inner.Message))}"
        : exception.Message;
}
