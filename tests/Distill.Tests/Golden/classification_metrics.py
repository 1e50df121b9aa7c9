"""Golden values for the report's precision, recall, F1, ROC AUC and average precision, from scikit-learn.

Rerun from the repository root (Debian's python3-sklearn 1.2.1; no GPU or network needed):

    /usr/bin/python3 tests/Distill.Tests/Golden/classification_metrics.py

It rewrites tests/Distill.Tests/Golden/classification_metrics.json, which ClassificationMetricsTests.cs
reads. The cases are small and written out here, so they can also be checked by hand:
- four classes, the last never predicted (its precision and recall are 0: zero_division=0);
- ten scores with ties across the two classes (0.8, 0.6, 0.3), so the curves take diagonal steps.
"""

import json
import os

from sklearn.metrics import average_precision_score, precision_recall_fscore_support, roc_auc_score, roc_curve

labels = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 3]
predicted = [0, 0, 1, 2, 1, 1, 0, 2, 2, 1, 2, 0, 2]
classes = [0, 1, 2, 3]
precision, recall, f1, support = precision_recall_fscore_support(labels, predicted, labels=classes, zero_division=0)
macro = precision_recall_fscore_support(labels, predicted, labels=classes, average="macro", zero_division=0)

positive = [1, 0, 1, 1, 0, 0, 1, 0, 1, 0]
scores = [0.9, 0.8, 0.8, 0.7, 0.6, 0.6, 0.5, 0.3, 0.3, 0.1]
fpr, tpr, _ = roc_curve(positive, scores, drop_intermediate=False)

golden = {
    "labels": labels,
    "predicted": predicted,
    "classes": len(classes),
    "precision": precision.tolist(),
    "recall": recall.tolist(),
    "f1": f1.tolist(),
    "support": support.tolist(),
    "macroPrecision": macro[0],
    "macroRecall": macro[1],
    "macroF1": macro[2],
    "positive": positive,
    "scores": scores,
    "rocAuc": roc_auc_score(positive, scores),
    "averagePrecision": average_precision_score(positive, scores),
    "falsePositiveRate": fpr.tolist(),
    "truePositiveRate": tpr.tolist(),
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "classification_metrics.json")
with open(path, "w") as f:
    json.dump(golden, f, indent=1)
    f.write("\n")
