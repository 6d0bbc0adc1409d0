using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace SessionGrains.Server.Admin.Pages;

/// <summary>
/// One site: its figures, live sessions (each with a Kick button; a page of them at a time, <c>?cursor=</c> naming
/// where a later page starts), the head of its waiting line (each ticket with a Remove button, and one Admit next) and
/// chart, refreshed every two seconds (<c>?handler=Live</c>, same cursor), and the form that changes its settings.
/// </summary>
public sealed partial class SiteModel(IGrainFactory grains, TimeProvider clock, ILogger<SiteModel> logger) : PageModel
{
    [FromRoute]
    public string SiteId { get; set; } = string.Empty;

    [BindProperty]
    public SettingsForm Form { get; set; } = new();

    [TempData]
    public string? Notice { get; set; }

    public SitePage View { get; private set; } = null!;

    /// <summary>The last 90 days, drawn once when the page loads (the live part refreshes without it).</summary>
    public UsageChart Usage { get; private set; } = null!;

    /// <summary>Set when the page's cursor was refused: the first page is shown instead, and this says why.</summary>
    public string? CursorError { get; private set; }

    public override Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        // Every handler works on the site in the route: an id no site can have is not found, and nothing is asked.
        if (!RequestRules.IsValidSiteId(SiteId))
        {
            context.Result = NotFound();
            return Task.CompletedTask;
        }

        return next();
    }

    public async Task<IActionResult> OnGetAsync(string? cursor)
    {
        var usage = LoadUsageAsync();
        try
        {
            View = await SitePage.LoadAsync(grains, SiteId, clock, NullIfEmpty(cursor));
        }
        catch (InvalidRequestException)
        {
            // A link cut short or edited: say so, and show the first page, from which every page can be reached.
            CursorError = "That link to a page of sessions is damaged, so the first page is shown.";
            View = await SitePage.LoadAsync(grains, SiteId, clock);
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        Form = SettingsForm.From(View.Status.Summary.Settings);
        Usage = await usage;
        return Page();
    }

    public async Task<IActionResult> OnGetLiveAsync(string? cursor)
    {
        try
        {
            return Partial("_SiteLive", await SitePage.LoadAsync(grains, SiteId, clock, NullIfEmpty(cursor)));
        }
        catch (InvalidRequestException)
        {
            // The page only asks with a cursor the site gave it; the script reports that it is not updating.
            return BadRequest();
        }
    }

    /// <param name="userId">The user of the row the operator kicked, to name them in the notice (only shown back to them).</param>
    /// <param name="cursor">The page of sessions the operator was on: they come back to it.</param>
    public async Task<IActionResult> OnPostKickAsync(string? sessionId, string? userId, string? cursor)
    {
        var whose = RequestRules.IsValidUserId(userId) ? $"{userId}'s session" : "The session";
        if (!SessionGrains.SessionId.TryParse(sessionId, out var id))
        {
            Notice = "That is not a session id; nothing was changed.";
        }
        else if (await grains.GetSiteGrain(SiteId).KickAsync(id))
        {
            LogKicked(logger, SiteId, id);
            Notice = $"{whose} ({id}) was ended. They are signed out at their next request.";
        }
        else
        {
            Notice = $"{whose} ({id}) had already ended.";
        }

        return RedirectToPage("/Site", new { siteId = SiteId, cursor = NullIfEmpty(cursor) });
    }

    /// <param name="userId">The user of the row the operator removed, to name them in the notice (only shown back to them).</param>
    /// <param name="cursor">The page of sessions the operator was on: they come back to it.</param>
    public async Task<IActionResult> OnPostRemoveAsync(string? ticketId, string? userId, string? cursor)
    {
        var whose = RequestRules.IsValidUserId(userId) ? $"{userId}'s ticket" : "The ticket";
        if (!SessionGrains.SessionId.TryParse(ticketId, out var id))
        {
            Notice = "That is not a ticket id; nothing was changed.";
        }
        else if (await grains.GetSiteGrain(SiteId).RemoveTicketAsync(id))
        {
            LogRemoved(logger, SiteId, id);
            Notice = $"{whose} ({id}) was removed from the line. They are told so when they next ask.";
        }
        else
        {
            Notice = $"{whose} ({id}) had already left the line.";
        }

        return RedirectToPage("/Site", new { siteId = SiteId, cursor = NullIfEmpty(cursor) });
    }

    /// <summary>Holds a seat for the next ticket without one, even on a full site (see <see cref="ISiteGrain.AdmitNextAsync"/>).</summary>
    public async Task<IActionResult> OnPostAdmitNextAsync(string? cursor)
    {
        if (await grains.GetSiteGrain(SiteId).AdmitNextAsync() is { } admitted)
        {
            LogAdmittedNext(logger, SiteId, admitted.TicketId);
            var until = admitted.SeatHeldUntil is { } held ? $" until {Display.Time(held, clock.GetUtcNow())} UTC" : string.Empty;
            Notice = $"A seat is held for {admitted.UserId}'s ticket ({admitted.TicketId}){until}: they are admitted when they next ask, even if that takes the site past its limit.";
        }
        else
        {
            Notice = "Nobody in the line waits for a seat (every ticket holds one already, or the line is empty); nothing was changed.";
        }

        return RedirectToPage("/Site", new { siteId = SiteId, cursor = NullIfEmpty(cursor) });
    }

    /// <summary>Lifts a sign-in block and forgets its failures; the operator comes back to the page they were on.</summary>
    public async Task<IActionResult> OnPostLiftAsync(string? scope, string? value, string? cursor)
    {
        BlockScope? parsed = scope switch { "address" => BlockScope.Address, "user" => BlockScope.User, _ => null };
        bool lifted;
        try
        {
            lifted = parsed is { } kind && value is not null && await grains.GetSignInGuard(SiteId).LiftAsync(kind, value);
        }
        catch (InvalidRequestException)
        {
            lifted = false;
        }

        if (lifted)
        {
            LogLifted(logger, SiteId, scope!, value!);
            Notice = $"The block of {scope} {value} was lifted; its failures are forgotten.";
        }
        else
        {
            Notice = "That block had already ended; nothing was changed.";
        }

        return RedirectToPage("/Site", new { siteId = SiteId, cursor = NullIfEmpty(cursor) });
    }

    public async Task<IActionResult> OnPostSettingsAsync()
    {
        var current = await grains.GetSiteGrain(SiteId).GetSettingsAsync();
        if (Form.ToUpdate(current, ModelState) is { } update)
        {
            try
            {
                await grains.GetSiteGrain(SiteId).UpdateSettingsAsync(update);
                LogSettingsChanged(logger, SiteId);
                Notice = "Settings saved.";
                return RedirectToPage("/Site", new { siteId = SiteId });
            }
            catch (InvalidRequestException refusal)
            {
                SettingsForm.AddErrors(refusal, ModelState);
            }
        }

        // Nothing was changed: the form comes back as typed, with a message next to each field that is wrong.
        View = await SitePage.LoadAsync(grains, SiteId, clock);
        Usage = await LoadUsageAsync();
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private async Task<UsageChart> LoadUsageAsync()
    {
        var to = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var from = to.AddDays(1 - UsageChart.Days);
        return UsageChart.Draw(await grains.GetSiteGrain(SiteId).GetUsageAsync(from, to, UsageGranularity.Day), from, to);
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    public string? ErrorFor(string field) =>
        ModelState[SettingsForm.Key(field)]?.Errors.FirstOrDefault()?.ErrorMessage;

    [LoggerMessage(Level = LogLevel.Information, Message = "An operator ended session {SessionId} of site {SiteId} in the admin UI")]
    private static partial void LogKicked(ILogger logger, string siteId, SessionId sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "An operator removed ticket {TicketId} from the line of site {SiteId} in the admin UI")]
    private static partial void LogRemoved(ILogger logger, string siteId, SessionId ticketId);

    [LoggerMessage(Level = LogLevel.Information, Message = "An operator admitted ticket {TicketId} of site {SiteId} next in the admin UI")]
    private static partial void LogAdmittedNext(ILogger logger, string siteId, SessionId ticketId);

    [LoggerMessage(Level = LogLevel.Information, Message = "An operator lifted the sign-in block of {Scope} {Value} on site {SiteId} in the admin UI")]
    private static partial void LogLifted(ILogger logger, string siteId, string scope, string value);

    [LoggerMessage(Level = LogLevel.Information, Message = "An operator changed the settings of site {SiteId} in the admin UI")]
    private static partial void LogSettingsChanged(ILogger logger, string siteId);
}
