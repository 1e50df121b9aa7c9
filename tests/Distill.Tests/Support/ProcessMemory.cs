namespace Distill.Tests.Support;

/// <summary>Tests that watch the whole process's resident memory run alone: another test's allocations would move it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessMemory
{
    public const string Name = "process memory";
}
