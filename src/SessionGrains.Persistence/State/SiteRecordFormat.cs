using Orleans.Serialization;
using SessionGrains.Grains.Sites;

namespace SessionGrains.Persistence.State;

/// <summary>
/// How site records are written in the database: Orleans' binary format, compact and tolerant of added fields
/// thanks to the [Id] attributes (the same format the grain storage uses).
/// </summary>
public sealed class SiteRecordFormat(Serializer serializer)
{
    public byte[] Write(SiteHeader header) => serializer.SerializeToArray(header);

    public byte[] Write(LiveSession session) => serializer.SerializeToArray(session);

    public SiteHeader ReadHeader(byte[] payload) => serializer.Deserialize<SiteHeader>(payload) ?? throw new InvalidDataException("A stored site header is empty.");

    public byte[] Write(WaitingTicket ticket) => serializer.SerializeToArray(ticket);

    public WaitingTicket ReadTicket(byte[] payload) => serializer.Deserialize<WaitingTicket>(payload) ?? throw new InvalidDataException("A stored ticket is empty.");

    public byte[] Write(UsageDay day) => serializer.SerializeToArray(day);

    public UsageDay ReadUsage(byte[] payload) => serializer.Deserialize<UsageDay>(payload) ?? throw new InvalidDataException("A stored usage row is empty.");

    public LiveSession ReadSession(byte[] payload) => serializer.Deserialize<LiveSession>(payload) ?? throw new InvalidDataException("A stored session record is empty.");
}
