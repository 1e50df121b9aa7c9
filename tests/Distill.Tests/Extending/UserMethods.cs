using System.Runtime.CompilerServices;
using Distill.Methods;

namespace Distill.Tests.Extending;

/// <summary>
/// Registers the test project's own method where a program would: at its start, before Distill
/// reads or writes any options. Every test then sees it, as every command of a host program would.
/// </summary>
internal static class UserMethods
{
    [ModuleInitializer]
    internal static void Register() => MethodRegistry.Register<LogitMse>();
}
