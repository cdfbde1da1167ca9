"""Leave-one-corpus-out validation of the event model, scored end to end.

For each source corpus: fit the heads (threshold and calibration chosen inside the
training corpora, ``fit.fit``) on every other corpus, run the whole pipeline with
those weights on the left-out corpus's articles, and score the records with the
scorer. The rules alone are scored on the same articles. Figures per corpus and
pooled (sums of counts over the folds).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from ..pipeline import Failure, Pipeline
from ..record import ArticleRecord
from .collect import Dataset
from .data import SHARED, GoldDoc
from .fit import fit

#: corpora too small to be a fold of their own are scored inside every fold's
#: training data only
REPORTED = ("timebank", "polnear", "ecbplus", "geowebnews", "india", "wikievents", "geovirus")


def records(golds: list[GoldDoc], model: str) -> list[ArticleRecord]:
    pipe = Pipeline(stage_config={"events": {"model": model}})
    out: list[ArticleRecord] = []
    for rec in pipe.process(g.article() for g in golds):
        if isinstance(rec, Failure):
            raise RuntimeError(str(rec))
        out.append(rec)
    return out


def _reference() -> Any:
    """The reference scorer (``../shared/eval/scoring/score.py``)."""
    import importlib.util

    path = SHARED / "eval" / "scoring" / "score.py"
    spec = importlib.util.spec_from_file_location("reference_score", path)
    if spec is None or spec.loader is None or not path.is_file():
        raise RuntimeError(f"the reference scorer {path} is not present")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def counts(golds: list[GoldDoc], recs: list[ArticleRecord]) -> dict[str, int]:
    """The reference scorer's counts, summed over the articles."""
    ref = _reference()
    by_id = {r.id: json.loads(r.to_json()) for r in recs}
    tot: dict[str, int] = {}
    for g in golds:
        for k, v in ref.score_article(g.data, by_id.get(g.id, {}), False).items():
            tot[k] = tot.get(k, 0) + v
    return tot


def figures(c: dict[str, int]) -> dict[str, Any]:
    """The scorer's figures from summed counts."""

    def div(a: int, b: int) -> float:
        return round(a / b, 3) if b else 0.0

    p, r = div(c["tp"], c["tp"] + c["fp"]), div(c["tp"], c["tp"] + c["fn"])
    qp, qr = div(c["q_tp"], c["q_tp"] + c["q_fp"]), div(c["q_tp"], c["q_tp"] + c["q_fn"])
    return {
        "p": p, "r": r, "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
        "tp": c["tp"], "fp": c["fp"], "fn": c["fn"],
        "leak": div(c["non_leaked"], c["non_total"]),
        "actor_country": div(c["actor_c"], c["actor_tot"]),
        "target_country": div(c["target_c"], c["target_tot"]),
        "date": div(c["date_ok"], c["date_tot"]),
        "location": div(c["loc_ok"], c["loc_tot"]),
        "quote_f1": round(2 * qp * qr / (qp + qr), 3) if qp + qr else 0.0,
        "speaker": div(c["q_spk"], c["q_tp"]),
    }  # fmt: skip


def run(
    ds: Dataset, golds: list[GoldDoc], out_dir: Path, corpora: tuple[str, ...] = REPORTED
) -> dict[str, Any]:
    out_dir.mkdir(parents=True, exist_ok=True)
    corpus = ds.corpus
    result: dict[str, Any] = {"folds": {}}
    model_lines: list[str] = []
    rules_lines: list[str] = []
    for held in corpora:
        held_golds = [g for g in golds if g.corpus == held]
        if not held_golds:
            continue
        tr = corpus != held
        fitted = fit(ds.X[tr], ds.y[tr], ds.f[tr], corpus[tr])
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"fold-{held}.npz"
            fitted.heads.meta = {"name": f"fold without {held}"}
            fitted.heads.save(path)
            recs = records(held_golds, str(path))
        rules = records(held_golds, "off")
        model_lines += [r.to_json() for r in recs]
        rules_lines += [r.to_json() for r in rules]
        result["folds"][held] = {
            "articles": len(held_golds),
            "threshold": fitted.heads.threshold,
            "model_counts": counts(held_golds, recs),
            "rules_counts": counts(held_golds, rules),
        }
        fold = result["folds"][held]
        fold["model"] = figures(fold["model_counts"])
        fold["rules"] = figures(fold["rules_counts"])
        print(held, json.dumps({k: fold[k] for k in ("threshold", "model", "rules")}), flush=True)
    (out_dir / "loco-model.jsonl").write_text("\n".join(model_lines) + "\n", encoding="utf-8")
    (out_dir / "loco-rules.jsonl").write_text("\n".join(rules_lines) + "\n", encoding="utf-8")
    return result


def summary(result: dict[str, Any]) -> dict[str, Any]:
    """Pooled figures: the counts summed over the folds."""
    pooled: dict[str, Any] = {}
    for which in ("model", "rules"):
        tot: dict[str, int] = {}
        for fold in result["folds"].values():
            for k, v in fold[f"{which}_counts"].items():
                tot[k] = tot.get(k, 0) + v
        pooled[which] = figures(tot)
    return pooled
