namespace SessionGrains;

/// <summary>
/// Marks a grain method that a site's own key may call: the site-scoped surface (open, touch, end, read its own
/// sessions), exactly what the same key may do over the HTTP API. An Orleans client may call these on the site its key
/// belongs to and nothing else; every other method needs the admin key. A new method is refused to site keys until
/// it is marked here.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class SiteScopedAttribute : Attribute;
