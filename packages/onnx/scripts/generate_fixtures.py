"""Writes src/__fixtures__/torch-small-cnn.onnx and .json: a small CNN exported by PyTorch's own exporter
(torch.onnx.export, torch 1.13, opset 13, batch axis dynamic), with an input and PyTorch's output for it.
importOnnx is tested on this file: a model Lantern did not write. Run with Debian's python3-torch:

    /usr/bin/python3 scripts/generate_fixtures.py
"""
import json
import pathlib

import torch
from torch import nn

torch.manual_seed(0)
model = nn.Sequential(
    nn.Conv2d(3, 4, 3, padding=1),
    nn.BatchNorm2d(4),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Conv2d(4, 6, 3, stride=2, padding=1, groups=2),
    nn.GELU(),
    nn.AdaptiveAvgPool2d(1),
    nn.Flatten(),
    nn.Linear(6, 5),
    nn.LogSoftmax(dim=1),
)
with torch.no_grad():
    model[1].running_mean.uniform_(-0.5, 0.5)
    model[1].running_var.uniform_(0.5, 2.0)
    model[1].weight.uniform_(0.5, 1.5)
    model[1].bias.uniform_(-0.5, 0.5)
model.eval()

image = torch.randn(3, 3, 8, 8)
fixtures = pathlib.Path(__file__).resolve().parent.parent / "src" / "__fixtures__"
torch.onnx.export(
    model,
    torch.randn(1, 3, 8, 8),
    str(fixtures / "torch-small-cnn.onnx"),
    input_names=["image"],
    output_names=["log_probabilities"],
    dynamic_axes={"image": {0: "batch"}, "log_probabilities": {0: "batch"}},
    opset_version=13,
)
with torch.no_grad():
    output = model(image)
(fixtures / "torch-small-cnn.json").write_text(
    json.dumps(
        {
            "torch": torch.__version__,
            "image": {"shape": list(image.shape), "data": image.flatten().tolist()},
            "output": {"shape": list(output.shape), "data": output.flatten().tolist()},
            "stateDict": {key: value.flatten().tolist() for key, value in model.state_dict().items() if "num_batches" not in key},
        }
    )
    + "\n"
)
print("wrote", fixtures / "torch-small-cnn.onnx")
