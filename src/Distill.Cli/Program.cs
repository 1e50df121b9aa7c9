using Distill.Cli;

// The command line runs one model at a time, so oneDNN may be switched per model where this CPU
// needs it (Distill.NativeEnvironment.OneDnnFor); tests that run the CLI in their own process do not set it.
Distill.NativeEnvironment.OneModelAtATime = true;
return CliApplication.Run(args, Console.Out, Console.Error);
