using System.Globalization;

namespace SessionGrains.Server.Admin;

/// <summary>How the charts write SVG numbers: a tenth of a unit is finer than a pixel, and invariant whatever the server's culture.</summary>
public static class Svg
{
    public static double Round(double value) => Math.Round(value, 1);

    public static string Number(double value) => Round(value).ToString(CultureInfo.InvariantCulture);
}
