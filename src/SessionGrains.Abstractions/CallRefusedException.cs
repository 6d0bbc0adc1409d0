namespace SessionGrains;

/// <summary>
/// The cluster refused a call from an Orleans client: it carried no key, a key the cluster does not know (or one that
/// was revoked), or a key that may not make this call (another site's, or a method only the admin key may call).
/// Nothing was done.
/// </summary>
[GenerateSerializer]
public sealed class CallRefusedException : Exception
{
    public CallRefusedException()
    {
    }

    public CallRefusedException(string message)
        : base(message)
    {
    }

    public CallRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
