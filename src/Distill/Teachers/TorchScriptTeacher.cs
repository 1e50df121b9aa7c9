using static TorchSharp.torch;
using Distill.Native;

namespace Distill.Teachers;

/// <summary>
/// A teacher saved as TorchScript (torch.jit.trace or torch.jit.script, then save), run by libtorch.
/// A TorchScript file is a program: loading it runs its author's code, as unpickling does, so load
/// only files you trust. Its inner layers are out of reach: TorchSharp 0.107 lists a script's
/// submodules as untyped ScriptModules, which take no forward hook, and runs them inside the
/// compiled forward (a test holds this).
/// </summary>
public sealed class TorchScriptTeacher : ImportedTeacher
{
    // Deliberately not registered as a submodule: its layers cannot be tapped, so none are listed.
    private readonly jit.ScriptModule<Tensor, Tensor> _script;

    private TorchScriptTeacher(string path, jit.ScriptModule<Tensor, Tensor> script) : base(nameof(TorchScriptTeacher), path)
    {
        _script = script;
        _script.eval();
        foreach (var parameter in _script.parameters()) parameter.requires_grad = false;
        ParameterCount = _script.parameters().Sum(p => p.numel());
    }

    public override string Format => "TorchScript";

    public override long ParameterCount { get; }

    /// <summary>The script's weights by name, read-only (data-free distillation reads the final layer's).</summary>
    public IEnumerable<(string Name, Tensor Parameter)> Parameters => _script.named_parameters().Select(p => (p.name, (Tensor)p.parameter));

    public static TorchScriptTeacher Load(string path)
    {
        TorchArchive.RefuseWithoutCode(path);
        NativeRuntime.EnsureReady();
        jit.ScriptModule<Tensor, Tensor> script;
        try
        {
            script = jit.load<Tensor, Tensor>(path);
        }
        catch (Exception e) when (e is not (DistillException or OutOfMemoryException))
        {
            throw new DistillException($"PyTorch cannot load the teacher '{path}' as TorchScript: {FirstLine(e.Message)}");
        }
        return new TorchScriptTeacher(path, script);
    }

    public override Tensor forward(Tensor input)
    {
        try
        {
            return _script.call(input);
        }
        catch (Exception e) when (e is not (DistillException or OutOfMemoryException))
        {
            throw Failed(input, e);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _script.Dispose();
        base.Dispose(disposing);
    }
}
