namespace SessionGrains;

/// <summary>The rules of a usage report's range, shared by the grain and the HTTP API.</summary>
public static class UsageRange
{
    /// <summary>How long day rows are kept: at least this many days before today.</summary>
    public const int RetentionDays = 400;

    /// <summary>The longest range one report covers: the retention and a little, so every kept month fits.</summary>
    public const int MaxDays = 430;

    /// <summary>Throws <see cref="InvalidRequestException"/> naming the field when the range is backwards or too long.</summary>
    public static void EnsureValid(DateOnly from, DateOnly to)
    {
        if (to < from)
        {
            throw new InvalidRequestException("to", "The range ends before it starts.");
        }

        if (to.DayNumber - from.DayNumber + 1 > MaxDays)
        {
            throw new InvalidRequestException("from", $"A usage report covers at most {MaxDays} days.");
        }
    }
}
