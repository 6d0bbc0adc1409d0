namespace SessionGrains.Server.Admin;

/// <summary>How the admin tables compare the values of a column they sort by.</summary>
public static class SortKeys
{
    /// <summary>Numbers by value, text (site ids) by its characters: the same order on every server whatever its culture.</summary>
    public static Comparer<IComparable> Order { get; } = Comparer<IComparable>.Create(
        (a, b) => a is string x && b is string y ? string.CompareOrdinal(x, y) : a.CompareTo(b));
}
