using System.Runtime.InteropServices;

namespace SessionGrains.Grains.Guard;

/// <summary>
/// The addresses (or users) one guard shard tracks, at most <paramref name="capacity"/>: a newcomer over it pushes out the
/// entry that came in first, which is the likeliest to have lapsed already. So memory follows the number of failing
/// clients up to a bound, whatever the traffic, and a spray of new addresses costs the guard its oldest memories, never
/// its memory.
/// </summary>
internal sealed class GuardTable<TKey>(int capacity)
    where TKey : notnull
{
    private readonly Dictionary<TKey, GuardEntry> _entries = [];
    private readonly Queue<(TKey Key, long Sequence)> _arrivals = new();
    private long _nextSequence;

    public int Count => _entries.Count;

    public IEnumerable<KeyValuePair<TKey, GuardEntry>> Entries => _entries;

    /// <summary>The entry of <paramref name="key"/>, or a null reference (<see cref="Unsafe.IsNullRef"/>) when it is not tracked.</summary>
    public ref GuardEntry Find(TKey key) => ref CollectionsMarshal.GetValueRefOrNullRef(_entries, key);

    /// <summary>The entry of <paramref name="key"/>, added (and the oldest pushed out, if full) when it is new.</summary>
    public ref GuardEntry FindOrAdd(TKey key)
    {
        ref var found = ref CollectionsMarshal.GetValueRefOrNullRef(_entries, key);
        if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref found))
        {
            return ref found;
        }

        // Make room first: a reference into the table must not outlive a removal.
        while (_entries.Count >= capacity && _arrivals.TryDequeue(out var oldest))
        {
            if (_entries.TryGetValue(oldest.Key, out var entry) && entry.Sequence == oldest.Sequence)
            {
                _entries.Remove(oldest.Key);
            }
        }

        var sequence = _nextSequence++;
        _arrivals.Enqueue((key, sequence));
        ref var added = ref CollectionsMarshal.GetValueRefOrAddDefault(_entries, key, out _);
        added.Sequence = sequence;
        CompactArrivals();
        return ref added;
    }

    public bool Remove(TKey key) => _entries.Remove(key);

    /// <summary>Entries removed by a success leave their arrival behind; once those outnumber the live ones, drop them.</summary>
    private void CompactArrivals()
    {
        if (_arrivals.Count <= 2 * Math.Max(_entries.Count, 1024))
        {
            return;
        }

        var live = _arrivals.Where(arrival => _entries.TryGetValue(arrival.Key, out var entry) && entry.Sequence == arrival.Sequence).ToList();
        _arrivals.Clear();
        foreach (var arrival in live)
        {
            _arrivals.Enqueue(arrival);
        }
    }
}
