using Distill.Experiments.Shards;

namespace Distill.Tests.Experiments.Shards;

public sealed class ShardSpecTests
{
    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void I_of_n_is_read_from_zero()
    {
        Assert.Equal(new ShardSpec(0, 4), ShardSpec.Parse("0/4"));
        Assert.Equal(new ShardSpec(3, 4), ShardSpec.Parse("3/4"));
    }

    [Theory]
    [InlineData("4/4")]
    [InlineData("1/0")]
    [InlineData("-1/2")]
    [InlineData("a/2")]
    [InlineData("2")]
    [InlineData("")]
    public void A_shard_outside_0_to_n_or_not_i_of_n_is_refused_naming_the_flag(string text)
    {
        var error = Assert.Throws<DistillException>(() => ShardSpec.Parse(text, Environment()));
        Assert.Contains("--shard", error.Message);
    }

    [Fact]
    public void Auto_reads_a_slurm_array_task_counting_from_the_arrays_first_task()
    {
        var shard = ShardSpec.Parse("auto", Environment(("SLURM_ARRAY_TASK_ID", "7"), ("SLURM_ARRAY_TASK_MIN", "5"), ("SLURM_ARRAY_TASK_COUNT", "3")));

        Assert.Equal(new ShardSpec(2, 3), shard);
    }

    [Fact]
    public void Auto_reads_a_kubernetes_indexed_job()
    {
        Assert.Equal(new ShardSpec(1, 4), ShardSpec.Parse("auto", Environment(("JOB_COMPLETION_INDEX", "1"), ("JOB_COMPLETIONS", "4"))));
    }

    [Fact]
    public void Auto_without_a_scheduler_or_without_the_count_is_refused_saying_what_it_needs()
    {
        Assert.Contains("SLURM_ARRAY_TASK_ID", Assert.Throws<DistillException>(() => ShardSpec.Parse("auto", Environment())).Message);
        Assert.Contains("JOB_COMPLETIONS", Assert.Throws<DistillException>(() => ShardSpec.Parse("auto", Environment(("JOB_COMPLETION_INDEX", "0")))).Message);
        Assert.Contains("SLURM_ARRAY_TASK_COUNT", Assert.Throws<DistillException>(() => ShardSpec.Parse("auto", Environment(("SLURM_ARRAY_TASK_ID", "0")))).Message);
        Assert.Contains("not a whole number", Assert.Throws<DistillException>(() => ShardSpec.Parse("auto", Environment(("JOB_COMPLETION_INDEX", "x"), ("JOB_COMPLETIONS", "2")))).Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    public void The_shards_together_own_every_unit_exactly_once(int count)
    {
        var shards = Enumerable.Range(0, count).Select(i => new ShardSpec(i, count)).ToList();

        foreach (var unit in Enumerable.Range(0, 20))
            Assert.Single(shards, s => s.Owns(unit));
        // Round robin: no shard owns more than one unit above another.
        var sizes = shards.Select(s => Enumerable.Range(0, 20).Count(s.Owns)).ToList();
        Assert.True(sizes.Max() - sizes.Min() <= 1);
    }
}
