using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Switchboard.Auth;

/// <summary>
/// Limits on how much anyone may ask, with ASP.NET Core's rate limiting: API requests per key and per
/// client address, anonymous form posts per form and address (each a fixed window of a minute on the
/// service's clock, so tests tick it). Past a limit: 429 with <c>Retry-After</c>. Each limit is a
/// setting; 0 turns it off (benchmarks do).
/// </summary>
public static class AbuseLimits
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public static IServiceCollection AddAbuseLimits(this IServiceCollection services, SwitchboardOptions options)
    {
        services.AddSingleton<AuthFailures>();
        services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(http => Partition(http, "key", options.RateLimitPerKey, KeyOf)),
                PartitionedRateLimiter.Create<HttpContext, string>(http => Partition(http, "address", options.RateLimitPerAddress, AddressOfApiCall)),
                PartitionedRateLimiter.Create<HttpContext, string>(http => Partition(http, "form", options.RateLimitPerForm, FormAndAddress)));
            o.OnRejected = async (context, ct) =>
            {
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : Window;
                await TooManyAsync(context.HttpContext, retry, "too many requests; slow down", ct);
            };
        });
        return services;
    }

    /// <summary>A 429 problem with <c>Retry-After</c> in whole seconds (at least one).</summary>
    public static async Task TooManyAsync(HttpContext http, TimeSpan retryAfter, string detail, CancellationToken ct)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too Many Requests",
                Detail = $"{detail}; try again in {seconds} s",
            },
        });
    }

    private static RateLimitPartition<string> Partition(HttpContext http, string kind, int perWindow, Func<HttpContext, string?> key) =>
        perWindow <= 0 || key(http) is not { } partition
            ? RateLimitPartition.GetNoLimiter(kind)
            : RateLimitPartition.Get(kind + ":" + partition, _ => new ClockWindowLimiter(http.RequestServices.GetRequiredService<TimeProvider>(), perWindow, Window));

    private static string? KeyOf(HttpContext http) =>
        http.Request.Path.StartsWithSegments("/api") ? http.User.FindFirstValue(ClaimTypes.NameIdentifier) : null;

    private static string? AddressOfApiCall(HttpContext http) =>
        http.Request.Path.StartsWithSegments("/api") ? AddressOf(http) : null;

    private static string? FormAndAddress(HttpContext http) =>
        HttpMethods.IsPost(http.Request.Method) && http.Request.Path.StartsWithSegments("/forms", out var rest) && rest.HasValue
            ? rest.Value + "|" + AddressOf(http)
            : null;

    /// <summary>The client's address (behind a proxy, the proxy's: forwarded headers are not trusted).</summary>
    public static string AddressOf(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>A fixed window on a <see cref="TimeProvider"/>; the framework's limiters read the machine's clock.</summary>
    private sealed class ClockWindowLimiter(TimeProvider time, int permits, TimeSpan window) : RateLimiter
    {
        private readonly Lock _gate = new();
        private DateTimeOffset _start = time.GetUtcNow();
        private int _used;

        public override TimeSpan? IdleDuration
        {
            get
            {
                var over = time.GetUtcNow() - (_start + window);
                return over > TimeSpan.Zero ? over : null;
            }
        }

        public override RateLimiterStatistics GetStatistics() => new() { CurrentAvailablePermits = Math.Max(0, permits - _used) };

        protected override RateLimitLease AttemptAcquireCore(int permitCount)
        {
            lock (_gate)
            {
                var now = time.GetUtcNow();
                if (now - _start >= window)
                {
                    (_start, _used) = (now, 0);
                }

                if (_used + permitCount <= permits)
                {
                    _used += permitCount;
                    return Lease.Granted;
                }

                return new Lease(false, _start + window - now);
            }
        }

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
            ValueTask.FromResult(AttemptAcquireCore(permitCount));
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Granted = new(true, null);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName == MetadataName.RetryAfter.Name && retryAfter is { } r ? r : null;
            return metadata is not null;
        }
    }
}

/// <summary>
/// Wrong keys per client address: the first <see cref="Free"/> in a row cost nothing; after them each
/// further attempt with any key must wait twice as long as the one before (1 s, 2 s, 4 s … up to
/// <see cref="MaxWait"/>), answered 429 until then, so guessing keys slows to a crawl and then stops.
/// Forgotten <see cref="Memory"/> after the last failure. The address is logged when slowing starts
/// and when it reaches the longest wait.
/// </summary>
public sealed class AuthFailures(TimeProvider time, ILogger<AuthFailures> log)
{
    public const int Free = 5;
    public static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan Memory = TimeSpan.FromHours(1);
    private const int MaxAddresses = 100_000;

    private sealed record Record(int Failures, DateTimeOffset Last);

    private readonly ConcurrentDictionary<string, Record> _byAddress = new(StringComparer.Ordinal);

    /// <summary>How long <paramref name="address"/> must still wait before its next attempt, or null when it may try now.</summary>
    public TimeSpan? WaitFor(string address)
    {
        if (!_byAddress.TryGetValue(address, out var r))
        {
            return null;
        }

        var now = time.GetUtcNow();
        if (now - r.Last >= Memory)
        {
            _byAddress.TryRemove(address, out _);
            return null;
        }

        var left = r.Last + Wait(r.Failures) - now;
        return left > TimeSpan.Zero ? left : null;
    }

    public void Failed(string address)
    {
        if (_byAddress.Count >= MaxAddresses)
        {
            _byAddress.Clear(); // a flood of addresses: start again rather than grow without bound
        }

        var now = time.GetUtcNow();
        var r = _byAddress.AddOrUpdate(address, _ => new Record(1, now), (_, old) => now - old.Last >= Memory ? new Record(1, now) : new Record(old.Failures + 1, now));
        if (r.Failures == Free + 1)
        {
            log.LogWarning("Authentication: {Failures} wrong keys from {Address}; each further attempt now waits longer", r.Failures, address);
        }
        else if (Wait(r.Failures) == MaxWait && Wait(r.Failures - 1) < MaxWait)
        {
            log.LogWarning("Authentication: {Failures} wrong keys from {Address}; locked out, {Minutes} minutes between attempts", r.Failures, address, MaxWait.TotalMinutes);
        }
    }

    private static TimeSpan Wait(int failures) =>
        failures <= Free ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Min(MaxWait.TotalSeconds, Math.Pow(2, Math.Min(failures - Free - 1, 20))));
}
