using k8s;
using k8s.Models;

namespace Distill.Tests.Deployment;

/// <summary>
/// deploy/kubernetes read strictly by the Kubernetes client's own model classes (an unknown or
/// misspelt field fails), and checked for what the shard contract needs. No cluster is reachable
/// from the tests, so this is as far as they go; docs/scale.md says so.
/// </summary>
public sealed class KubernetesManifestTests
{
    private static readonly string Folder = Path.Combine(Root(), "deploy", "kubernetes");

    private static string Root()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "Distill.sln"))) return folder.FullName;
        throw new InvalidOperationException("The repository root (Distill.sln) was not found above the test assembly.");
    }

    private static List<object> Load(string file) => KubernetesYaml.LoadAllFromString(File.ReadAllText(Path.Combine(Folder, file)), strict: true);

    private static V1Job Job(string file) => Assert.IsType<V1Job>(Assert.Single(Load(file)));

    private static string[] Args(V1Job job) => Assert.Single(job.Spec.Template.Spec.Containers).Args.ToArray();

    [Fact]
    public void Every_manifest_reads_strictly_as_kubernetes_objects()
    {
        var files = Directory.GetFiles(Folder, "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["merge-job.yaml", "points-job.yaml", "storage.yaml", "teacher-job.yaml"], files);
        var storage = Load("storage.yaml");
        var claim = Assert.Single(storage.OfType<V1PersistentVolumeClaim>());
        Assert.Contains("ReadWriteMany", claim.Spec.AccessModes);
        Assert.Contains("experiment.json", Assert.Single(storage.OfType<V1ConfigMap>()).Data.Keys);
    }

    [Fact]
    public void The_points_job_is_indexed_and_tells_each_pod_how_many_shards_there_are()
    {
        var job = Job("points-job.yaml");

        Assert.Equal("Indexed", job.Spec.CompletionMode);
        var env = Assert.Single(job.Spec.Template.Spec.Containers).Env.ToDictionary(e => e.Name, e => e.Value);
        Assert.Equal(job.Spec.Completions.ToString(), env["JOB_COMPLETIONS"]);
        Assert.Equal(["run", "/config/experiment.json", "--shard", "auto", "--stage", "points", "--out", "/runs/sweep"], Args(job));
        Assert.Equal("Never", job.Spec.Template.Spec.RestartPolicy);
    }

    [Fact]
    public void Every_stage_shares_one_volume_and_one_run_folder_and_the_commands_parse()
    {
        var jobs = new[] { "teacher-job.yaml", "points-job.yaml", "merge-job.yaml" }.Select(Job).ToList();

        Assert.All(jobs, job =>
        {
            Assert.Equal("distill-runs", job.Spec.Template.Spec.Volumes.Single(v => v.Name == "runs").PersistentVolumeClaim.ClaimName);
            Assert.Contains(Assert.Single(job.Spec.Template.Spec.Containers).VolumeMounts, m => m.Name == "runs" && m.MountPath == "/runs");
            Assert.Contains("/runs/sweep", Args(job));
            var (root, _) = Distill.Cli.CliApplication.Build(new Distill.Cli.CliContext(TextWriter.Null, TextWriter.Null));
            Assert.Empty(root.Parse(Args(job)).Errors);
        });
        Assert.Equal(["run", "/config/experiment.json", "--stage", "teacher", "--out", "/runs/sweep"], Args(jobs[0]));
        Assert.Equal(["merge", "/runs/sweep"], Args(jobs[2]));
    }
}
