using System.Net;
using Microsoft.AspNetCore.Http.HttpResults;

namespace SessionGrains.Server.Problems;

/// <summary>
/// An admin UI request that failed (the cluster or its database cannot answer) gets a page an operator can read,
/// with the status, <c>Retry-After</c> and words of the API's problem; the live refresh shows the failure itself.
/// </summary>
internal static class ProblemPage
{
    public static bool Handles(HttpContext context) => context.Request.Path.StartsWithSegments("/admin");

    public static Task WriteAsync(HttpContext context, IResult problem)
    {
        var (details, retryAfter) = problem switch
        {
            ApiProblems.WithRetryAfter delayed => (delayed.Problem, delayed.Seconds),
            ProblemHttpResult plain => (plain, null),
            _ => (null, null),
        };

        context.Response.StatusCode = details?.StatusCode ?? StatusCodes.Status500InternalServerError;
        if (retryAfter is not null)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }

        var title = WebUtility.HtmlEncode(details?.ProblemDetails.Title ?? "The request failed.");
        var detail = WebUtility.HtmlEncode(details?.ProblemDetails.Detail ?? string.Empty);
        var again = WebUtility.HtmlEncode($"{context.Request.Path}{context.Request.QueryString}");
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync(
            $"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{title} · SessionGrains operator</title><link rel="icon" href="/admin/assets/favicon.svg" type="image/svg+xml"><link rel="stylesheet" href="/admin/assets/admin.css"></head>
            <body><main id="content"><h1 id="error-title">{title}</h1><p id="error-detail">{detail}</p><p><a href="{again}">Try again</a> · <a href="/admin">Sites</a></p></main></body>
            </html>
            """);
    }
}
