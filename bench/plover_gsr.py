"""PLOVER gold-standard records: event type and source-actor country, sentence by sentence.

Reads ``../shared/eval/external/plover_gsr/PLOVER_GSR_CAMEO.txt`` (a JSON list of
sentence records; old types map DEMAND→REQUEST, DISAPPROVE→ACCUSE,
INVESTIGATE→ACCUSE, FIGHT→ASSAULT) and reports:

* type recall: the share of sentences whose expected type is among the asserted
  events eventwire codes in the sentence (also among all events, any factuality);
* source-actor country: the share of sentences whose expected source country
  code is among the countries of the entities eventwire finds, and among the
  actors of its events;
* a per-type breakdown.

Usage: ``python bench/plover_gsr.py [--data PATH] [--limit N] [--misses]``
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "eval" / "external" / "plover_gsr" / "PLOVER_GSR_CAMEO.txt"
OLD_TYPES = {
    "DEMAND": "REQUEST",
    "DISAPPROVE": "ACCUSE",
    "INVESTIGATE": "ACCUSE",
    "FIGHT": "ASSAULT",
}
#: non-ISO codes in the original records
OLD_CODES = {"ITL": "ITA", "JAP": "JPN", "VTN": "VNM"}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT)
    ap.add_argument("--limit", type=int, default=0, help="only the first N records")
    ap.add_argument(
        "--misses", action="store_true", help="print the sentences whose type was missed"
    )
    args = ap.parse_args()
    if not args.data.exists():
        print(f"{args.data}: not found (pass --data)", file=sys.stderr)
        return 2
    records = [
        r for r in json.loads(args.data.read_text(encoding="utf-8")) if r.get("event") != "DOCUMENT"
    ]
    if args.limit:
        records = records[: args.limit]

    from eventwire.pipeline import Pipeline
    from eventwire.read import ArticleInput

    pipe = Pipeline()
    articles = [
        ArticleInput(text=r["text"], id=r["id"], date=None, origin=r["id"])
        for r in records
        if r.get("text")
    ]
    t0 = time.perf_counter()
    results = list(pipe.process(articles))
    elapsed = time.perf_counter() - t0

    n = 0
    type_hit = type_any = 0
    src_ent = src_ev = src_total = 0
    per_type: dict[str, Counter[str]] = {}
    misses = []
    for rec, res in zip(records, results, strict=True):
        if not hasattr(res, "events"):
            continue
        n += 1
        expected = OLD_TYPES.get(rec["event"], rec["event"])
        asserted = {e.type for e in res.events if e.factuality == "asserted"}
        anyfact = {e.type for e in res.events}
        c = per_type.setdefault(expected, Counter())
        c["n"] += 1
        if expected in asserted:
            type_hit += 1
            c["hit"] += 1
        else:
            misses.append((expected, sorted(anyfact), rec["text"][:160]))
        if expected in anyfact:
            type_any += 1
        codes = {
            OLD_CODES.get(s.get("code", ""), s.get("code", "")) for s in rec.get("source") or []
        }
        codes = {c3 for c3 in codes if c3 and len(c3) == 3}
        if codes:
            src_total += 1
            ent_codes = {e.country for e in res.entities if e.country}
            ev_codes = {e.actor.country for e in res.events if e.actor and e.actor.country}
            src_ent += bool(codes & ent_codes)
            src_ev += bool(codes & ev_codes)

    print(
        f"PLOVER GSR (even ids): {n} sentences, {elapsed:.1f}s ({n / max(elapsed, 1e-9):.1f} sentences/s)"
    )
    print(f"type recall (asserted events):         {type_hit / n:.3f}")
    print(f"type recall (any factuality):          {type_any / n:.3f}")
    if src_total:
        print(f"source country among entities:         {src_ent / src_total:.3f}  (n={src_total})")
        print(f"source country among event actors:     {src_ev / src_total:.3f}")
    print("\nper type: recall (asserted)")
    for t, c in sorted(per_type.items()):
        print(f"  {t:10s} {c['hit'] / c['n']:.2f}  (n={c['n']})")
    if args.misses:
        print("\nmisses:")
        for exp, got, text in misses:
            print(f"  [{exp}] got {got}: {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
