using Cake.Core.Diagnostics;

namespace Mesh.Build.Hosting;

/// <summary>
/// The command line split the way Cake reads it: the host's own options (<c>--target</c>,
/// <c>--verbosity</c>, <c>--dryrun</c>, ...) and everything else, which belongs to the build's settings.
/// </summary>
public sealed class HostArguments
{
    /// <summary>The host's options with their aliases, as Cake.Frosting spells them.</summary>
    public static readonly IReadOnlyDictionary<string, string> OptionAliases =
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["target"] = "target",
            ["t"] = "target",
            ["verbosity"] = "verbosity",
            ["v"] = "verbosity",
            ["dryrun"] = "dryrun",
            ["noop"] = "dryrun",
            ["whatif"] = "dryrun",
            ["exclusive"] = "exclusive",
            ["e"] = "exclusive",
            ["tree"] = "tree",
            ["showtree"] = "tree",
            ["description"] = "description",
            ["descriptions"] = "description",
            ["showdescription"] = "description",
            ["help"] = "help",
            ["h"] = "help",
            ["version"] = "version",
            ["ver"] = "version",
        };

    private static readonly HashSet<string> ValueOptions = ["target", "verbosity"];

    public List<string> Targets { get; } = [];

    public Verbosity Verbosity { get; private set; } = Verbosity.Normal;

    public bool DryRun { get; private set; }

    public bool Exclusive { get; private set; }

    public bool ShowTree { get; private set; }

    public bool ShowDescription { get; private set; }

    public bool ShowHelp { get; private set; }

    public bool ShowVersion { get; private set; }

    /// <summary>Arguments that are not the host's, in order: name (without dashes) and value.</summary>
    public List<KeyValuePair<string, string>> Remaining { get; } = [];

    public List<string> Problems { get; } = [];

    public static HostArguments Parse(IReadOnlyList<string> args)
    {
        var parsed = new HostArguments();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-') || arg.Trim('-').Length == 0)
            {
                parsed.Problems.Add($"Unexpected argument '{arg}': arguments take the form --name=value.");
                continue;
            }

            var body = arg.TrimStart('-');
            var equals = body.IndexOf('=');
            var name = equals < 0 ? body : body[..equals];
            string? value = equals < 0 ? null : body[(equals + 1)..];
            var takesValue = OptionAliases.TryGetValue(name, out var option) ? ValueOptions.Contains(option) : true;

            // "--name value" is accepted as well as "--name=value", as Cake does.
            if (value is null && takesValue && i + 1 < args.Count && !args[i + 1].StartsWith('-'))
            {
                value = args[++i];
            }

            if (option is null)
            {
                parsed.Remaining.Add(new(name, value ?? "true"));
                continue;
            }

            parsed.Apply(option, arg, value);
        }

        return parsed;
    }

    private void Apply(string option, string arg, string? value)
    {
        switch (option)
        {
            case "target" when string.IsNullOrWhiteSpace(value):
                Problems.Add($"'{arg}' needs a task name, for example --target=EnforceMtls.");
                break;
            case "target":
                Targets.Add(value!);
                break;
            case "verbosity":
                if (TryParseVerbosity(value, out var verbosity))
                {
                    Verbosity = verbosity;
                }
                else
                {
                    Problems.Add($"--verbosity: '{value}' is not a verbosity; use quiet, minimal, normal, verbose or diagnostic.");
                }

                break;
            case "dryrun":
                DryRun = IsTrue(value);
                break;
            case "exclusive":
                Exclusive = IsTrue(value);
                break;
            case "tree":
                ShowTree = IsTrue(value);
                break;
            case "description":
                ShowDescription = IsTrue(value);
                break;
            case "help":
                ShowHelp = IsTrue(value);
                break;
            case "version":
                ShowVersion = IsTrue(value);
                break;
        }
    }

    private static bool IsTrue(string? value) => value is null || !value.Equals("false", StringComparison.OrdinalIgnoreCase);

    private static bool TryParseVerbosity(string? value, out Verbosity verbosity)
    {
        verbosity = Verbosity.Normal;
        switch (value?.ToLowerInvariant())
        {
            case "q" or "quiet": verbosity = Verbosity.Quiet; return true;
            case "m" or "minimal": verbosity = Verbosity.Minimal; return true;
            case "n" or "normal": verbosity = Verbosity.Normal; return true;
            case "v" or "verbose": verbosity = Verbosity.Verbose; return true;
            case "d" or "diagnostic": verbosity = Verbosity.Diagnostic; return true;
            default: return false;
        }
    }
}
