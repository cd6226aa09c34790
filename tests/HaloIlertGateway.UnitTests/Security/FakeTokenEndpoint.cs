using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace HaloIlertGateway.UnitTests.Security;

/// <summary>
/// A token endpoint as an <see cref="HttpMessageHandler"/>: records each request's form, answers a fresh token each
/// time (<c>token-1</c>, <c>token-2</c>…) unless <see cref="Respond"/> says otherwise, and can hold its answers until
/// <see cref="Release"/> so that callers can be shown to wait for one fetch. Also the factory that hands it out.
/// </summary>
internal sealed class FakeTokenEndpoint : HttpMessageHandler, IHttpClientFactory
{
    private readonly ConcurrentQueue<Dictionary<string, string>> _forms = new();
    private TaskCompletionSource? _hold;
    private int _issued;

    /// <summary>The form of every token request, in order.</summary>
    public IReadOnlyList<Dictionary<string, string>> Forms => [.. _forms];

    /// <summary>The query of the last request's URL.</summary>
    public string? LastQuery { get; private set; }

    /// <summary>The <c>expires_in</c> of the tokens answered; null leaves it out.</summary>
    public int? ExpiresIn { get; set; } = 3600;

    /// <summary>An answer instead of a token (status and JSON body), or null for a token.</summary>
    public Func<(HttpStatusCode Status, string Json)?>? Respond { get; set; }

    /// <summary>From now on, answers wait until <see cref="Release"/>.</summary>
    public void Hold() => _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _hold?.TrySetResult();

    public HttpClient CreateClient(string name) => new(this, disposeHandler: false);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = await request.Content!.ReadAsStringAsync(cancellationToken);
        _forms.Enqueue(body.Split('&').Select(pair => pair.Split('=')).ToDictionary(p => WebUtility.UrlDecode(p[0]), p => WebUtility.UrlDecode(p[1])));
        LastQuery = request.RequestUri!.Query;
        if (_hold is { } hold)
        {
            await hold.Task.WaitAsync(cancellationToken);
        }

        var (status, json) = Respond?.Invoke() ?? (HttpStatusCode.OK,
            $$"""{"access_token":"token-{{Interlocked.Increment(ref _issued)}}","token_type":"Bearer"{{(ExpiresIn is { } seconds ? $",\"expires_in\":{seconds}" : "")}}}""");
        return new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
    }
}
