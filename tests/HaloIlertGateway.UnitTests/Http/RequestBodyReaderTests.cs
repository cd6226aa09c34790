using HaloIlertGateway.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace HaloIlertGateway.UnitTests.Http;

/// <summary>Reading a whole body within a limit and the body budget, never by the length it declares.</summary>
public sealed class RequestBodyReaderTests
{
    [Fact]
    public async Task ADeclaredGigabyteThatNeverArrivesCostsWhatArrived()
    {
        var budget = Budget();
        var context = Request(new byte[300], declared: 1L << 30);
        using var lease = budget.LeaseFor(context);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var read = await RequestBodyReader.ReadAsync(context.Request, limit: int.MaxValue, keep: 0, lease, CancellationToken.None);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal((BodyReadStatus.Complete, 300), (read.Status, read.Body.Length));
        Assert.True(allocated < 64 * 1024, $"reading 300 bytes declared as a gigabyte allocated {allocated} bytes");
        Assert.Equal(300, budget.Held);
    }

    [Fact]
    public async Task ABodyOverTheLimitKeepsItsPrefixAndReadsNoFurther()
    {
        var body = Enumerable.Range(0, 100_000).Select(i => (byte)i).ToArray();
        var stream = new MemoryStream(body);
        var context = Request(stream, declared: null);

        var read = await RequestBodyReader.ReadAsync(context.Request, limit: 50_000, keep: 1_000, Budget().LeaseFor(context), CancellationToken.None);

        Assert.Equal(BodyReadStatus.TooLarge, read.Status);
        Assert.Equal(body[..1_000], read.Body);
        Assert.True(stream.Position <= 50_001 + 16 * 1024, $"read {stream.Position} bytes of a body refused at 50,000");
    }

    [Fact]
    public async Task ABodyDeclaredOverTheLimitIsReadOnlyAsFarAsItsKeptPrefix()
    {
        var stream = new MemoryStream(new byte[100_000]);
        var context = Request(stream, declared: 100_000);

        var read = await RequestBodyReader.ReadAsync(context.Request, limit: 50_000, keep: 10, Budget().LeaseFor(context), CancellationToken.None);

        Assert.Equal((BodyReadStatus.TooLarge, 10, 10L), (read.Status, read.Body.Length, stream.Position));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(16 * 1024)]
    [InlineData(16 * 1024 + 1)]
    [InlineData(50_000)]
    public async Task ABodyUpToTheLimitIsReadWhole(int length)
    {
        var body = Enumerable.Range(0, length).Select(i => (byte)(i * 7)).ToArray();
        var context = Request(new MemoryStream(body), declared: null);

        var read = await RequestBodyReader.ReadAsync(context.Request, limit: 50_000, keep: 0, Budget().LeaseFor(context), CancellationToken.None);

        Assert.Equal(BodyReadStatus.Complete, read.Status);
        Assert.Equal(body, read.Body);
    }

    [Fact]
    public async Task PastTheBudgetAReadIsRefusedAndARequestThatEndsGivesItsBytesBack()
    {
        var budget = Budget(total: 2 * 1024 * 1024, perClient: 2 * 1024 * 1024);
        var holder = Request(new byte[1_500_000], declared: null);
        var holding = budget.LeaseFor(holder);
        Assert.Equal(BodyReadStatus.Complete, (await RequestBodyReader.ReadAsync(holder.Request, 2_000_000, 0, holding, CancellationToken.None)).Status);

        var late = Request(new byte[600_000], declared: null);
        var refused = await RequestBodyReader.ReadAsync(late.Request, 2_000_000, 0, budget.LeaseFor(late), CancellationToken.None);
        Assert.Equal(BodyReadStatus.OverBudget, refused.Status);

        holding.Dispose();
        budget.LeaseFor(late).Dispose();
        Assert.Equal(0, budget.Held);
        var again = Request(new byte[600_000], declared: null);
        Assert.Equal(BodyReadStatus.Complete, (await RequestBodyReader.ReadAsync(again.Request, 2_000_000, 0, budget.LeaseFor(again), CancellationToken.None)).Status);
    }

    [Fact]
    public void OneClientAddressHoldsAtMostItsShare()
    {
        var budget = Budget(total: 4 * 1024 * 1024, perClient: 1024 * 1024);
        var attacker = Request([], declared: null, client: "203.0.113.7");
        var other = Request([], declared: null, client: "198.51.100.1");

        Assert.True(budget.LeaseFor(attacker).TryTake(1024 * 1024));
        Assert.False(budget.LeaseFor(attacker).TryTake(1));
        Assert.True(budget.LeaseFor(other).TryTake(1024 * 1024));
    }

    [Fact]
    public void ThePartKeptForKnownSendersIsTheirsAlone()
    {
        var budget = Budget(total: 4 * 1024 * 1024, perClient: 4 * 1024 * 1024, reserved: 1024 * 1024);
        var anonymous = budget.LeaseFor(Request([], declared: null, client: "203.0.113.7"));
        var known = budget.LeaseFor(Request([], declared: null, client: "198.51.100.1"));
        known.Known = true;

        Assert.True(anonymous.TryTake(3 * 1024 * 1024));
        Assert.False(anonymous.TryTake(1));
        Assert.True(known.TryTake(1024 * 1024));
        Assert.False(known.TryTake(1));
    }

    [Fact]
    public async Task ABodyKeptOpenPastTheReadTimeoutIsCutOff()
    {
        var budget = new BodyBudget(Options.Create(new LimitsOptions { BodyReadTimeout = TimeSpan.FromMilliseconds(200) }));
        var context = Request(new NeverEnding(), declared: 1_000);

        var read = await RequestBodyReader.ReadAsync(context.Request, 10_000, 0, budget.LeaseFor(context), CancellationToken.None);

        Assert.Equal(BodyReadStatus.TimedOut, read.Status);
    }

    [Fact]
    public async Task ABodyReadWholeOnceIsNotReadOrCountedAgain()
    {
        var budget = Budget();
        var context = Request(new byte[5_000], declared: null);

        var first = await RequestBodyReader.ReadAsync(context.Request, 10_000, 0, budget.LeaseFor(context), CancellationToken.None);
        var again = await RequestBodyReader.ReadAsync(context.Request, 10_000, 0, budget.LeaseFor(context), CancellationToken.None);
        var smaller = await RequestBodyReader.ReadAsync(context.Request, 1_000, 10, budget.LeaseFor(context), CancellationToken.None);

        Assert.Same(first.Body, again.Body);
        Assert.Equal(5_000, budget.Held);
        Assert.Equal((BodyReadStatus.TooLarge, 10), (smaller.Status, smaller.Body.Length));
    }

    [Theory]
    [InlineData("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:bbbb:cccc:dddd:eeee", "2001:db8:1:2::/64")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("203.0.113.7", "203.0.113.7")]
    public void AClientIsItsIPv4AddressOrItsIPv6Slash64(string address, string client) =>
        Assert.Equal(client, ClientAddress.Of(Request([], declared: null, client: address)));

    private static BodyBudget Budget(long total = 64 * 1024 * 1024, long perClient = 16 * 1024 * 1024, long reserved = 0) =>
        new(Options.Create(new LimitsOptions { MaxBufferedBodyBytes = total, MaxBufferedBodyBytesPerClient = perClient, ReservedForKnownBytes = reserved }));

    /// <summary>A body that never sends a byte: a read waits until it is cancelled.</summary>
    private sealed class NeverEnding : MemoryStream
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }
    }

    private static DefaultHttpContext Request(byte[] body, long? declared, string? client = null) => Request(new MemoryStream(body), declared, client);

    private static DefaultHttpContext Request(Stream body, long? declared, string? client = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = body;
        context.Request.ContentLength = declared;
        context.Connection.RemoteIpAddress = client is null ? null : System.Net.IPAddress.Parse(client);
        return context;
    }
}
