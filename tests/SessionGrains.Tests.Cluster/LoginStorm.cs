using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;

namespace SessionGrains.Tests.Cluster;

/// <summary>
/// Many clients signing in, working and signing out on one site over HTTP, each request sent to a random running
/// server (as a load balancer would), while a test disturbs the cluster. A sampler reads the site's count all along.
/// Records what clients were told, so a test can hold it against the limit afterwards.
/// </summary>
public sealed class LoginStorm : IAsyncDisposable
{
    private const int SessionsPerClient = 3;

    private readonly ServerCluster _cluster;
    private readonly string _siteId;
    private readonly int _limit;
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _workers = [];
    private readonly ConcurrentDictionary<string, byte> _held = new();
    private readonly ConcurrentDictionary<string, byte> _closing = new();
    private readonly ConcurrentQueue<long> _admissions = new();
    private readonly ConcurrentDictionary<string, int> _outcomes = new();
    private readonly ConcurrentQueue<string> _violations = new();
    private int _maxHeld;
    private int _maxSampled;

    private LoginStorm(ServerCluster cluster, string siteId, string key, int limit)
    {
        _http = ServerCluster.Http(key);
        _cluster = cluster;
        _siteId = siteId;
        _limit = limit;
    }

    /// <summary>Sessions clients were admitted to and have not tried to close.</summary>
    public IReadOnlyCollection<string> Held => [.. _held.Keys];

    /// <summary>Sessions a client tried to close without learning whether it worked (its server died, or 503).</summary>
    public IReadOnlyCollection<string> Closing => [.. _closing.Keys];

    public int MaxHeld => _maxHeld;

    public int MaxSampled => _maxSampled;

    public int Admissions => _admissions.Count;

    /// <summary>What clients saw, by HTTP status and problem code, for the test output.</summary>
    public string Outcomes => string.Join(", ", _outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}: {o.Value}"));

    public IReadOnlyCollection<string> Violations => _violations;

    /// <summary>Starts <paramref name="clients"/> clients on the site, with its key (as its web app would hold).</summary>
    public static LoginStorm Start(ServerCluster cluster, string siteId, string key, int limit, int clients)
    {
        var storm = new LoginStorm(cluster, siteId, key, limit);
        for (var i = 0; i < clients; i++)
        {
            var client = i;
            storm._workers.Add(Task.Run(() => storm.ClientAsync(client)));
        }

        storm._workers.Add(Task.Run(storm.SampleAsync));
        return storm;
    }

    public int OutcomeCount(string outcome) => _outcomes.GetValueOrDefault(outcome);

    /// <summary>
    /// Waits until a request sent after <paramref name="since"/> (a timestamp) is admitted; returns how long after
    /// <paramref name="since"/> that request was sent.
    /// </summary>
    public async Task<TimeSpan> NextAdmissionAfterAsync(long since, TimeSpan timeout)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (TimeProvider.System.GetElapsedTime(started) < timeout)
        {
            if (_admissions.Any(at => at > since))
            {
                return TimeProvider.System.GetElapsedTime(since, _admissions.Where(at => at > since).Min());
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }

        throw new TimeoutException($"No admission within {timeout}. Outcomes: {Outcomes}");
    }

    public bool AnyAdmissionBetween(long from, long to) => _admissions.Any(at => at > from && at < to);

    public async Task WaitForAdmissionsAsync(int count)
    {
        try
        {
            await Eventually.WaitForAsync(() => Task.FromResult(_admissions.Count), n => n >= count, TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}. Outcomes: {Outcomes}", ex);
        }
    }

    /// <summary>Stops every client and the sampler; safe to call again.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
        _http.Dispose();
        _stop.Dispose();
    }

    private async Task ClientAsync(int client)
    {
        var random = new Random(client);
        var mine = new List<string>();
        var signingOut = new List<string>();
        while (!_stop.IsCancellationRequested)
        {
            var server = Pick(random);
            if (server is null)
            {
                await PauseAsync();
                continue;
            }

            if (signingOut.Count > 0 && random.Next(2) == 0)
            {
                // A sign-out that failed is tried again, as a user would click again: until then its seat is taken.
                var sessionId = signingOut[0];
                if (await EndSessionAsync(server, sessionId))
                {
                    signingOut.RemoveAt(0);
                }
            }
            else if (mine.Count < SessionsPerClient && random.Next(3) > 0)
            {
                if (await OpenAsync(server, $"user-{client}-{random.Next(1000)}") is { } sessionId)
                {
                    mine.Add(sessionId);
                }
            }
            else if (mine.Count > 0 && random.Next(2) == 0)
            {
                await TouchAsync(server, mine[random.Next(mine.Count)]);
            }
            else if (mine.Count > 0)
            {
                var sessionId = mine[0];
                mine.RemoveAt(0);
                if (!await EndSessionAsync(server, sessionId))
                {
                    signingOut.Add(sessionId);
                }
            }

            await PauseAsync();
        }
    }

    private async Task<string?> OpenAsync(Uri server, string userId)
    {
        // When the request was sent: a reply in flight when the cluster was hit says nothing about recovery.
        var sentAt = TimeProvider.System.GetTimestamp();
        var response = await SendAsync(() => _http.PostAsJsonAsync(new Uri(server, $"/api/sites/{_siteId}/sessions"), new { userId }, _stop.Token));
        if (response is not { StatusCode: HttpStatusCode.Created })
        {
            return null;
        }

        var sessionId = response.Body.GetProperty("sessionId").GetString()!;
        _held[sessionId] = 0;
        _admissions.Enqueue(sentAt);
        var held = _held.Count;
        InterlockedMax(ref _maxHeld, held);
        if (held > _limit)
        {
            _violations.Enqueue($"clients held {held} sessions at once; the limit is {_limit}");
        }

        return sessionId;
    }

    private async Task TouchAsync(Uri server, string sessionId)
    {
        var response = await SendAsync(() => _http.PostAsync(new Uri(server, $"/api/sites/{_siteId}/sessions/{sessionId}/touch"), null, _stop.Token));
        if (response is { StatusCode: not (HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable) })
        {
            // A live session with a ten-minute idle timeout can only be answered "active", or "try again".
            _violations.Enqueue($"touching held session {sessionId} answered {(int)response.StatusCode}: {response.Body}");
        }
    }

    /// <summary>Signs a session out; false when the outcome is unknown (no answer, or 503), so the caller retries.</summary>
    private async Task<bool> EndSessionAsync(Uri server, string sessionId)
    {
        _held.TryRemove(sessionId, out _);
        _closing[sessionId] = 0;
        var response = await SendAsync(() => _http.DeleteAsync(new Uri(server, $"/api/sites/{_siteId}/sessions/{sessionId}"), _stop.Token));
        if (response is { StatusCode: HttpStatusCode.NoContent })
        {
            _closing.TryRemove(sessionId, out _);
            return true;
        }

        return false;
    }

    private async Task SampleAsync()
    {
        var random = new Random(-1);
        while (!_stop.IsCancellationRequested)
        {
            if (Pick(random) is { } server)
            {
                var response = await SendAsync(() => _http.GetAsync(new Uri(server, $"/api/sites/{_siteId}"), _stop.Token), record: false);
                if (response is { StatusCode: HttpStatusCode.OK })
                {
                    var active = response.Body.GetProperty("active").GetInt32();
                    InterlockedMax(ref _maxSampled, active);
                    if (active > _limit)
                    {
                        _violations.Enqueue($"the site counted {active} sessions; the limit is {_limit}");
                    }
                }
            }

            await PauseAsync(TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>Sends a request; null when the server could not be reached (or the storm is stopping).</summary>
    private async Task<Reply?> SendAsync(Func<Task<HttpResponseMessage>> send, bool record = true)
    {
        try
        {
            using var response = await send();
            var text = await response.Content.ReadAsStringAsync(_stop.Token);
            var body = text.Length > 0 ? System.Text.Json.JsonDocument.Parse(text).RootElement.Clone() : default;
            if ((int)response.StatusCode >= 500 && response.StatusCode != HttpStatusCode.ServiceUnavailable)
            {
                // Outages are 503s with a code; anything else is a bug.
                _violations.Enqueue($"{(int)response.StatusCode}: {text}");
            }

            if (record)
            {
                var code = body.ValueKind == System.Text.Json.JsonValueKind.Object && body.TryGetProperty("code", out var c) ? $" {c.GetString()}" : "";
                _outcomes.AddOrUpdate($"{(int)response.StatusCode}{code}", 1, (_, n) => n + 1);
            }

            return new Reply(response.StatusCode, body);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            if (record && !_stop.IsCancellationRequested)
            {
                _outcomes.AddOrUpdate("unreachable", 1, (_, n) => n + 1);
            }

            return null;
        }
    }

    private Uri? Pick(Random random)
    {
        var live = _cluster.LiveAddresses;
        return live.Count == 0 ? null : live[random.Next(live.Count)];
    }

    private async Task PauseAsync(TimeSpan? pause = null)
    {
        try
        {
            await Task.Delay(pause ?? TimeSpan.FromMilliseconds(10), _stop.Token);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen)
        {
            var previous = Interlocked.CompareExchange(ref target, value, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }

    private sealed record Reply(HttpStatusCode StatusCode, System.Text.Json.JsonElement Body);
}
