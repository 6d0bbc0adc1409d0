using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SessionGrains.Grains.Sites;

namespace SessionGrains.Server.Admin.Pages;

/// <summary>Every site at a glance; the rows refresh every two seconds (<c>?handler=Rows</c>).</summary>
public sealed class SitesModel(IGrainFactory grains) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Filter { get; set; }

    [BindProperty(SupportsGet = true, Name = "sort")]
    public string? Sort { get; set; }

    [BindProperty(SupportsGet = true, Name = "desc")]
    public bool Descending { get; set; }

    public SitesTable Table { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken) => Table = await LoadAsync(cancellationToken);

    public async Task<PartialViewResult> OnGetRowsAsync(CancellationToken cancellationToken)
    {
        Table = await LoadAsync(cancellationToken);
        return Partial("_SiteRows", Table);
    }

    /// <summary>The site page of an id typed in (a site that has never been configured shows the defaults).</summary>
    public IActionResult OnGetOpen(string? siteId) =>
        RequestRules.IsValidSiteId(siteId?.Trim())
            ? RedirectToPage("/Site", new { siteId = siteId!.Trim() })
            : RedirectToPage("/Sites", new { q = Filter, sort = Sort, desc = Descending ? "true" : null, invalid = siteId });

    private async Task<SitesTable> LoadAsync(CancellationToken cancellationToken) =>
        SitesTable.Build(await grains.GetSiteSummariesAsync(cancellationToken), Filter, Sort, Descending);
}
