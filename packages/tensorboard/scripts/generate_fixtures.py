"""Writes the fixtures of @lantern/tensorboard's tests with PyTorch's own SummaryWriter.

Run with Debian's torch 1.13.1 under /usr/bin/python3 (docs/FIXTURES.md), from packages/tensorboard:

    /usr/bin/python3 scripts/generate_fixtures.py        (or: pnpm fixtures)

torch.utils.tensorboard also needs the `tensorboard` Python package; the fixtures were made with TensorBoard 2.11.0
(the release of torch 1.13's time): `pip install tensorboard==2.11.0`, or, where PyPI is out of reach, TensorBoard's
source at tag 2.11.0 with its .proto files compiled by `protoc --python_out=.` and that directory on PYTHONPATH
(with Debian's python3-protobuf and python3-absl).

Two files come out, both in src/__fixtures__/:
- torch-events.json: a scenario (each call as data, so the tests replay exactly these calls on Lantern's writer) and
  every event file torch wrote for it, base64-encoded, with the clock, host name and process id pinned.
- histograms.json: torch.utils.tensorboard.summary.histogram on value sets that exercise the 'tensorflow' default
  bins, a bin count and explicit bin edges, with every field of the resulting HistogramProto.
"""
import base64
import json
import os
import socket
import tempfile
import time

import numpy as np

PINNED_TIME = 1700000000.5
time.time = lambda: PINNED_TIME  # every wall_time, file name and default hparams run name
socket.gethostname = lambda: "fixture-host"
os.getpid = lambda: 4242

import torch  # noqa: E402

# Fixtures are reproducible only from the pinned reference environment (docs/FIXTURES.md): Debian bookworm's
# python3-torch 1.13.1, imported by /usr/bin/python3. Debian builds it without PyTorch's release tag, so it reports
# itself as 1.13.0a0.
if torch.__version__ != "1.13.0a0" or not torch.__file__.startswith("/usr/lib/python3/dist-packages/"):
    raise SystemExit(f"{os.path.basename(__file__)}: needs torch 1.13.1 from Debian bookworm's python3-torch, run with "
                     f"/usr/bin/python3 (docs/FIXTURES.md); found torch {torch.__version__} at {torch.__file__}")
try:
    import tensorboard  # noqa: E402
except ImportError:
    raise SystemExit(f"{os.path.basename(__file__)}: torch.utils.tensorboard needs the tensorboard Python package "
                     "(2.11.0); see this script's docstring")

from torch.utils.tensorboard import SummaryWriter  # noqa: E402
from torch.utils.tensorboard import summary as torch_summary  # noqa: E402
from torch.utils.tensorboard.summary import histogram  # noqa: E402


class _NumpyWithIntegerGreater:
    """torch 1.13's make_histogram calls np.greater(counts, 0, dtype=np.int32), which numpy 1.24 rejects ("No loop
    matching the specified signature"); later torch releases compute the same 0/1 mask and cast it. This shim does
    that cast and hands everything else to numpy, so the histogram logic that runs is torch's own."""

    def __getattr__(self, name):
        return getattr(np, name)

    @staticmethod
    def greater(left, right, dtype=None):
        mask = np.greater(left, right)
        return mask if dtype is None else mask.astype(dtype)


torch_summary.np = _NumpyWithIntegerGreater()

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "src", "__fixtures__")


def to_python(value):
    """A call argument as torch receives it, from its JSON description (the tests decode the same description)."""
    if isinstance(value, dict) and "tensor" in value:
        return torch.tensor(value["tensor"], dtype=torch.float32).reshape(value["shape"])
    if isinstance(value, dict) and "uint8" in value:
        return np.array(value["uint8"], dtype=np.uint8).reshape(value["shape"])
    return value


def ramp(count, scale):
    return [round((index % 7) * scale / 6, 6) for index in range(count)]


SCENARIO = [
    {"run": "scalars", "method": "add_scalar", "args": ["loss", 0.5, 0]},
    {"run": "scalars", "method": "add_scalar", "args": ["loss", 0.25, 1, 1700000001.25]},
    {"run": "scalars", "method": "add_scalar", "args": ["loss", 0.0, 2]},
    {"run": "scalars", "method": "add_scalar", "args": ["loss", -1.0e-3]},
    {"run": "scalars", "method": "add_scalar", "args": ["accuracy", {"tensor": [0.75], "shape": []}, 3]},
    {"run": "scalars", "method": "add_scalar", "args": ["huge", 1.0e10, 2 ** 40]},
    {"run": "scalars", "method": "add_scalar", "args": ["tensor-style", 3.5, 4], "kwargs": {"new_style": True}},
    {"run": "scalars", "method": "add_scalar", "args": ["double-style", 1 / 3, 5],
     "kwargs": {"new_style": True, "double_precision": True}},
    {"run": "scalars", "method": "add_scalars", "args": ["losses", {"train": 1.5, "valid": -2.25}, 7]},
    {"run": "scalars", "method": "add_scalars", "args": ["losses", {"train": 1.25, "valid": -2.0}, 8]},
    {"run": "scalars", "method": "add_scalars", "args": ["group/sub", {"x": 4.0}, 9]},
    {"run": "histograms", "method": "add_histogram",
     "args": ["weights", {"tensor": [-1.5, -0.25, 0.0, 0.0, 0.5, 2.0, 2.0, 3.25], "shape": [2, 4]}, 1]},
    {"run": "histograms", "method": "add_histogram", "args": ["counted", {"tensor": [0.5, 1.0, 1.5, 4.5], "shape": [4]}, 2, 4]},
    {"run": "histograms", "method": "add_histogram",
     "args": ["edges", {"tensor": [0.0, 0.5, 1.0, 2.0, 3.0, 4.0, 9.0], "shape": [7]}, 3, [0, 1, 2, 4]]},
    {"run": "histograms", "method": "add_histogram", "args": ["constant", {"tensor": [2.0, 2.0, 2.0], "shape": [3]}, 4]},
    {"run": "text", "method": "add_text", "args": ["notes", "hello **world**, ünïcödé ✓", 5]},
    {"run": "text", "method": "add_text", "args": ["notes", "", 6]},
    {"run": "hparams", "method": "add_hparams",
     "args": [{"lr": 0.1, "optimizer": "sgd"}, {"hparam/accuracy": 0.875}],
     "kwargs": {"hparam_domain_discrete": {"optimizer": ["sgd", "adam"]}, "run_name": "trial-1"}},
    {"run": "hparams", "method": "add_hparams", "args": [{"batch": 32, "nesterov": True, "skipped": None}, {"loss": 1.5}]},
    {"run": "images", "method": "add_image",
     "args": ["chw", {"tensor": ramp(3 * 2 * 3, 1.0), "shape": [3, 2, 3]}, 1]},
    {"run": "images", "method": "add_image",
     "args": ["hw", {"tensor": [0.0, 0.25, 0.5, 0.75, 1.0, 0.999], "shape": [2, 3]}, 2], "kwargs": {"dataformats": "HW"}},
    {"run": "images", "method": "add_image",
     "args": ["hwc-uint8", {"uint8": [(index * 37) % 256 for index in range(2 * 2 * 4)], "shape": [2, 2, 4]}, 3],
     "kwargs": {"dataformats": "HWC"}},
    {"run": "images", "method": "add_images", "args": ["grid", {"tensor": ramp(10 * 1 * 2 * 3, 1.0), "shape": [10, 1, 2, 3]}, 4]},
    {"run": "images", "method": "add_images",
     "args": ["grid-nhwc", {"tensor": ramp(3 * 2 * 2 * 3, 0.5), "shape": [3, 2, 2, 3]}, 5], "kwargs": {"dataformats": "NHWC"}},
    {"run": "purge", "options": {"purge_step": 5}, "method": "add_scalar", "args": ["resumed", 2.0, 5]},
]


def write_scenario():
    root = tempfile.mkdtemp()
    writers = {}
    for call in SCENARIO:
        run = call["run"]
        if run not in writers:
            writers[run] = SummaryWriter(os.path.join(root, run), **call.get("options", {}))
        args = [to_python(argument) for argument in call["args"]]
        getattr(writers[run], call["method"])(*args, **call.get("kwargs", {}))
    for writer in writers.values():
        writer.close()
    files = []
    for directory, _, names in sorted(os.walk(root)):
        for name in sorted(names):
            path = os.path.join(directory, name)
            with open(path, "rb") as handle:
                content = handle.read()
            files.append({"path": os.path.relpath(path, root), "base64": base64.b64encode(content).decode("ascii")})
    return {"torch": torch.__version__, "tensorboard": tensorboard.__version__, "time": PINNED_TIME, "hostname": "fixture-host", "pid": 4242,
            "calls": SCENARIO, "files": files}


def histogram_cases():
    generator = np.random.default_rng(7)
    value_sets = {
        "normal-1000": generator.normal(0.0, 1.0, 1000),
        "uniform-float32": generator.uniform(-3.0, 5.0, 300).astype(np.float32),
        "tiny": np.array([1e-13, 2e-12, -3e-12, 0.0, 5e-11]),
        "huge": np.array([1e15, -2e18, 3.5e19, 7.0]),
        "integers": np.array([0, 1, 1, 2, 3, 5, 8, 13, 21], dtype=np.float64),
        "single": np.array([0.3]),
        "zeros": np.zeros(5),
        "beyond-default-range": np.array([1.0, 2e20]),
    }
    bins_options = {"tensorflow": "tensorflow", "count-5": 5, "count-1": 1, "edges": [-2.0, -0.5, 0.0, 0.5, 3.0, 30.0]}
    writer_bins = SummaryWriter(tempfile.mkdtemp()).default_bins
    cases = []
    for values_name, values in value_sets.items():
        for bins_name, bins in bins_options.items():
            case = {"values": values_name, "bins": bins}
            try:
                proto = histogram("h", values, writer_bins if bins == "tensorflow" else bins).value[0].histo
                case["histogram"] = {"min": proto.min, "max": proto.max, "num": proto.num, "sum": proto.sum,
                                     "sum_squares": proto.sum_squares, "bucket_limit": list(proto.bucket_limit),
                                     "bucket": list(proto.bucket)}
            except ValueError as error:
                case["error"] = str(error)
            cases.append(case)
    return {"torch": torch.__version__, "default_bins_count": len(writer_bins),
            "value_sets": {name: [float(value) for value in values] for name, values in value_sets.items()},
            "default_bins_sample": [writer_bins[index] for index in (0, 1, 773, 774, 775, len(writer_bins) - 1)],
            "cases": cases}


if __name__ == "__main__":
    with open(os.path.join(FIXTURES, "torch-events.json"), "w") as handle:
        json.dump(write_scenario(), handle, indent=1)
        handle.write("\n")
    with open(os.path.join(FIXTURES, "histograms.json"), "w") as handle:
        json.dump(histogram_cases(), handle, indent=1)
        handle.write("\n")
    print("wrote", FIXTURES)
