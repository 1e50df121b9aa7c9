namespace Distill.Models.Zoo;

/// <summary>
/// One architecture of the zoo: its spec kind, the grammar of its spec, the specs <c>distill models</c>
/// shows for it, and its parser.
/// </summary>
public sealed record ZooArchitecture(string Kind, string Grammar, string Description, IReadOnlyList<string> Examples, Func<string, string, ZooSpec> Parse);
