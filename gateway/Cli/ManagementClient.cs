using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace HaloIlertGateway.Cli;

/// <summary>
/// The CLI's calls to a running gateway's management port: paths under one root (a root with a path, behind a proxy,
/// keeps it), the bearer token on every call and never shown, no redirects followed, and an answer within
/// <see cref="Timeout"/> or an <see cref="HttpRequestException"/> or <see cref="OperationCanceledException"/>.
/// </summary>
internal sealed class ManagementClient : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http;

    public ManagementClient(Uri root, string? token)
    {
        Root = root.AbsoluteUri.EndsWith('/') ? root : new Uri(root.AbsoluteUri + "/");
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = Root, Timeout = Timeout };
        if (token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    /// <summary>The management port's root, as said in messages.</summary>
    public Uri Root { get; }

    /// <summary>
    /// <paramref name="method"/> on <paramref name="path"/> (relative to <see cref="Root"/>), with <paramref name="body"/>
    /// as JSON and <c>If-Match: "<paramref name="ifMatch"/>"</c> when given.
    /// </summary>
    public ManagementAnswer Send(HttpMethod method, string path, JsonObject? body = null, int? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        if (ifMatch is { } version)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{version}\""));
        }

        using var response = _http.Send(request);
        using var reader = new StreamReader(response.Content.ReadAsStream(), Encoding.UTF8);
        return new ManagementAnswer((int)response.StatusCode, response.ReasonPhrase, reader.ReadToEnd());
    }

    /// <summary>The path of <paramref name="name"/>'s transform resource and what follows it, e.g. <c>_gateway/transforms/halopsa/versions</c>.</summary>
    public static string TransformPath(string name, string rest = "") => $"_gateway/transforms/{Uri.EscapeDataString(name)}{rest}";

    public void Dispose() => _http.Dispose();
}
