namespace Distill.Training;

public enum OptimizerKind
{
    Sgd,
    Adam,
    AdamW,
}
