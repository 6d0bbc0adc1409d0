using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using SessionGrains.AspNetCore;

namespace SessionGrains.SampleWeb.Pages;

public sealed class IndexModel(IGrainFactory grains, IOptions<SessionGateOptions> gate) : PageModel
{
    public SiteStatus Site { get; private set; } = null!;

    public SessionId? OwnSession { get; private set; }

    public int IdleMinutes => (int)Math.Ceiling(Site.Summary.Settings.IdleTimeout.TotalMinutes);

    public async Task OnGetAsync()
    {
        Site = await grains.GetSiteGrain(gate.Value.SiteId).GetStatusAsync();
        OwnSession = HttpContext.GetSeat()?.SessionId;
    }
}
