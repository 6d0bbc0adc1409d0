using System.Diagnostics;

namespace SessionGrains.Testing;

public static class Processes
{
    /// <summary>Runs a program to its end and returns what it printed; throws with its output if it fails.</summary>
    public static Task<string> RunAsync(string program, IReadOnlyList<string> arguments) =>
        RunAsync(program, arguments, new Dictionary<string, string>(), workingDirectory: null);

    /// <summary>As above, with <paramref name="environment"/> added to this process's, in <paramref name="workingDirectory"/> if given.</summary>
    public static async Task<string> RunAsync(
        string program,
        IReadOnlyList<string> arguments,
        IReadOnlyDictionary<string, string> environment,
        string? workingDirectory)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await output}{await error}");
        }

        return await output;
    }
}
