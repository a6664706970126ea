"""Exports real model architectures from torch/torchvision to ONNX, with
random weights (no download), for the importer's model tests and the import
benchmark.

usage: export_torch_models.py OUT_DIR [resnet18|mobilenet_v2|transformer|resnet50 ...]
"""

import os
import sys
import warnings

import torch
import torchvision

warnings.filterwarnings("ignore")
torch.manual_seed(0)


class Encoder(torch.nn.Module):
    """A small BERT-style encoder: token embedding, two transformer layers."""

    def __init__(self, vocab=1000, d_model=128, heads=4, layers=2):
        super().__init__()
        self.embed = torch.nn.Embedding(vocab, d_model)
        # Sequence-first layout: torch 1.13 runs batch-first encoders in
        # eval mode through a fused kernel that has no ONNX export.
        layer = torch.nn.TransformerEncoderLayer(
            d_model, heads, dim_feedforward=4 * d_model, dropout=0.1,
            activation="gelu")
        self.encoder = torch.nn.TransformerEncoder(
            layer, layers, enable_nested_tensor=False)
        self.head = torch.nn.Linear(d_model, 2)

    def forward(self, ids):
        hidden = self.encoder(self.embed(ids).transpose(0, 1)).transpose(0, 1)
        return self.head(hidden)


def build(name):
    if name == "transformer":
        return Encoder().eval(), torch.randint(0, 1000, (1, 32)), "ids"
    model = getattr(torchvision.models, name)(weights=None).eval()
    return model, torch.randn(1, 3, 224, 224), "input"


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name in sys.argv[2:]:
        model, example, input_name = build(name)
        path = os.path.join(out, name + ".onnx")
        with torch.no_grad():
            torch.onnx.export(model, example, path, opset_version=13,
                              input_names=[input_name], output_names=["output"],
                              dynamic_axes={input_name: {0: "batch"},
                                            "output": {0: "batch"}})
        print(path)


if __name__ == "__main__":
    main()
