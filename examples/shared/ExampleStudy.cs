using Distill;
using Distill.Studies;

namespace Examples;

/// <summary>Runs a study and prints each model's line, or the one sentence Distill refuses it with.</summary>
public static class ExampleStudy
{
    public static int Run(Func<Distill.Experiments.ExperimentResult> fit)
    {
        try
        {
            var result = fit();
            foreach (var model in result.Models)
                Console.WriteLine($"{model.Label}: {model.TestAccuracy:P2} test accuracy ({model.TestErrors} errors), {model.Spec}; {model.Hyperparameters}");
            Console.WriteLine($"Run folder: {result.RunDirectory} (report.html, results.json)");
            return 0;
        }
        catch (DistillException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
    }
}
