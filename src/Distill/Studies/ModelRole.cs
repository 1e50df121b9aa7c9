namespace Distill.Studies;

public enum ModelRole
{
    Teacher,
    Scratch,
    Distilled,
}
