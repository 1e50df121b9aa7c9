"""torchvision models saved by PyTorch, for Distill's torchvision golden tests.

Run (Debian's python3-torch 1.13 and python3-torchvision 0.14; no network, no pretrained download):

    /usr/bin/python3 tests/Distill.Tests/Golden/torchvision_models.py OUT_DIR [NAME ...]

For each architecture NAME (all of ARCHITECTURES when none is named) it builds
torchvision.models.NAME(num_classes=10) with seed 0, gives every batch-norm layer non-trivial
statistics and affine parameters (so a buffer that does not load changes the logits), and writes

    OUT_DIR/NAME.pth   torch.save(model.state_dict()): the file users have

and OUT_DIR/golden.json: the fixed input ([2, 3, 64, 64], seed 1, flat row-major) and, per NAME,
the logits the model in eval mode gives for it ([2, 10], flat row-major).

The state_dicts are tens to hundreds of megabytes (vgg16's classifier alone is 400 MB), too large
for the repository, so TorchVisionGoldenTests.cs runs this script at test time when Debian's
PyTorch is installed and reports itself skipped, with that reason, when it is not.
"""

import json
import os
import sys

import torch
import torchvision

ARCHITECTURES = [
    "resnet18", "resnet34", "resnet50", "vgg11_bn", "vgg16", "vgg16_bn",
    "mobilenet_v2", "mobilenet_v3_small", "efficientnet_b0",
]
CLASSES = 10
SHAPE = (2, 3, 64, 64)


def randomise_norms(model, generator):
    """Batch-norm layers start at mean 0, var 1, weight 1, bias 0: make each one matter."""
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                count = module.num_features
                module.running_mean.copy_(torch.randn(count, generator=generator) * 0.1)
                module.running_var.copy_(torch.rand(count, generator=generator) + 0.5)
                module.weight.copy_(torch.rand(count, generator=generator) + 0.5)
                module.bias.copy_(torch.randn(count, generator=generator) * 0.1)


def main():
    out = sys.argv[1]
    names = sys.argv[2:] or ARCHITECTURES
    os.makedirs(out, exist_ok=True)
    torch.set_grad_enabled(False)
    inputs = torch.randn(SHAPE, generator=torch.Generator().manual_seed(1))
    golden = {"shape": list(SHAPE), "input": inputs.flatten().tolist(), "logits": {}}
    for name in names:
        torch.manual_seed(0)
        model = getattr(torchvision.models, name)(num_classes=CLASSES)
        randomise_norms(model, torch.Generator().manual_seed(2))
        model.eval()
        golden["logits"][name] = model(inputs).flatten().tolist()
        torch.save(model.state_dict(), os.path.join(out, name + ".pth"))
    with open(os.path.join(out, "golden.json"), "w") as f:
        json.dump(golden, f)


if __name__ == "__main__":
    main()
