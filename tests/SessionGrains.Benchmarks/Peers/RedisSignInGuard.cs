using StackExchange.Redis;

namespace SessionGrains.Benchmarks.Peers;

/// <summary>
/// The sign-in guard people build by hand on Redis: a failure counter per address and per user (<c>INCR</c>, with
/// <c>EXPIRE</c> for the window when it is new), and a blocked key with the block as its time to live once a counter
/// reaches the limit. A check reads both blocked keys (<c>MGET</c>), a success deletes both counters. Each step is one
/// round trip: the failure's INCR/EXPIRE/SET is one Lua script, so it is as atomic as the grain's.
/// </summary>
public sealed class RedisSignInGuard : ISignInGuardPeer
{
    private const int MaxFailures = 4;
    private const int PerUserMaxFailures = 20;
    private const int WindowSeconds = 600;
    private const int BlockSeconds = 60;

    // KEYS: address counter, address block, user counter, user block. ARGV: limits, window, block.
    private const string FailScript = """
        local function fail(counter, blocked, limit)
          if redis.call('EXISTS', blocked) == 1 then
            redis.call('EXPIRE', blocked, ARGV[4])
            return
          end
          local count = redis.call('INCR', counter)
          if count == 1 then
            redis.call('EXPIRE', counter, ARGV[3])
          end
          if count >= tonumber(limit) then
            redis.call('SET', blocked, 1, 'EX', ARGV[4])
            redis.call('DEL', counter)
          end
        end
        fail(KEYS[1], KEYS[2], ARGV[1])
        fail(KEYS[3], KEYS[4], ARGV[2])
        return 0
        """;

    private static readonly RedisValue[] FailArguments = [MaxFailures, PerUserMaxFailures, WindowSeconds, BlockSeconds];

    private readonly ConnectionMultiplexer _connection;
    private readonly IDatabase _database;
    private readonly byte[] _failScript;

    private RedisSignInGuard(ConnectionMultiplexer connection, byte[] failScript)
    {
        _connection = connection;
        _database = connection.GetDatabase();
        _failScript = failScript;
    }

    public string Name => "Redis INCR/EXPIRE guard";

    public static async Task<RedisSignInGuard> CreateAsync(string connectionString)
    {
        // Admin mode for INFO (the memory figure); the guard's own commands need none.
        var connection = await ConnectionMultiplexer.ConnectAsync($"{connectionString},allowAdmin=true");
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        return new RedisSignInGuard(connection, await server.ScriptLoadAsync(FailScript));
    }

    public Task CreateSiteAsync(string siteId) => Task.CompletedTask;

    public async ValueTask<bool> CheckAsync(string siteId, string clientIp, string userId)
    {
        var blocked = await _database.StringGetAsync([Key(siteId, "blocked:a", clientIp), Key(siteId, "blocked:u", userId)]);
        return blocked[0].IsNull && blocked[1].IsNull;
    }

    public async ValueTask ReportAsync(string siteId, string clientIp, string userId, bool succeeded)
    {
        if (succeeded)
        {
            await _database.KeyDeleteAsync([Key(siteId, "fails:a", clientIp), Key(siteId, "fails:u", userId)]);
            return;
        }

        RedisKey[] keys = [Key(siteId, "fails:a", clientIp), Key(siteId, "blocked:a", clientIp), Key(siteId, "fails:u", userId), Key(siteId, "blocked:u", userId)];
        await _database.ScriptEvaluateAsync(_failScript, keys, FailArguments);
    }

    /// <summary>The bytes Redis holds (<c>used_memory</c>).</summary>
    public async Task<long> UsedMemoryAsync()
    {
        var info = await _connection.GetServer(_connection.GetEndPoints()[0]).InfoAsync("memory");
        return long.Parse(info.SelectMany(group => group).First(pair => pair.Key == "used_memory").Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();

    // The site in braces: a hash tag, so one site's keys share a cluster slot, as the script needs in Redis Cluster.
    private static RedisKey Key(string siteId, string kind, string value) => $"guard:{{{siteId}}}:{kind}:{value}";
}
