using Mesh.Build.Manifests;

namespace Mesh.Build.Tests.Manifests;

public sealed class ManifestTemplateTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void A_whole_scalar_placeholder_takes_the_values_type_and_text_placeholders_are_written_in()
    {
        var file = _directory.Write("values.yaml", """
            revision: ${revision}
            sampling: ${sampling}
            hosts: ${hosts}
            labels: ${labels}
            url: http://prometheus.${namespace}:9090
            port: 9090
            enabled: true
            quoted: "true"
            empty:
            """);

        var values = ManifestTemplate.RenderOne(file, new Dictionary<string, object?>
        {
            ["revision"] = "",
            ["sampling"] = 12.5,
            ["hosts"] = new[] { "a.example.com", "b.example.com" },
            ["labels"] = new Dictionary<string, string> { ["istio-injection"] = "enabled" },
            ["namespace"] = "istio-system",
        });

        Assert.Equal(
            """{"revision":"","sampling":12.5,"hosts":["a.example.com","b.example.com"],"labels":{"istio-injection":"enabled"},"url":"http://prometheus.istio-system:9090","port":9090,"enabled":true,"quoted":"true","empty":null}""",
            values.ToJsonString());
    }

    [Fact]
    public void Every_document_of_a_file_is_an_object_and_empty_ones_are_skipped()
    {
        var file = _directory.Write("objects.yaml", "kind: Namespace\n---\n# nothing\n---\nkind: Service\n");

        var objects = ManifestTemplate.Render(file, new Dictionary<string, object?>());

        Assert.Equal(["Namespace", "Service"], objects.Select(obj => (string)obj["kind"]!));
    }

    [Fact]
    public void An_unknown_placeholder_names_the_file_the_line_and_the_known_ones()
    {
        var file = _directory.Write("bad.yaml", "a: 1\nb: ${nope}\n");

        var error = Assert.Throws<ManifestException>(() => ManifestTemplate.Render(file, new Dictionary<string, object?> { ["known"] = 1 }));

        Assert.Equal($"{file}:2: unknown placeholder ${{nope}}; known here: known.", error.Message);
    }

    [Fact]
    public void Invalid_yaml_is_reported_with_its_line()
    {
        var file = _directory.Write("broken.yaml", "a: 1\nb: [unclosed\n");

        var error = Assert.Throws<ManifestException>(() => ManifestTemplate.Render(file, new Dictionary<string, object?>()));

        Assert.StartsWith($"{file}:", error.Message, StringComparison.Ordinal);
        Assert.Contains("not valid YAML", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_manifest_of_the_repository_renders_with_the_values_its_task_gives()
    {
        var root = BuildContext.FindRepositoryRoot(AppContext.BaseDirectory);
        var files = Directory.GetFiles(Path.Combine(root, "manifests"), "*.yaml", SearchOption.AllDirectories);

        // Placeholders are filled by the tasks; here each one just has to be well formed and name a value.
        foreach (var file in files)
        {
            var names = System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(file), @"\$\{([a-z0-9-]+)\}").Select(match => match.Groups[1].Value).Distinct();
            var rendered = ManifestTemplate.Render(file, names.ToDictionary(name => name, object? (name) => "x"));
            Assert.NotEmpty(rendered);
        }
    }
}
