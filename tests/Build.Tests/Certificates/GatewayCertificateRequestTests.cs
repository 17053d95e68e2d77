using Mesh.Build.Certificates;

namespace Mesh.Build.Tests.Certificates;

/// <summary>Bad hosts and durations are refused before any key is made, with a message that says what to use.</summary>
public sealed class GatewayCertificateRequestTests
{
    [Theory]
    [InlineData("", "A gateway host is empty")]
    [InlineData("mail_hog.example.com", "'mail_hog.example.com' is not a DNS name")]
    [InlineData("https://mailhog.example.com", "'https://mailhog.example.com' is not a DNS name")]
    [InlineData("-mailhog.example.com", "'-mailhog.example.com' is not a DNS name")]
    [InlineData("a.*.example.com", "'a.*.example.com' is not a DNS name")]
    [InlineData("*mail.example.com", "'*mail.example.com' is not a DNS name")]
    [InlineData("mailhog.example.com.", "'mailhog.example.com.' is not a DNS name")]
    [InlineData("*.com", "'*.com' is too broad a wildcard")]
    [InlineData("10.0.0.1", "'10.0.0.1' looks like an IP address")]
    public void A_bad_host_is_refused_by_name(string host, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => new GatewayCertificateRequest(["mailhog.example.com", host]));

        Assert.StartsWith(expected, error.Message);
        Assert.Equal("hosts", error.ParamName);
    }

    [Fact]
    public void A_label_longer_than_63_characters_is_refused()
    {
        var host = new string('a', 64) + ".example.com";

        var error = Assert.Throws<ArgumentException>(() => new GatewayCertificateRequest([host]));

        Assert.StartsWith($"'{host}' is not a DNS name", error.Message);
    }

    [Fact]
    public void No_hosts_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new GatewayCertificateRequest([]));

        Assert.StartsWith("The gateway certificate needs at least one host, such as mailhog.example.com.", error.Message);
    }

    [Fact]
    public void Wildcards_mixed_case_and_single_labels_are_accepted_and_repeats_dropped()
    {
        var request = new GatewayCertificateRequest(["MailHog.Example.com", "*.apps.example.com", "localhost", "mailhog.example.com", "app.1.2.3.4.sslip.io"]);

        Assert.Equal(["MailHog.Example.com", "*.apps.example.com", "localhost", "app.1.2.3.4.sslip.io"], request.Hosts);
    }

    [Theory]
    [InlineData(30, 30, "renewBefore", "A renewal window of 30 days does not fit a validity of 30 days")]
    [InlineData(365, 0, "renewBefore", "A renewal window of 0 days does not fit a validity of 365 days")]
    [InlineData(0, 30, "serverValidity", "A server certificate validity of 0 days is out of range")]
    [InlineData(3650, 30, "serverValidity", "A server certificate validity of 3650 days is out of range")]
    public void A_renewal_window_must_fit_inside_the_validity(int validityDays, int renewBeforeDays, string parameter, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new GatewayCertificateRequest(["mailhog.example.com"], serverValidity: TimeSpan.FromDays(validityDays), renewBefore: TimeSpan.FromDays(renewBeforeDays)));

        Assert.StartsWith(expected, error.Message);
        Assert.Equal(parameter, error.ParamName);
    }
}
