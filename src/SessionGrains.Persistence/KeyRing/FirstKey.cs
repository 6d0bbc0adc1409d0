using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace SessionGrains.Persistence.KeyRing;

/// <summary>
/// Makes the key ring's first key as the silo starts, before Data Protection would make one on first use, and one
/// server at a time. Left to the framework, servers starting together on an empty database could each make a key
/// and protect with their own, and a server that missed the others' keys would not read what they protect until it
/// next reloads its key ring (up to a day later). Later keys need no such care: the framework makes each one days
/// before it takes over, and every server has read it by then.
/// </summary>
public sealed partial class FirstKey(KeyRingStore store, IKeyManager keys, IOptions<KeyManagementOptions> options, ILogger<FirstKey> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    // After the schema is installed (RuntimeInitialize), long before the server takes requests.
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(FirstKey), ServiceLifecycleStage.RuntimeServices, EnsureAsync);

    /// <summary>Makes a key if the ring has none in force now (a new database, or every key expired).</summary>
    public Task EnsureAsync(CancellationToken cancellationToken) => store.TakeTurnAsync(
        () =>
        {
            var now = TimeProvider.System.GetUtcNow();
            if (keys.GetAllKeys().Any(key => !key.IsRevoked && key.ActivationDate <= now && key.ExpirationDate > now))
            {
                return;
            }

            var key = keys.CreateNewKey(now, now + options.Value.NewKeyLifetime);
            LogCreated(key.KeyId);
        },
        cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Made data protection key {KeyId}: the key ring had none in force")]
    private partial void LogCreated(Guid keyId);
}
