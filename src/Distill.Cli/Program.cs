using Distill.Cli;
using Distill.Native;
using Distill.Teachers;

// The command line opts into every native setting (docs/native.md), first thing, so that MKL reads
// its settings before libtorch's first product; the TorchScript probe below is such a process too.
DistillNative.Prepare();

// The child that tries a TorchScript teacher for its parent (see TorchScriptProbe): nothing else runs.
if (args is [TorchScriptProbe.Command, .. var probe]) return TorchScriptProbe.Run(probe, Console.Error);

// The command line runs one model at a time, so oneDNN may be switched per model where this CPU
// needs it (OneDnnSwitch.For); tests that run the CLI in their own process do not set it.
OneDnnSwitch.OneModelAtATime = true;
// A TorchScript teacher's first batch runs in a child of this executable, where an abort costs only the child.
TorchScriptProbe.Launcher = SelfLauncher.StartInfo;
return CliApplication.Run(args, Console.Out, Console.Error);
