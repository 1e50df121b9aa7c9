"""Summary of bench/dark-knowledge.sh: test errors before and after each class bias, in total and on the omitted classes."""
import json
import sys
from pathlib import Path

out = Path(sys.argv[1])


def row(name, path, omitted):
    report = json.loads(path.read_text())
    bias = report["classBias"]
    recall_before = {r["class"]: r["recall"] for r in bias["before"]}
    recall_after = {r["class"]: r["recall"] for r in bias["after"]}
    on = ", ".join(f"class {c}: {100 * recall_before[c]:.1f} % -> {100 * recall_after[c]:.1f} %" for c in omitted)
    print(f"| {name} | {bias['errorsBefore']} | {bias['errorsAfter']} | {on} |")


def teacher_line(path):
    result = json.loads(path.read_text())
    teacher = result["teacher"]
    runs = result["runs"][0]
    print(f"teacher {teacher['testErrors']} errors; scratch {runs['scratch']['testErrors']}; distilled {runs['distilled']['testErrors']} ({path.name})")


teacher_line(out / "omit-3.json")
teacher_line(out / "only-7-8.json")
print()
print("| run | test errors before | after | recall of the classes the student never saw |")
print("|---|---|---|---|")
row("omitted 3, bias 3=+3.5", out / "omit-3-bias-3.5.json", ["3"])
row("omitted 3, bias auto", out / "omit-3-bias-auto.json", ["3"])
row("only 7s and 8s, bias auto", out / "only-7-8-bias-auto.json", ["0", "1", "2", "3", "4", "5", "6", "9"])
