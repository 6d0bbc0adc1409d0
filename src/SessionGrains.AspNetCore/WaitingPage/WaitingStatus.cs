using System.Text.Json;
using System.Text.Json.Serialization;

namespace SessionGrains.AspNetCore;

/// <summary>
/// The waiting page's status as JSON: <c>waiting</c> (with the sentences to show and when to ask again),
/// <c>unavailable</c> (ask again later), or a <c>location</c> to go to: the app once signed in (<c>admitted</c>), the
/// sign-in page once the place is gone (<c>gone</c>).
/// </summary>
internal sealed record WaitingStatus(
    string State,
    int? Place,
    string? Position,
    string? Estimate,
    double? ShortestWaitSeconds,
    double? LongestWaitSeconds,
    double? PollAfterSeconds,
    string? Location)
{
    public static WaitingStatus Of(WaitingState state) => state switch
    {
        WaitingState.Waiting { Ticket: var t } => new("waiting", t.Position, WaitText.Position(t), WaitText.Estimate(t),
            t.ShortestWait?.TotalSeconds, t.LongestWait?.TotalSeconds, t.PollAfter.TotalSeconds, Location: null),
        WaitingState.Unavailable { PollAfter: var after } => new("unavailable", null, WaitText.Unavailable, null, null, null, after.TotalSeconds, null),
        WaitingState.Admitted { Location: var location } => new("admitted", null, null, null, null, null, null, location),
        WaitingState.Gone { Location: var location } => new("gone", null, null, null, null, null, null, location),
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WaitingStatus))]
internal sealed partial class WaitingStatusJson : JsonSerializerContext;
