namespace SessionGrains.Server.Admin.Pages;

/// <summary>One input of the settings form with its hint and, after a refused save, its error.</summary>
public sealed record FieldModel(SiteModel Page, string Name, string Label, string Hint, string? Value, string Kind)
{
    public string Id => $"{SettingsForm.Prefix}_{Name}";

    public string InputName => SettingsForm.Key(Name);

    public string? Error => Page.ErrorFor(Name);
}
