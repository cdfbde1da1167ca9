"""Contextual token vectors from a small transformer encoder run by onnxruntime.

The encoder is the first layers of all-MiniLM-L6-v2, exported to ONNX with int8
weights by ``eventwire.training.export_encoder`` and shipped in
``data/models/`` with its WordPiece tokenizer (``tokenizers``). One inference
session per process, one thread by default (processes are the unit of
parallelism, see ``docs/scale.md``). A spaCy token's vector is the mean of its
wordpieces' vectors; sentences longer than the encoder's window are read in
overlapping windows.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from ...errors import EventwireError

MODEL_DIR = Path(__file__).resolve().parents[2] / "data" / "models"
#: wordpieces per window (the model was trained with 256 at most; news sentences
#: rarely reach 128)
WINDOW = 128
#: sentences per onnxruntime call
BATCH = 32


class Encoder:
    """Token vectors for character spans of sentences."""

    def __init__(self, model_dir: Path = MODEL_DIR, threads: int | None = None) -> None:
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:  # pragma: no cover - both are dependencies
            raise EventwireError(
                f"the event model needs onnxruntime and tokenizers ({exc}); "
                "reinstall eventwire or run with the rules alone (--no-model)"
            ) from exc
        onnx_path = model_dir / "encoder.onnx"
        tok_path = model_dir / "tokenizer.json"
        for p in (onnx_path, tok_path):
            if not p.is_file():
                raise EventwireError(
                    f"the event model's encoder file {p} is missing; reinstall eventwire, "
                    "run 'make train', or run with the rules alone (--no-model)"
                )
        self.tokenizer = Tokenizer.from_file(str(tok_path))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        opts = ort.SessionOptions()
        n = threads if threads is not None else int(os.environ.get("EVENTWIRE_MODEL_THREADS", "1"))
        opts.intra_op_num_threads = max(1, n)
        opts.inter_op_num_threads = 1
        self.session = ort.InferenceSession(
            str(onnx_path), sess_options=opts, providers=["CPUExecutionProvider"]
        )
        self.dim = int(self.session.get_outputs()[0].shape[-1] or 384)
        self._cls = self.tokenizer.token_to_id("[CLS]")
        self._sep = self.tokenizer.token_to_id("[SEP]")
        self._lock = threading.Lock()

    def token_vectors(
        self, sentences: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]]
    ) -> list[np.ndarray]:
        """For each sentence, the vectors of the given character spans (offsets into that
        sentence): an array ``(len(spans[k]), dim)`` per sentence."""
        encs = self.tokenizer.encode_batch(list(sentences), add_special_tokens=False)
        # windows: (sentence index, first wordpiece, ids)
        windows: list[tuple[int, int, list[int]]] = []
        inner = WINDOW - 2
        for k, enc in enumerate(encs):
            ids = enc.ids
            if len(ids) <= inner:
                windows.append((k, 0, ids))
                continue
            step = inner // 2
            start = 0
            while True:
                windows.append((k, start, ids[start : start + inner]))
                if start + inner >= len(ids):
                    break
                start += step
        hidden: list[list[tuple[int, np.ndarray]]] = [[] for _ in sentences]
        order = sorted(range(len(windows)), key=lambda w: len(windows[w][2]))
        for b in range(0, len(order), BATCH):
            chunk = [windows[w] for w in order[b : b + BATCH]]
            width = max(len(c[2]) for c in chunk) + 2
            ids_arr = np.zeros((len(chunk), width), dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=np.int64)
            for r, (_, _, ids) in enumerate(chunk):
                row: list[int] = [int(self._cls or 0), *ids, int(self._sep or 0)]
                ids_arr[r, : len(row)] = row
                mask[r, : len(row)] = 1
            with self._lock:
                out = self.session.run(None, {"input_ids": ids_arr, "attention_mask": mask})[0]
            for r, (k, start, ids) in enumerate(chunk):
                hidden[k].append((start, out[r, 1 : 1 + len(ids)]))
        result: list[np.ndarray] = []
        for k, enc in enumerate(encs):
            n_wp = len(enc.ids)
            vecs = np.zeros((n_wp, self.dim), dtype=np.float32)
            weight = np.zeros(n_wp, dtype=np.float32)
            for start, h in hidden[k]:
                # overlapping windows: each wordpiece averaged over the windows holding it
                vecs[start : start + len(h)] += h
                weight[start : start + len(h)] += 1.0
            vecs /= np.maximum(weight, 1.0)[:, None]
            offsets = enc.offsets
            out_k = np.zeros((len(spans[k]), self.dim), dtype=np.float32)
            if n_wp:
                ends = np.fromiter((o[1] for o in offsets), dtype=np.int64, count=n_wp)
                starts = np.fromiter((o[0] for o in offsets), dtype=np.int64, count=n_wp)
                for j, (s, e) in enumerate(spans[k]):
                    lo = int(np.searchsorted(ends, s, side="right"))
                    hi = int(np.searchsorted(starts, e, side="left"))
                    if hi > lo:
                        out_k[j] = vecs[lo:hi].mean(axis=0)
            result.append(out_k)
        return result


@lru_cache(maxsize=2)
def load_encoder(model_dir: str | None = None) -> Encoder:
    """One encoder per process (and model directory)."""
    return Encoder(Path(model_dir) if model_dir else MODEL_DIR)
