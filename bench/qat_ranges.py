#!/usr/bin/python3
"""The activation ranges of int8 QDQ ONNX files side by side: [low, high] of every QuantizeLinear, from its
scale s and zero point z (low = -z s, high = (255 - z) s). bench/qat_momentum.sh uses it to compare the
ranges a quantization-aware run observed with those a calibration over the training rows finds.

Usage: qat_ranges.py NAME=FILE.onnx ... (prints JSON: {value: {NAME: [low, high], ...}})
"""
import json
import sys

import onnx
from onnx import numpy_helper


def ranges(path):
    model = onnx.load(path)
    constants = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    found = {}
    for node in model.graph.node:
        if node.op_type == "QuantizeLinear" and node.input[1] in constants:
            scale, zero = float(constants[node.input[1]]), int(constants[node.input[2]])
            found[node.input[0]] = [round(-zero * scale, 5), round((255 - zero) * scale, 5)]
    return found


def main():
    table = {}
    for argument in sys.argv[1:]:
        name, path = argument.split("=", 1)
        for value, bounds in ranges(path).items():
            table.setdefault(value, {})[name] = bounds
    print(json.dumps(table, indent=1))


if __name__ == "__main__":
    main()
