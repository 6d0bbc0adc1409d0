using StackExchange.Redis;

namespace SessionGrains.Benchmarks.Peers;

/// <summary>
/// The waiting line people build on Redis: per site a sorted set of tickets scored by a joining sequence (<c>INCR</c>),
/// so a position is <c>ZRANK</c> (O(log n)); a hash from user to ticket, so a user waits once; and a second sorted set of
/// tickets scored by when they last asked, for a sweep of lapsed tickets (<c>ZRANGEBYSCORE</c>, not run here). A join
/// and a poll are one Lua script each, one round trip, as atomic as the grain's turn. It decides nothing else: whether
/// the site is full and which seat is held for whom stay with the app, and it keeps the line in memory only.
/// </summary>
public sealed class RedisWaitingLine : IWaitingLinePeer
{
    private const int MaxQueueLength = 10_000;

    // KEYS: line, last polls, users, sequence. ARGV: ticket, user, now (ms), most tickets. Returns the holder's ticket
    // (the one it holds already, or the new one), or nothing when the line is at its longest.
    private const string JoinScript = """
        local held = redis.call('HGET', KEYS[3], ARGV[2])
        if held then
          redis.call('ZADD', KEYS[2], 'XX', ARGV[3], held)
          return held
        end
        if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then
          return false
        end
        redis.call('ZADD', KEYS[1], redis.call('INCR', KEYS[4]), ARGV[1])
        redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
        redis.call('HSET', KEYS[3], ARGV[2], ARGV[1])
        return ARGV[1]
        """;

    // KEYS: line, last polls. ARGV: ticket, now (ms). Returns the position (1 is next), 0 when not in the line.
    private const string PollScript = """
        local rank = redis.call('ZRANK', KEYS[1], ARGV[1])
        if not rank then
          return 0
        end
        redis.call('ZADD', KEYS[2], 'XX', ARGV[2], ARGV[1])
        return rank + 1
        """;

    private readonly ConnectionMultiplexer _connection;
    private readonly IDatabase _database;
    private readonly byte[] _joinScript;
    private readonly byte[] _pollScript;

    private RedisWaitingLine(ConnectionMultiplexer connection, byte[] joinScript, byte[] pollScript)
    {
        _connection = connection;
        _database = connection.GetDatabase();
        _joinScript = joinScript;
        _pollScript = pollScript;
    }

    public string Name => "Redis sorted-set line";

    public static async Task<RedisWaitingLine> CreateAsync(string connectionString)
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(connectionString);
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        return new RedisWaitingLine(connection, await server.ScriptLoadAsync(JoinScript), await server.ScriptLoadAsync(PollScript));
    }

    public Task CreateSiteAsync(string siteId) => Task.CompletedTask;

    public async ValueTask<string> JoinAsync(string siteId, string userId)
    {
        RedisKey[] keys = [Key(siteId, "line"), Key(siteId, "polled"), Key(siteId, "users"), Key(siteId, "sequence")];
        RedisValue[] arguments = [SessionId.New().ToString(), userId, Now(), MaxQueueLength];
        var ticket = await _database.ScriptEvaluateAsync(_joinScript, keys, arguments);
        return ticket.IsNull ? throw new InvalidOperationException($"The line of {siteId} is at its longest.") : (string)ticket!;
    }

    public async ValueTask<int> PollAsync(string siteId, string ticket)
    {
        var position = (int)await _database.ScriptEvaluateAsync(_pollScript, [Key(siteId, "line"), Key(siteId, "polled")], [ticket, Now()]);
        return position > 0 ? position : throw new InvalidOperationException($"Ticket {ticket} of {siteId} is no longer waiting.");
    }

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();

    private static long Now() => TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();

    // The site in braces: a hash tag, so one site's keys share a cluster slot, as the scripts need in Redis Cluster.
    private static RedisKey Key(string siteId, string kind) => $"line:{{{siteId}}}:{kind}";
}
