using System.Collections.Concurrent;
using System.Globalization;
using StackExchange.Redis;

namespace SessionGrains.Benchmarks.Peers;

/// <summary>
/// The usual Redis answer to "at most N concurrent sessions": a sorted-set semaphore. Per site, a sorted set whose
/// members are session ids scored by their expiry (unix milliseconds), plus two string keys with the limit and the idle
/// timeout. Admission is one Lua script, which Redis runs atomically: drop expired members, count, add if below the limit.
/// </summary>
/// <remarks>
/// One <see cref="ConnectionMultiplexer"/> is shared by all callers, as StackExchange.Redis intends; its commands are
/// pipelined over one connection. Key names put the site id in braces (a hash tag) so a site's three keys share one
/// cluster slot, which a script touching all of them needs in Redis Cluster.
/// </remarks>
public sealed class RedisSemaphore : ISessionLimiter
{
    private const int AddBatchSize = 1000;

    // KEYS[1] sessions (sorted set), KEYS[2] limit, KEYS[3] idle timeout in ms; ARGV[1] the new session id.
    // Returns 1 when admitted, 0 when full, -1 when the site does not exist.
    private const string OpenScript = """
        local limit = tonumber(redis.call('GET', KEYS[2]))
        local idle = tonumber(redis.call('GET', KEYS[3]))
        if limit == nil or idle == nil then
          return -1
        end
        local time = redis.call('TIME')
        local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
        if redis.call('ZCARD', KEYS[1]) < limit then
          redis.call('ZADD', KEYS[1], now + idle, ARGV[1])
          return 1
        end
        return 0
        """;

    private readonly ConnectionMultiplexer _connection;
    private readonly IDatabase _database;
    private readonly ConcurrentDictionary<string, Site> _sites = new(StringComparer.Ordinal);
    private byte[] _openScriptHash;

    /// <summary>Connects (synchronously) and loads the admission script.</summary>
    /// <param name="connectionString">A StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379</c>.</param>
    public RedisSemaphore(string connectionString)
        : this(ConnectionMultiplexer.Connect(connectionString))
    {
        _openScriptHash = LoadScript(_connection);
    }

    private RedisSemaphore(ConnectionMultiplexer connection)
    {
        _connection = connection;
        _database = connection.GetDatabase();
        _openScriptHash = [];
    }

    public string Name => "Redis sorted-set semaphore";

    /// <summary>Connects and loads the admission script without blocking a thread.</summary>
    /// <param name="connectionString">A StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379</c>.</param>
    public static async Task<RedisSemaphore> CreateAsync(string connectionString)
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(connectionString);
        var semaphore = new RedisSemaphore(connection);
        try
        {
            semaphore._openScriptHash = await LoadScriptAsync(connection);
            return semaphore;
        }
        catch
        {
            await semaphore.DisposeAsync();
            throw;
        }
    }

    /// <summary>The admission script's SHA-1 as hex, for EVALSHA from another client (redis-benchmark).</summary>
    public string OpenScriptSha => Convert.ToHexStringLower(_openScriptHash);

    /// <summary>A site's keys in the order the admission script expects: sessions, limit, idle timeout.</summary>
    public static IReadOnlyList<string> KeysOfSite(string siteId) => [.. Site.KeysOf(siteId).Select(key => key.ToString())];

    public Task<IReadOnlyList<string>> CreateSiteAsync(string siteId, int limit, TimeSpan idleTimeout, int liveSessions) =>
        CreateSiteAsync(siteId, limit, idleTimeout, liveSessions, _ => NewSessionId());

    /// <summary>
    /// A site whose sessions are numbered <c>s:000000000000</c> and up, as redis-benchmark writes <c>s:__rand_int__</c>,
    /// so another client can name them without being told.
    /// </summary>
    public Task<IReadOnlyList<string>> CreateNumberedSiteAsync(string siteId, int limit, TimeSpan idleTimeout, int liveSessions) =>
        CreateSiteAsync(siteId, limit, idleTimeout, liveSessions, i => $"s:{i:D12}");

    private async Task<IReadOnlyList<string>> CreateSiteAsync(string siteId, int limit, TimeSpan idleTimeout, int liveSessions, Func<int, string> sessionId)
    {
        ArgumentException.ThrowIfNullOrEmpty(siteId);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        ArgumentOutOfRangeException.ThrowIfNegative(liveSessions);
        ArgumentOutOfRangeException.ThrowIfLessThan(idleTimeout, TimeSpan.FromMilliseconds(1));

        var site = new Site(siteId, (long)idleTimeout.TotalMilliseconds);
        await _database.KeyDeleteAsync(site.Keys[0]);
        await _database.StringSetAsync(site.Keys[1], limit);
        await _database.StringSetAsync(site.Keys[2], site.IdleMilliseconds);
        _sites[siteId] = site;

        var ids = new string[liveSessions];
        var expiry = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + site.IdleMilliseconds;
        var adds = new List<Task>((liveSessions + AddBatchSize - 1) / AddBatchSize);
        for (var first = 0; first < liveSessions; first += AddBatchSize)
        {
            var entries = new SortedSetEntry[Math.Min(AddBatchSize, liveSessions - first)];
            for (var i = 0; i < entries.Length; i++)
            {
                var id = sessionId(first + i);
                ids[first + i] = id;
                entries[i] = new SortedSetEntry(id, expiry);
            }

            // Not awaited one by one: the multiplexer pipelines them.
            adds.Add(_database.SortedSetAddAsync(site.Keys[0], entries));
        }

        await Task.WhenAll(adds);
        return ids;
    }

    public async ValueTask<string?> OpenAsync(string siteId, string userId)
    {
        var keys = _sites.TryGetValue(siteId, out var site) ? site.Keys : Site.KeysOf(siteId);
        var sessionId = NewSessionId();
        RedisValue[] arguments = [sessionId];
        RedisResult result;
        try
        {
            result = await _database.ScriptEvaluateAsync(_openScriptHash, keys, arguments);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            // The server lost its script cache (restart or SCRIPT FLUSH): load the script again and retry once.
            _openScriptHash = await LoadScriptAsync(_connection);
            result = await _database.ScriptEvaluateAsync(_openScriptHash, keys, arguments);
        }

        return (int)result switch
        {
            1 => sessionId,
            0 => null,
            _ => throw new InvalidOperationException($"Site '{siteId}' does not exist; create it with {nameof(CreateSiteAsync)} first."),
        };
    }

    public async ValueTask TouchAsync(string siteId, string sessionId)
    {
        var site = KnownSite(siteId);
        var expiry = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + site.IdleMilliseconds;
        // XX: only moves the deadline of a session that is still in the set; never re-adds a closed or purged one.
        await _database.SortedSetAddAsync(site.Keys[0], sessionId, expiry, SortedSetWhen.Exists);
    }

    public async ValueTask EndAsync(string siteId, string sessionId)
    {
        var keys = _sites.TryGetValue(siteId, out var site) ? site.Keys : Site.KeysOf(siteId);
        await _database.SortedSetRemoveAsync(keys[0], sessionId);
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    /// <summary>128 random bits (a version 4 GUID), as hex.</summary>
    private static string NewSessionId() => Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture);

    private Site KnownSite(string siteId) =>
        _sites.TryGetValue(siteId, out var site)
            ? site
            : throw new InvalidOperationException($"Site '{siteId}' is unknown to this client; create it with {nameof(CreateSiteAsync)} first.");

    private static byte[] LoadScript(ConnectionMultiplexer connection)
    {
        byte[] hash = [];
        foreach (var server in connection.GetServers())
        {
            hash = server.ScriptLoad(OpenScript);
        }

        return hash.Length > 0 ? hash : throw new InvalidOperationException("No Redis server to load the admission script on.");
    }

    private static async Task<byte[]> LoadScriptAsync(ConnectionMultiplexer connection)
    {
        byte[] hash = [];
        foreach (var server in connection.GetServers())
        {
            hash = await server.ScriptLoadAsync(OpenScript);
        }

        return hash.Length > 0 ? hash : throw new InvalidOperationException("No Redis server to load the admission script on.");
    }

    private sealed class Site(string siteId, long idleMilliseconds)
    {
        /// <summary>Sessions (sorted set), limit, idle timeout in ms: the order the script expects.</summary>
        public RedisKey[] Keys { get; } = KeysOf(siteId);

        public long IdleMilliseconds { get; } = idleMilliseconds;

        public static RedisKey[] KeysOf(string siteId) =>
            [$"site:{{{siteId}}}:sessions", $"site:{{{siteId}}}:limit", $"site:{{{siteId}}}:idle_ms"];
    }
}
