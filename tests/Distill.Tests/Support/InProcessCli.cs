using Distill.Cli;

namespace Distill.Tests.Support;

/// <summary>Runs the distill command line in this process, capturing standard output and error.</summary>
public static class InProcessCli
{
    public static (int Code, string Output, string Errors) Run(params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var code = CliApplication.Run(args, output, errors);
        return (code, output.ToString(), errors.ToString());
    }
}
