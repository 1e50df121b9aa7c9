namespace Distill.Training;

public enum ScheduleKind
{
    Constant,
    Step,
    Cosine,
}
