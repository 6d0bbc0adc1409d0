using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SessionGrains.Grains.Sites;
using SessionGrains.Server.Reports;

namespace SessionGrains.Server.Admin.Pages;

/// <summary>
/// Every site's usage over the last 30 days: who needs a bigger limit. Read through the sites (their stored days and
/// what they have not written yet), so it is exact up to now; <c>?handler=Csv</c> downloads the table as the API's CSV.
/// </summary>
public sealed class UsageModel(IGrainFactory grains, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "sort")]
    public string? Sort { get; set; }

    [BindProperty(SupportsGet = true, Name = "desc")]
    public bool? Descending { get; set; }

    public UsageTable Table { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken) => Table = await LoadAsync(cancellationToken);

    public async Task<FileContentResult> OnGetCsvAsync(CancellationToken cancellationToken)
    {
        var table = await LoadAsync(cancellationToken);
        var csv = UsageCsv.Write(table.Rows.Where(row => row.Usage is not null).Select(row => (row.SiteId, row.Usage!)));
        return File(Encoding.UTF8.GetBytes(csv), UsageCsv.ContentType + "; charset=utf-8", table.FileName);
    }

    private async Task<UsageTable> LoadAsync(CancellationToken cancellationToken)
    {
        var to = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var from = to.AddDays(1 - UsageTable.Days);
        var siteIds = await grains.GetGrain<ISiteDirectoryGrain>(ISiteDirectoryGrain.Key).ListAsync();
        var usages = await grains.GetUsageTotalsAsync(siteIds, from, to, cancellationToken);
        return UsageTable.Build(siteIds, usages, from, to, Sort, Descending);
    }
}
