using Mesh.Build.Istio;

namespace Mesh.Build.Tests.Istio;

public sealed class ProbeResultTests
{
    [Theory]
    [InlineData("200\n", new[] { "200" })]
    [InlineData("000curl: (56) Recv failure: Connection reset by peer\n", new[] { "000" })]
    [InlineData("200\n200\n503\n", new[] { "200", "200", "503" })]
    [InlineData("curl: (6) Could not resolve host: mailhog\n", new string[0])]
    public void The_status_codes_a_probe_printed_are_read_from_its_log(string log, string[] codes)
    {
        Assert.Equal(codes, ProbeResult.CodesIn(log));
    }

    [Fact]
    public void A_probe_succeeds_only_when_it_completed_and_every_call_got_200()
    {
        Assert.True(new ProbeResult("p", true, ["200", "200"], "200\n200\n", "").Succeeded);
        Assert.False(new ProbeResult("p", true, ["200", "503"], "", "").Succeeded);
        Assert.False(new ProbeResult("p", false, ["200"], "", "DeadlineExceeded").Succeeded);
        Assert.False(new ProbeResult("p", true, [], "", "").Succeeded);
    }

    [Theory]
    [InlineData(false, "000\ncurl: (56) Recv failure: Connection reset by peer\n", "refused (curl 56)")]
    [InlineData(false, "000\ncurl: (28) Connection timed out after 10001 milliseconds\n", "timed out (curl 28)")]
    [InlineData(true, "200\n", "HTTP 200")]
    [InlineData(true, "503\n", "HTTP 503")]
    [InlineData(false, "(no log: the Job has no pod)", "no answer (DeadlineExceeded)")]
    public void Shown_says_what_the_call_met(bool completed, string log, string shown)
    {
        var result = new ProbeResult("p", completed, ProbeResult.CodesIn(log), log, completed ? string.Empty : "DeadlineExceeded");

        Assert.Equal(shown, result.Shown());
    }
}
