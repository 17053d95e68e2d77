using Mesh.Build.Hosting;

namespace Mesh.Build.Tests.Hosting;

public sealed class ColoursTests
{
    [Theory]
    [InlineData(false, null, "xterm", true)]
    [InlineData(true, null, "xterm", false)]
    [InlineData(false, "1", "xterm", false)]
    [InlineData(false, null, "dumb", false)]
    [InlineData(false, "", "xterm-256color", true)]
    public void Colours_only_on_a_terminal_without_NO_COLOR(bool redirected, string? noColor, string term, bool expected)
    {
        var variables = new Dictionary<string, string?> { ["NO_COLOR"] = noColor, ["TERM"] = term };

        Assert.Equal(expected, Colours.Allowed(redirected, name => variables.GetValueOrDefault(name)));
    }
}
