"""The 95 % Student-t interval of paired differences over seeds, for the bench summaries."""
import math
import statistics

# t(0.975, df) for df = 1..30; beyond, the normal 1.960.
T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
        2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]


def half_width(diffs):
    """Half the width of the 95 % t interval of the mean of diffs; None below two values."""
    if len(diffs) < 2:
        return None
    t = T975[len(diffs) - 2] if len(diffs) - 1 <= len(T975) else 1.960
    return t * statistics.stdev(diffs) / math.sqrt(len(diffs))
