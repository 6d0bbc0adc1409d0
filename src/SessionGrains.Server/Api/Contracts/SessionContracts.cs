namespace SessionGrains.Server.Api.Contracts;

/// <summary>Body of <c>POST /api/sites/{siteId}/sessions</c>.</summary>
public sealed record OpenSessionBody
{
    public required string UserId { get; init; }

    /// <summary>Sessions with one of the site's exempt roles take no seat.</summary>
    public IReadOnlyList<string>? Roles { get; init; }

    public string? ClientIp { get; init; }

    public string? UserAgent { get; init; }

    /// <summary>
    /// The same user's session that ended for idleness and that this one continues: asking again with the same value
    /// returns the same session instead of taking a second seat.
    /// </summary>
    public string? Resumes { get; init; }

    public OpenSessionRequest ToRequest()
    {
        SessionId? resumes = null;
        if (Resumes is not null)
        {
            resumes = SessionId.TryParse(Resumes, out var previous)
                ? previous
                : throw new InvalidRequestException("resumes", "A session id is 32 lowercase hexadecimal digits.");
        }

        return new OpenSessionRequest { UserId = UserId, Roles = Roles ?? [], ClientIp = ClientIp, UserAgent = UserAgent, Resumes = resumes };
    }
}

public sealed record SessionOpenedView
{
    public required string SessionId { get; init; }

    public required int Active { get; init; }

    public required int Limit { get; init; }

    public required DateTimeOffset IdleExpiresAt { get; init; }

    public required bool Exempt { get; init; }
}

public sealed record SessionTouchedView
{
    public required DateTimeOffset IdleExpiresAt { get; init; }
}

/// <summary>A live session, as <c>GET /api/sites/{siteId}/sessions/{sessionId}</c> shows it.</summary>
public sealed record SessionStateView
{
    public required string SessionId { get; init; }

    public required DateTimeOffset IdleExpiresAt { get; init; }
}

public sealed record KeyIssuedView
{
    /// <summary>The key's public id, for revoking it.</summary>
    public required string KeyId { get; init; }

    /// <summary>The key itself: shown this once, stored only as a hash.</summary>
    public required string Key { get; init; }
}
