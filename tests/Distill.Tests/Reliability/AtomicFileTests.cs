using Distill.Runs;
using Distill.Tests.Support;

namespace Distill.Tests.Reliability;

public sealed class AtomicFileTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_write_that_dies_halfway_leaves_the_previous_file_whole_and_no_temporary_behind()
    {
        var path = _folder.File("metrics.jsonl");
        AtomicFile.WriteAllText(path, "epoch 1\n");

        Assert.Throws<IOException>(() => AtomicFile.Write(path, temporary =>
        {
            File.WriteAllText(temporary, "epoch 1\nepo");
            throw new IOException("disk gone");
        }));

        Assert.Equal("epoch 1\n", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_folder.Path));
    }

    [Fact]
    public void The_new_content_appears_only_once_it_is_complete()
    {
        var path = _folder.File("results.json");
        AtomicFile.WriteAllText(path, "old");

        AtomicFile.Write(path, temporary =>
        {
            File.WriteAllText(temporary, "new, complete");
            // While the new file is being written, readers still see the old one.
            Assert.Equal("old", File.ReadAllText(path));
        });

        Assert.Equal("new, complete", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_folder.Path));
    }
}
