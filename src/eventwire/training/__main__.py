"""``python -m eventwire.training`` — what ``make train`` and ``make loco`` run.

python -m eventwire.training export            # the ONNX encoder (data/models/)
python -m eventwire.training collect           # features and labels of the gold (build/)
python -m eventwire.training fit               # the shipped weights (data/models/)
python -m eventwire.training loco              # leave-one-corpus-out figures (build/)
"""

from __future__ import annotations

import os

# one BLAS thread: several fits run back to back, and threads only contend on 2 cores
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from ..events.model.head import WEIGHTS_PATH  # noqa: E402
from .data import ROOT, fingerprint, load_gold  # noqa: E402

BUILD = ROOT / "build" / "event-model"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eventwire.training", description=__doc__)
    ap.add_argument("step", choices=("export", "collect", "fit", "loco"))
    ap.add_argument("--layers", type=int, default=4, help="encoder layers kept (export)")
    ap.add_argument("--build", type=Path, default=BUILD)
    args = ap.parse_args(argv)
    dataset_path = args.build / "dataset.npz"
    if args.step == "export":
        from .export_encoder import export

        path = export(layers=args.layers)
        print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
        return 0
    golds = load_gold()
    if not golds:
        print("no gold articles found (../shared/gold is needed to train)", file=sys.stderr)
        return 2
    if args.step == "collect":
        from .collect import collect

        ds = collect(golds)
        ds.save(dataset_path)
        print(
            f"{len(ds.ids)} articles, {len(ds.y)} candidates, {(ds.y > 0).sum()} events, "
            f"{ds.unreachable} gold events with no candidate -> {dataset_path}"
        )
        return 0
    from threadpoolctl import threadpool_limits

    from .collect import Dataset
    from .fit import C_FACT, C_TYPE, PCA_DIMS, SEED, fit

    ds = Dataset.load(dataset_path)
    with threadpool_limits(1):
        if args.step == "fit":
            fitted = fit(ds.X, ds.y, ds.f, ds.corpus)
            heads = fitted.heads
            heads.meta = {
                "name": "eventwire event model",
                "encoder": "all-MiniLM-L6-v2 (first layers, int8 ONNX)",
                "seed": SEED,
                "c_type": C_TYPE,
                "c_fact": C_FACT,
                "pca_dims": PCA_DIMS,
                "candidates": len(ds.y),
                "events": int((ds.y > 0).sum()),
                "articles": len(ds.ids),
                "training_files": fingerprint(golds),
            }
            heads.save(WEIGHTS_PATH)
            print(f"threshold {heads.threshold}; wrote {WEIGHTS_PATH}")
            return 0
        from . import loco

        result = loco.run(ds, golds, args.build)
        result["pooled"] = loco.summary(result)
    out = args.build / "loco.json"
    out.write_text(json.dumps(result, indent=1, default=_plain), encoding="utf-8")
    print(json.dumps(result["pooled"], indent=1))
    print(f"-> {out}")
    return 0


def _plain(x: object) -> object:
    if isinstance(x, np.generic):
        return x.item()
    raise TypeError(type(x))


if __name__ == "__main__":
    sys.exit(main())
