namespace SessionGrains.Grains.Sites;

/// <summary>
/// The order of a site's waiting line: tickets in the order they joined (by sequence number), with a Fenwick tree over
/// the sequence numbers so a ticket's position, and the ticket at a position, cost O(log n) however long the line, and
/// leaving from the middle costs the same. Sequence numbers only grow; a line restored from storage goes on from the
/// highest stored, so the order of those still waiting survives a restart.
/// </summary>
internal sealed class LineOrder
{
    private const int MinCapacity = 64;

    private int[] _tree = new int[MinCapacity + 1];
    private SessionId?[] _slots = new SessionId?[MinCapacity];
    private long _base;
    private long _next;

    public int Count { get; private set; }

    /// <summary>The sequence the next ticket gets.</summary>
    public long NextSequence => _next;

    /// <summary>Puts <paramref name="ticket"/> at the end of the line; returns its sequence number.</summary>
    public long Append(SessionId ticket) => Insert(_next, ticket);

    /// <summary>Puts back a stored ticket with the sequence it had (any order of calls).</summary>
    public long Insert(long sequence, SessionId ticket)
    {
        if (Count == 0 && sequence >= _next)
        {
            _base = sequence;
        }

        while (sequence < _base || sequence - _base >= _slots.Length)
        {
            Rebuild(Math.Min(sequence, LowestOrBase()), Math.Max(sequence + 1, _next));
        }

        var slot = (int)(sequence - _base);
        if (_slots[slot] is not null)
        {
            throw new InvalidOperationException($"Sequence {sequence} is taken.");
        }

        _slots[slot] = ticket;
        Update(slot, +1);
        Count++;
        _next = Math.Max(_next, sequence + 1);
        return sequence;
    }

    public bool Remove(long sequence)
    {
        var slot = sequence - _base;
        if (slot < 0 || slot >= _slots.Length || _slots[slot] is null)
        {
            return false;
        }

        _slots[slot] = null;
        Update((int)slot, -1);
        Count--;
        return true;
    }

    /// <summary>Where the ticket of <paramref name="sequence"/> stands: 1 is the head of the line.</summary>
    public int PositionOf(long sequence) => Prefix((int)(sequence - _base));

    /// <summary>The ticket at <paramref name="position"/> (1 is the head), or null past the end.</summary>
    public SessionId? At(int position)
    {
        if (position < 1 || position > Count)
        {
            return null;
        }

        // Descend the tree: the lowest slot whose prefix count reaches the position.
        var index = 0;
        var remaining = position;
        for (var step = HighestPowerOfTwo(_slots.Length); step > 0; step >>= 1)
        {
            var next = index + step;
            if (next <= _slots.Length && _tree[next] < remaining)
            {
                index = next;
                remaining -= _tree[next];
            }
        }

        return _slots[index];
    }

    /// <summary>The tickets from the head on.</summary>
    public IEnumerable<SessionId> InOrder()
    {
        foreach (var ticket in _slots)
        {
            if (ticket is { } id)
            {
                yield return id;
            }
        }
    }

    private long LowestOrBase()
    {
        for (var slot = 0; slot < _slots.Length; slot++)
        {
            if (_slots[slot] is not null)
            {
                return _base + slot;
            }
        }

        return _next;
    }

    /// <summary>Moves the window of slots to start at <paramref name="from"/>, wide enough for <paramref name="until"/> with room to grow.</summary>
    private void Rebuild(long from, long until)
    {
        var capacity = MinCapacity;
        while (capacity < (until - from) * 2)
        {
            capacity *= 2;
        }

        var slots = new SessionId?[capacity];
        for (var slot = 0; slot < _slots.Length; slot++)
        {
            if (_slots[slot] is { } ticket)
            {
                slots[_base + slot - from] = ticket;
            }
        }

        _slots = slots;
        _base = from;
        _tree = new int[capacity + 1];
        for (var slot = 0; slot < capacity; slot++)
        {
            if (slots[slot] is not null)
            {
                Update(slot, +1);
            }
        }
    }

    private void Update(int slot, int delta)
    {
        for (var i = slot + 1; i < _tree.Length; i += i & -i)
        {
            _tree[i] += delta;
        }
    }

    private int Prefix(int slot)
    {
        var sum = 0;
        for (var i = slot + 1; i > 0; i -= i & -i)
        {
            sum += _tree[i];
        }

        return sum;
    }

    private static int HighestPowerOfTwo(int value) => 1 << (31 - System.Numerics.BitOperations.LeadingZeroCount((uint)value));
}
