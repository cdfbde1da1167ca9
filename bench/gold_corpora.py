"""Figures on the annotated gold, per source corpus and pooled over chosen corpora.

The gold articles of ``../shared/gold/train`` and ``../shared/gold/dev`` come from
seven source corpora (the file name's prefix); rules and weights are tuned by looking
at some of them, so honest figures are those of the corpora nobody tuned on. This
script runs the pipeline once over every gold article and prints ``eventwire eval``'s
figures for each corpus and pooled over ``--held-out`` (docs/events.md says which
corpora each change was developed on).

Usage: ``python bench/gold_corpora.py [--held-out ecbplus,geovirus,wikievents] [--json]``
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT.parent / "shared" / "gold"
FIGURES = (
    ("event_precision", "P"), ("event_recall", "R"), ("event_f1", "F1"),
    ("nonasserted_leak_rate", "leak"), ("actor_country_accuracy", "actor c"),
    ("target_country_accuracy", "target c"), ("date_accuracy", "date"),
    ("location_accuracy", "loc"), ("quote_f1", "quote F1"), ("speaker_accuracy", "speaker"),
    ("ece", "ECE"),
)  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--held-out", default="ecbplus,geovirus,wikievents")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    from eventwire.evaluate import Scores, load_gold_dir, score_article
    from eventwire.pipeline import Failure, Pipeline
    from eventwire.read import ArticleInput, parse_date

    if not GOLD.is_dir():
        print(f"{GOLD} is not present", file=sys.stderr)
        return 2
    golds = []
    for part in ("train", "dev"):
        found, errors = load_gold_dir(GOLD / part)
        for e in errors:
            print(e, file=sys.stderr)
        golds += [(part, g) for g in found]
    pipe = Pipeline()
    articles = [
        ArticleInput(text=g.text, id=g.id, date=parse_date(g.date), origin=g.id) for _, g in golds
    ]
    records = {}
    for rec in pipe.process(articles):
        if isinstance(rec, Failure):
            print(rec, file=sys.stderr)
            continue
        records[rec.id] = rec
    held = set(args.held_out.split(","))
    per: dict[str, Scores] = {}
    pooled, everything = Scores(), Scores()
    for part, g in golds:
        corpus = g.id.split("-", 1)[0] if part == "train" else f"dev:{g.id.split('-', 1)[0]}"
        rec = records.get(g.id)
        if rec is None:
            continue
        score_article(g, rec, per.setdefault(corpus, Scores()))
        score_article(g, rec, everything)
        if part == "train" and corpus in held:
            score_article(g, rec, pooled)
    rows = {k: v.figures(3) for k, v in sorted(per.items())}
    rows[f"held out ({args.held_out}, train/ only)"] = pooled.figures(3)
    rows["all (train + dev)"] = everything.figures(3)
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    print(f"{'corpus':44s} {'n':>3s} " + " ".join(f"{h:>8s}" for _, h in FIGURES))
    for name, fig in rows.items():
        cells = " ".join(
            f"{fig[k]:8.3f}" if isinstance(fig[k], float) else f"{'n/a':>8s}" for k, _ in FIGURES
        )
        print(f"{name:44s} {fig['articles']:3d} {cells}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
