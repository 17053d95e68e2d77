using Cake.Core.IO;

namespace Mesh.Build.Tools;

/// <summary>
/// Hides the secret arguments of one call in text the tool printed (an error echoing a <c>--set</c> value, a
/// rendered manifest containing a password) before that text reaches a log or an exception message.
/// Cake's <c>FilterUnsafe</c> only matches the quoted argument as rendered, so we derive the bare secret
/// from the difference between <c>Render()</c> and <c>RenderSafe()</c> of each secret argument, and for
/// <c>key=value</c> secrets also hide the bare value.
/// </summary>
internal sealed class SecretRedactor
{
    public const string Redacted = "[REDACTED]";

    private readonly string[] _secrets;

    private SecretRedactor(IEnumerable<string> secrets)
    {
        // Longest first, so "key=value" is replaced before "value" alone.
        _secrets = secrets.Where(secret => secret.Length > 0).Distinct().OrderByDescending(secret => secret.Length).ToArray();
    }

    public static SecretRedactor From(ProcessArgumentBuilder arguments)
    {
        var secrets = new List<string>();
        foreach (var argument in arguments)
        {
            var plain = argument.Render();
            var safe = argument.RenderSafe();
            if (plain == safe)
            {
                continue;
            }

            var secret = Difference(plain, safe).Trim('"');
            secrets.Add(secret);
            var equals = secret.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0 && equals < secret.Length - 1)
            {
                secrets.Add(secret[(equals + 1)..]);
            }
        }

        return new SecretRedactor(secrets);
    }

    public string Redact(string text)
    {
        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, Redacted, StringComparison.Ordinal);
        }

        return text;
    }

    private static string Difference(string plain, string safe)
    {
        var prefix = 0;
        while (prefix < plain.Length && prefix < safe.Length && plain[prefix] == safe[prefix])
        {
            prefix++;
        }

        var suffix = 0;
        while (suffix < plain.Length - prefix && suffix < safe.Length - prefix
               && plain[plain.Length - 1 - suffix] == safe[safe.Length - 1 - suffix])
        {
            suffix++;
        }

        return plain.Substring(prefix, plain.Length - prefix - suffix);
    }
}
