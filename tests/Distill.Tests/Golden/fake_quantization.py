"""Golden values for quantization-aware training (src/Distill/Quantization), computed with PyTorch.

Rerun from the repository root (Debian's torch 1.13.1; no GPU or network needed):

    /usr/bin/python3 tests/Distill.Tests/Golden/fake_quantization.py

It rewrites tests/Distill.Tests/Golden/fake_quantization.json, which
Quantization/FakeQuantizationGoldenTests.cs reads. Inputs come from a seeded generator, so a rerun
reproduces the file byte for byte.

Conventions (those of Distill's int8 QDQ export): activations uint8 per tensor, range [low, high]
widened to hold 0, scale (high - low) / 255, zero point round(-low / scale) clamped to [0, 255];
weights int8 symmetric per output channel (axis 0), scale max |w_c| / 127, values in [-127, 127];
a dense layer's bias on the int32 grid of input scale x weight scale. Forward values and the
straight-through gradients come from torch.fake_quantize_per_tensor_affine and
torch.fake_quantize_per_channel_affine, in float32. Each case stores an upstream gradient; the
gradients are of sum(output * upstream). Tensors are {"shape": [...], "data": [...]}, row-major.
"""

import json
import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUT = os.path.join(HERE, "fake_quantization.json")


def activation_parameters(low, high):
    low, high = min(low, 0.0), max(high, 0.0)
    scale = torch.tensor((high - low) / 255.0, dtype=torch.float32).item() if high > low else 1.0
    zero_point = int(min(max(round(-low / scale), 0), 255))
    return scale, zero_point


def weight_scales(weight):
    largest = weight.detach().abs().reshape(weight.shape[0], -1).amax(1)
    return torch.where(largest > 0, largest / 127, torch.ones_like(largest))


def tensor_json(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}


def activation_case(name, generator, shape, low, high, spread):
    x = (torch.randn(*shape, generator=generator) * spread).requires_grad_(True)
    upstream = torch.randn(*shape, generator=generator)
    scale, zero_point = activation_parameters(low, high)
    y = torch.fake_quantize_per_tensor_affine(x, scale, zero_point, 0, 255)
    (y * upstream).sum().backward()
    return {"name": name, "kind": "activation", "low": low, "high": high, "scale": scale, "zero_point": zero_point,
            "input": tensor_json(x), "upstream": tensor_json(upstream), "output": tensor_json(y), "gradient": tensor_json(x.grad)}


def weight_case(name, generator, shape):
    w = torch.randn(*shape, generator=generator).requires_grad_(True)
    with torch.no_grad():
        w[-1].zero_()  # an all-zero channel takes scale 1
    upstream = torch.randn(*shape, generator=generator)
    scales = weight_scales(w)
    y = torch.fake_quantize_per_channel_affine(w, scales, torch.zeros(shape[0], dtype=torch.int32), 0, -127, 127)
    (y * upstream).sum().backward()
    return {"name": name, "kind": "weight", "input": tensor_json(w), "upstream": tensor_json(upstream),
            "scales": tensor_json(scales), "output": tensor_json(y), "gradient": tensor_json(w.grad)}


def dense_case(name, generator, batch, inputs, outputs):
    """A dense layer as quantization-aware training computes it: fq(x) @ fq(W)^T + b on the int32 grid."""
    x = (torch.randn(batch, inputs, generator=generator) * 2).requires_grad_(True)
    w = (torch.randn(outputs, inputs, generator=generator) * 0.5).requires_grad_(True)
    b = (torch.randn(outputs, generator=generator) * 0.1).requires_grad_(True)
    upstream = torch.randn(batch, outputs, generator=generator)
    low, high = -3.0, 2.5
    scale, zero_point = activation_parameters(low, high)
    xq = torch.fake_quantize_per_tensor_affine(x, scale, zero_point, 0, 255)
    scales = weight_scales(w)
    wq = torch.fake_quantize_per_channel_affine(w, scales, torch.zeros(outputs, dtype=torch.int32), 0, -127, 127)
    bias_scales = scales * scale
    bq = b + ((b.detach() / bias_scales).round() * bias_scales - b.detach())
    y = torch.nn.functional.linear(xq, wq, bq)
    (y * upstream).sum().backward()
    return {"name": name, "kind": "dense", "low": low, "high": high, "input": tensor_json(x), "weight": tensor_json(w),
            "bias": tensor_json(b), "upstream": tensor_json(upstream), "output": tensor_json(y),
            "input_gradient": tensor_json(x.grad), "weight_gradient": tensor_json(w.grad), "bias_gradient": tensor_json(b.grad)}


def main():
    torch.manual_seed(0)
    generator = torch.Generator().manual_seed(29)
    cases = [
        activation_case("activation inside its range", generator, (4, 6), -2.0, 3.0, 0.8),
        activation_case("activation clipped at both ends (zero gradient outside)", generator, (5, 8), -0.5, 1.0, 1.5),
        activation_case("non-negative range (after a relu): zero point 0", generator, (3, 7), 0.25, 4.0, 2.0),
        weight_case("conv weight 4x3x2x2 with a zero channel", generator, (4, 3, 2, 2)),
        weight_case("dense weight 5x9", generator, (5, 9)),
        dense_case("dense layer 6x8 -> 4", generator, 6, 8, 4),
    ]
    with open(OUTPUT, "w") as f:
        json.dump({"source": "tests/Distill.Tests/Golden/fake_quantization.py", "torch_version": torch.__version__, "cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
