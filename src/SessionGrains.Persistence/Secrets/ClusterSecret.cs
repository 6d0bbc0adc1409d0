using System.Security.Cryptography;
using System.Text;

namespace SessionGrains.Persistence.Secrets;

/// <summary>
/// 256 random bits shared by every silo of a deployment, kept in the cluster's database (table SessionGrainsSecret):
/// made by the first silo that starts, read by the others, loaded as the silo starts (<see cref="SecretsLifecycle"/>).
/// Nothing uses it directly: each use derives a key of its own with HKDF, so no two purposes ever share a key.
/// </summary>
public sealed class ClusterSecret
{
    private readonly TaskCompletionSource<byte[]> _secret = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A 256-bit key for one <paramref name="purpose"/>, the same on every silo of the deployment.</summary>
    public async ValueTask<byte[]> DeriveKeyAsync(string purpose)
    {
        // Awaited only by the first calls of a starting silo; later the task is long complete.
        var secret = _secret.Task.IsCompletedSuccessfully ? _secret.Task.Result : await _secret.Task;
        return HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, salt: null, info: Encoding.UTF8.GetBytes(purpose));
    }

    internal void Loaded(byte[] secret) => _secret.TrySetResult(secret);

    internal void Failed(Exception exception) => _secret.TrySetException(exception);
}
