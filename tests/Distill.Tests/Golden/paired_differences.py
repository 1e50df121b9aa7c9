"""Golden values for PairedDifference and StudentT, computed with SciPy.

Rerun from the repository root (Debian's python3-scipy; no network needed):

    /usr/bin/python3 tests/Distill.Tests/Golden/paired_differences.py

It rewrites tests/Distill.Tests/Golden/paired_differences.json, which PairedDifferenceTests.cs reads.

Definitions:
    quantile      = scipy.stats.t.ppf(p, df)
    cdf           = scipy.stats.t.cdf(x, df)
    paired interval of first - second: d = first - second, n = len(d),
        mean(d) -/+ t.ppf(0.975, n - 1) * std(d, ddof=1) / sqrt(n)
        (the same interval as scipy.stats.ttest_rel(first, second).confidence_interval(0.95))
"""

import json
import math
import os

from scipy import stats

HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUT = os.path.join(HERE, "paired_differences.json")

quantiles = [
    {"p": p, "df": df, "t": float(stats.t.ppf(p, df))}
    for df in (1, 2, 3, 4, 5, 9, 29, 200)
    for p in (0.975, 0.995, 0.9, 0.6, 0.025)
]
cdfs = [
    {"x": x, "df": df, "cdf": float(stats.t.cdf(x, df))}
    for df in (1, 2.5, 4, 30)
    for x in (-3.0, -0.5, 0.0, 0.7, 2.0, 12.0)
]

# Test accuracies of five seeds of two models (the shape of a bench study), and a three-seed case
# whose interval spans zero.
cases = [
    {"first": [0.9765, 0.9771, 0.9759, 0.9768, 0.9762], "second": [0.9760, 0.9752, 0.9761, 0.9750, 0.9749]},
    {"first": [0.9765, 0.9758, 0.9770], "second": [0.9760, 0.9761, 0.9762]},
    {"first": [112.0, 108.0], "second": [138.0, 131.0]},
]
for case in cases:
    d = [a - b for a, b in zip(case["first"], case["second"])]
    n = len(d)
    mean = sum(d) / n
    std = math.sqrt(sum((x - mean) ** 2 for x in d) / (n - 1))
    half = float(stats.t.ppf(0.975, n - 1)) * std / math.sqrt(n)
    test = stats.ttest_rel(case["first"], case["second"])
    if hasattr(test, "confidence_interval"):
        interval = test.confidence_interval(0.95)
        assert abs(interval.low - (mean - half)) < 1e-12 and abs(interval.high - (mean + half)) < 1e-12
    case.update({"mean": mean, "low": mean - half, "high": mean + half, "p_value": float(test.pvalue)})

with open(OUTPUT, "w") as f:
    json.dump({"quantiles": quantiles, "cdfs": cdfs, "cases": cases}, f, indent=1)
    f.write("\n")
