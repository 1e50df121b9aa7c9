#!/usr/bin/python3
"""Summarises a bench/case-study.sh folder as Markdown: the PyTorch teacher's test errors against Distill's
`eval --weights` of the same file on the same images, the fine-tuned teacher and the students of the
`distill run`, each ONNX export evaluated in ONNX Runtime against its TorchSharp test errors, and the
wall and CPU time of every phase (GNU time). Usage: case_study_summary.py OUT
"""
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gnu_time import gnu_time  # noqa: E402


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def find(value, *keys):
    """The first of keys present in a dict (Distill's JSON is camelCase; older files differ)."""
    for key in keys:
        if isinstance(value, dict) and key in value:
            return value[key]
    raise KeyError(f"none of {keys} in {sorted(value) if isinstance(value, dict) else value}")


def row(name, model):
    return (f"| {name} | `{model['spec']}` | {model['parameters']:,} | {100 * model['testAccuracy']:.2f} % | {model['testErrors']} "
            f"| {model['bestEpoch']} of {model['epochsRun']} | {model['trainingSeconds']:.0f} |")


def main():
    out = sys.argv[1]
    pytorch = load(os.path.join(out, "pytorch", "teacher.json"))
    distill = load(os.path.join(out, "eval-pytorch-weights.json"))
    d_errors, d_accuracy = find(distill, "testErrors", "errors"), find(distill, "testAccuracy", "accuracy")
    lines = ["## PyTorch's checkpoint in Distill", "",
             f"`{pytorch['model']}` trained by torch {pytorch['torch']} / torchvision {pytorch['torchvision']} on {pytorch['train_images']} images "
             f"of classes {', '.join(pytorch['classes'])} ({pytorch['epochs']} epochs, {pytorch['optimizer']}, {pytorch['augment']}), "
             f"tested on {pytorch['test_images']} images with: {pytorch['preprocessing']}.", "",
             "| Test errors on the same images | Errors | Accuracy |", "|---|---|---|",
             f"| PyTorch 1.13 | {pytorch['test_errors']} | {100 * pytorch['test_accuracy']:.2f} % |",
             f"| Distill `eval -m torchvision:resnet18 --weights` | {d_errors} | {100 * d_accuracy:.2f} % |",
             f"| difference | {d_errors - pytorch['test_errors']:+d} | |", ""]

    run = load(os.path.join(out, "run", "experiment.json"))
    teacher = run["teacher"]
    lines += ["## The case study (`distill run examples/case-study-resnet18.json`)", "",
              f"{run['testCount']} test images, 10 classes, 1 seed ({', '.join(str(s) for s in run['seeds'])}): single runs, no interval; "
              "differences between the students below are not claims.", "",
              "| Model | Spec | Parameters | Test accuracy | Test errors | Best epoch of run | Training s |", "|---|---|---|---|---|---|---|",
              row("Teacher (new head on the frozen base)", teacher)]
    scratch_shown = set()
    for point in run["runs"]:
        scratch = point["scratch"]
        if scratch["weightsPath"] not in scratch_shown:
            lines.append(row("Student from scratch", scratch))
            scratch_shown.add(scratch["weightsPath"])
        lines.append(row(f"Student, {point['point']['label']} ({point['point']['id']})", point["distilled"]))
    lines += ["", f"Teacher hyperparameters: {teacher['hyperparameters']}", ""]

    onnx = sorted(glob.glob(os.path.join(out, "eval-onnx-*.json")))
    if onnx:
        lines += ["## ONNX export", "", "| Student | ONNX Runtime test errors | TorchSharp test errors |", "|---|---|---|"]
        for path in onnx:
            point = os.path.basename(path)[len("eval-onnx-"):-len(".json")]
            student = next(p["distilled"] for p in run["runs"] if p["point"]["id"] == point)
            lines.append(f"| {point} (`{student['spec']}`) | {find(load(path), 'testErrors', 'errors')} | {student['testErrors']} |")
        lines.append("")

    lines += ["## Time per phase (GNU time)", "", "| Phase | Wall s | CPU s | Peak RSS MiB |", "|---|---|---|---|"]
    for path in sorted(glob.glob(os.path.join(out, "time-*.txt")), key=os.path.getmtime):
        t = gnu_time(path)
        lines.append(f"| {os.path.basename(path)[5:-4]} | {t['wall']:.0f} | {t['cpu']:.0f} | {t['rss']:.0f} |")
    print("\n".join(lines))


main()
