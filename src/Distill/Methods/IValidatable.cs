namespace Distill.Methods;

/// <summary>Options that check themselves; the error names the option and the value.</summary>
public interface IValidatable
{
    void Validate();
}
