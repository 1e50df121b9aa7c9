namespace Distill.Evaluation;

/// <summary>
/// Student's t distribution: its distribution function and quantiles, for confidence intervals of a
/// mean over a few seeds. The distribution function is
/// <c>F(t) = 1 - I_{v/(v+t^2)}(v/2, 1/2) / 2</c> for t ≥ 0 (symmetric below 0), with <c>I</c> the
/// regularized incomplete beta function, evaluated by its continued fraction (Lentz's method,
/// Numerical Recipes §6.4); the quantile inverts it by bisection, which cannot diverge in the heavy
/// tails of one or two degrees of freedom where Newton steps overshoot.
/// </summary>
public static class StudentT
{
    /// <summary>P(T ≤ <paramref name="t"/>) for <paramref name="degreesOfFreedom"/> &gt; 0.</summary>
    public static double Cdf(double t, double degreesOfFreedom)
    {
        if (degreesOfFreedom <= 0) throw new ArgumentOutOfRangeException(nameof(degreesOfFreedom), degreesOfFreedom, "The degrees of freedom must be positive.");
        var tail = 0.5 * RegularizedBeta(degreesOfFreedom / (degreesOfFreedom + t * t), degreesOfFreedom / 2, 0.5);
        return t >= 0 ? 1 - tail : tail;
    }

    /// <summary>The t with P(T ≤ t) = <paramref name="probability"/> (0 &lt; p &lt; 1).</summary>
    public static double Quantile(double probability, double degreesOfFreedom)
    {
        if (probability is <= 0 or >= 1 || double.IsNaN(probability))
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "The probability must lie strictly between 0 and 1.");
        if (probability < 0.5) return -Quantile(1 - probability, degreesOfFreedom);
        double low = 0, high = 1;
        while (Cdf(high, degreesOfFreedom) < probability) (low, high) = (high, high * 2);
        // 200 halvings take any bracket below the spacing of doubles.
        for (var i = 0; i < 200 && high - low > 1e-15 * high; i++)
        {
            var middle = (low + high) / 2;
            if (Cdf(middle, degreesOfFreedom) < probability) low = middle;
            else high = middle;
        }
        return (low + high) / 2;
    }

    /// <summary>I_x(a, b), the regularized incomplete beta function.</summary>
    private static double RegularizedBeta(double x, double a, double b)
    {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        var front = Math.Exp(LogGamma(a + b) - LogGamma(a) - LogGamma(b) + a * Math.Log(x) + b * Math.Log(1 - x));
        // The continued fraction converges fast only below (a + 1) / (a + b + 2); above, use I_x(a, b) = 1 - I_{1-x}(b, a).
        return x < (a + 1) / (a + b + 2)
            ? front * BetaFraction(x, a, b) / a
            : 1 - front * BetaFraction(1 - x, b, a) / b;
    }

    private static double BetaFraction(double x, double a, double b)
    {
        const double tiny = 1e-300;
        double c = 1, d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.Abs(d) < tiny ? tiny : d);
        var result = d;
        for (var m = 1; m <= 1000; m++)
        {
            var even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
            (c, d) = Step(even, c, d);
            result *= c * d;
            var odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
            (c, d) = Step(odd, c, d);
            var change = c * d;
            result *= change;
            if (Math.Abs(change - 1) < 1e-16) break;
        }
        return result;

        static (double C, double D) Step(double coefficient, double c, double d)
        {
            d = 1 + coefficient * d;
            d = 1 / (Math.Abs(d) < tiny ? tiny : d);
            c = 1 + coefficient / c;
            return (Math.Abs(c) < tiny ? tiny : c, d);
        }
    }

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos, g = 7, nine terms: about 15 significant digits).</summary>
    private static double LogGamma(double x)
    {
        ReadOnlySpan<double> coefficients =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        if (x < 0.5) return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        x -= 1;
        var sum = coefficients[0];
        for (var i = 1; i < coefficients.Length; i++) sum += coefficients[i] / (x + i);
        var t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}
