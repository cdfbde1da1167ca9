"""Language identification on English and non-English texts (prints figures; no assertions).

For every English corpus at hand, how many texts :func:`eventwire.language.detect_language`
declares non-English (should be 0), whole and cut to their first N letters (short texts:
headlines, briefs); and for the non-English samples in ``tests/data/languages`` (our own
news paragraphs), how many are recognised, with which code.

Corpora (those present are used): ``examples/articles``, ``../shared/gold/dev``, and in
``../shared/eval/external``: PolNeAR (texts), TimeBank (TempEval-3, tags stripped),
IndiaPoliceEvents (sentences joined per document), WikiEvents (tokens joined) and the
PLOVER gold-standard records (``eventText``, one or two sentences each).

Usage: python bench/language.py [--shared DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

from eventwire.language import detect_language
from eventwire.read import ArticleInput, read_paths

ROOT = Path(__file__).resolve().parent.parent
CUTS = (60, 120, 200, 400)


def english_corpora(shared: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for item in read_paths([ROOT / "examples" / "articles"]):
        if isinstance(item, ArticleInput):
            out["examples"].append(item.text)
    for f in sorted((shared / "gold" / "dev").glob("*.json")):
        out["gold dev"].append(json.loads(f.read_text(encoding="utf-8"))["text"])
    ext = shared / "eval" / "external"
    for f in sorted((ext / "polnear").glob("*/text/*.txt")):
        out["PolNeAR"].append(f.read_text(encoding="utf-8", errors="replace"))
    for f in sorted((ext / "tempeval3_tbaq").rglob("*.tml")):
        raw = f.read_text(encoding="utf-8", errors="replace")
        out["TimeBank"].append(re.sub(r"<[^>]+>", "", raw))
    sents = ext / "indiapoliceevents" / "sents.jsonl"
    if sents.exists():
        docs: dict[object, list[str]] = defaultdict(list)
        for line in sents.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            docs[rec["doc_id"]].append(rec["sent_text"])
        out["IndiaPoliceEvents"] = [" ".join(v) for v in docs.values()]
    wiki = ext / "wikievents" / "dev.jsonl"
    if wiki.exists():
        for line in wiki.read_text(encoding="utf-8").splitlines():
            out["WikiEvents"].append(" ".join(json.loads(line)["tokens"]))
    gsr = ext / "plover_gsr" / "PLOVER_GSR_CAMEO.txt"
    if gsr.exists():
        out["PLOVER GSR sentences"] = [
            r["eventText"]
            for r in json.loads(gsr.read_text(encoding="utf-8"))
            if r.get("eventText")
        ]
    return {k: v for k, v in out.items() if v}


def first_letters(text: str, n: int) -> str | None:
    """The text up to its n-th letter (None when it has fewer)."""
    seen = 0
    for i, ch in enumerate(text):
        if ch.isalpha():
            seen += 1
            if seen == n:
                return text[: i + 1]
    return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = ap.parse_args()
    t0 = time.perf_counter()
    n_calls = 0
    print("English corpora: texts declared non-English (whole text; first N letters)")
    print(f"{'corpus':<22} {'texts':>6} {'whole':>6} " + " ".join(f"{n:>5}L" for n in CUTS))
    total_flagged = 0
    for name, texts in english_corpora(args.shared).items():
        flagged: list[str] = []
        whole = 0
        for t in texts:
            n_calls += 1
            d = detect_language(t)
            if not d.english:
                whole += 1
                flagged.append(f"{d.language} {d.confidence}: {t[:60]!r}")
        cells = []
        for n in CUTS:
            cut = [c for c in (first_letters(t, n) for t in texts) if c is not None]
            bad = sum(1 for c in cut if not detect_language(c).english)
            n_calls += len(cut)
            total_flagged += bad
            cells.append(f"{bad}/{len(cut)}")
        total_flagged += whole
        print(f"{name:<22} {len(texts):>6} {whole:>6} " + " ".join(f"{c:>6}" for c in cells))
        for line in flagged[:5]:
            print("   flagged:", line)
    print(f"English texts declared non-English, all cuts: {total_flagged}")
    print()
    print("Non-English samples (tests/data/languages): code found (whole; first half)")
    hits = 0
    files = sorted((ROOT / "tests" / "data" / "languages").glob("*.txt"))
    for f in files:
        text = f.read_text(encoding="utf-8")
        d = detect_language(text)
        half = detect_language(text[: len(text) // 2])
        hits += d.language == f.stem
        print(
            f"  {f.stem}: {d.language} ({d.confidence}); half ({len(text) // 2} chars): "
            f"{half.language}{'' if half.decided else ' (undecided: too short)'}"
        )
    print(f"recognised: {hits}/{len(files)}")
    secs = time.perf_counter() - t0
    print(f"{n_calls} English texts classified in {secs:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
