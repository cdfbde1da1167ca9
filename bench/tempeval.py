"""TempEval-3 (TBAQ-cleaned) benchmark of eventwire.times.find_times.

Reads the TimeML ``.tml`` files at run time (research-only data: never copied
into the project), gives each document's TEXT and DCT to ``find_times`` and
scores the TIMEX3 output against the gold TIMEX3 tags (the DCT itself is not
scored):

* recognition, strict (same extent) and relaxed (overlapping extent), P/R/F1,
* value accuracy on relaxed matches and value F1 (a system timex counts when it
  overlaps a gold timex and has exactly its value), as in TempEval-3,
* type accuracy on relaxed matches,

for all TIMEX3 types and for DATE/TIME only (gold DATE/TIME against system
DATE/TIME). The baseline printed next to it is spaCy's own DATE/TIME entities
(recognition only). Values are scored twice: as eventwire outputs them by
default (``refs=True``: TIMEX3's PRESENT_REF / PAST_REF / FUTURE_REF) and with
``refs=False`` (vague "now", "recently" -> null).

Usage::

    .venv/bin/python bench/tempeval.py [--data ../shared/eval/external/tempeval3_tbaq]
        [--subset TimeBank|AQUAINT|all] [--limit N] [--misses misses.tsv]
        [--misses-of refs|norefs] [--half A|B]

``--half A`` keeps the 1st, 3rd, 5th ... document of the sorted file list, ``--half B``
the others: tune on one half, report the other.
"""

from __future__ import annotations

import argparse
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "eval" / "external" / "tempeval3_tbaq"


@dataclass
class Timex:
    start: int
    end: int
    type: str
    value: str | None
    text: str


@dataclass
class GoldDoc:
    name: str
    dct: date | None
    text: str
    timexes: list[Timex]


def read_tml(path: Path) -> GoldDoc:
    """Plain TEXT of a .tml file and its TIMEX3 tags with character offsets."""
    root = ET.parse(path).getroot()
    dct: date | None = None
    for t in root.iter("TIMEX3"):
        if t.get("functionInDocument") == "CREATION_TIME":
            try:
                dct = date.fromisoformat((t.get("value") or "")[:10])
            except ValueError:
                dct = None
            break
    text_el = root.find("TEXT")
    parts: list[str] = []
    timexes: list[Timex] = []
    pos = 0

    def walk(el: ET.Element) -> None:
        nonlocal pos
        start = pos
        if el.text:
            parts.append(el.text)
            pos += len(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)
                pos += len(child.tail)
        if el.tag == "TIMEX3" and el.get("functionInDocument") != "CREATION_TIME":
            text = "".join(parts)[start:pos]
            timexes.append(Timex(start, pos, el.get("type") or "DATE", el.get("value"), text))

    if text_el is not None:
        walk(text_el)
    return GoldDoc(path.stem, dct, "".join(parts), timexes)


@dataclass
class Score:
    gold: int = 0
    sys: int = 0
    strict: int = 0
    relaxed: int = 0
    value_ok: int = 0
    type_ok: int = 0

    def add(
        self, gold: list[Timex], system: list[Timex], misses: list[str] | None = None, doc: str = ""
    ) -> None:
        self.gold += len(gold)
        self.sys += len(system)
        used: set[int] = set()
        for g in gold:
            match = None
            for i, s in enumerate(system):
                if i in used:
                    continue
                if s.start == g.start and s.end == g.end:
                    match = i
                    break
            if match is None:
                for i, s in enumerate(system):
                    if i not in used and s.start < g.end and g.start < s.end:
                        match = i
                        break
            if match is None:
                if misses is not None:
                    misses.append(f"{doc}\tMISS\t{g.type}\t{g.value}\t{g.text}\t")
                continue
            used.add(match)
            s = system[match]
            self.relaxed += 1
            if s.start == g.start and s.end == g.end:
                self.strict += 1
            elif misses is not None:
                misses.append(f"{doc}\tEXTENT\t{g.type}\t{g.value}\t{g.text}\t{s.value}\t{s.text}")
            if s.value == g.value:
                self.value_ok += 1
            elif misses is not None:
                misses.append(f"{doc}\tVALUE\t{g.type}\t{g.value}\t{g.text}\t{s.value}\t{s.text}")
            if s.type == g.type:
                self.type_ok += 1
        if misses is not None:
            for i, s in enumerate(system):
                if i not in used:
                    misses.append(f"{doc}\tFP\t{s.type}\t{s.value}\t{s.text}\t")

    @staticmethod
    def prf(hit: int, sys: int, gold: int) -> tuple[float, float, float]:
        p = hit / sys if sys else 0.0
        r = hit / gold if gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f

    def lines(self, label: str, values: bool = True) -> list[str]:
        out = [f"{label}: gold {self.gold}, system {self.sys}"]
        for name, hit in (("strict", self.strict), ("relaxed", self.relaxed)):
            p, r, f = self.prf(hit, self.sys, self.gold)
            out.append(f"  {name:8s} P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
        if values:
            acc = self.value_ok / self.relaxed if self.relaxed else 0.0
            p, r, f = self.prf(self.value_ok, self.sys, self.gold)
            tacc = self.type_ok / self.relaxed if self.relaxed else 0.0
            out.append(f"  value    accuracy {acc:.3f}  P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
            out.append(f"  type     accuracy {tacc:.3f}")
        return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the tempeval3_tbaq folder")
    ap.add_argument("--subset", default="TimeBank", choices=["TimeBank", "AQUAINT", "all"])
    ap.add_argument("--limit", type=int, default=0, help="only the first N documents")
    ap.add_argument(
        "--misses", type=Path, help="write misses, wrong values and false positives (TSV)"
    )
    ap.add_argument(
        "--misses-of",
        default="refs",
        choices=["refs", "norefs"],
        help="which output --misses lists: refs=True (the default output) or refs=False",
    )
    ap.add_argument(
        "--half",
        choices=["A", "B"],
        help="only every other document of the sorted list: A = 1st, 3rd, ... (tuning half), "
        "B = 2nd, 4th, ... (held-out half)",
    )
    args = ap.parse_args(argv)

    folders = ["TimeBank", "AQUAINT"] if args.subset == "all" else [args.subset]
    files = sorted(f for d in folders for f in (args.data / d).glob("*.tml"))
    if args.half:
        files = files[0 if args.half == "A" else 1 :: 2]
    if args.limit:
        files = files[: args.limit]
    if not files:
        print(
            f"no .tml files under {args.data} ({', '.join(folders)}); pass --data", file=sys.stderr
        )
        return 2

    from eventwire.nlp import load_model
    from eventwire.times import find_times

    nlp = load_model()
    docs = [read_tml(f) for f in files]
    t0 = time.perf_counter()
    parsed = list(nlp.pipe([d.text for d in docs], batch_size=16))
    t_parse = time.perf_counter() - t0

    scores = {k: Score() for k in ("all", "all_refs", "dt", "dt_refs", "spacy", "spacy_dt")}
    misses: list[str] = []
    t0 = time.perf_counter()
    for gd, doc in zip(docs, parsed, strict=True):
        out = {}
        for refs in (False, True):
            times = find_times(doc, gd.dct, refs=refs)
            out[refs] = [Timex(t.span[0], t.span[1], t.type, t.value, t.text) for t in times]
        gold_dt = [g for g in gd.timexes if g.type in ("DATE", "TIME")]
        refs_misses = args.misses_of == "refs"
        scores["all"].add(gd.timexes, out[False], None if refs_misses else misses, gd.name)
        scores["all_refs"].add(gd.timexes, out[True], misses if refs_misses else None, gd.name)
        scores["dt"].add(gold_dt, [s for s in out[False] if s.type in ("DATE", "TIME")])
        scores["dt_refs"].add(gold_dt, [s for s in out[True] if s.type in ("DATE", "TIME")])
        ents = [
            Timex(e.start_char, e.end_char, e.label_, None, e.text)
            for e in doc.ents
            if e.label_ in ("DATE", "TIME")
        ]
        scores["spacy"].add(gd.timexes, ents)
        scores["spacy_dt"].add(gold_dt, ents)
    t_times = time.perf_counter() - t0

    n_words = sum(len(d) for d in parsed)
    half = f" half {args.half}" if args.half else ""
    print(f"TempEval-3 TBAQ {args.subset}{half}: {len(docs)} documents, {n_words} tokens")
    print(
        f"spaCy parse {t_parse:.1f}s; find_times x2 {t_times:.1f}s ({1000 * t_times / 2 / len(docs):.1f} ms/doc)"
    )
    for key, label in (
        ("all_refs", "ALL TIMEX3 types, refs=True (TIMEX3 *_REF values; the default output)"),
        ("all", "ALL TIMEX3 types, refs=False (vague -> null)"),
        ("dt_refs", "DATE/TIME only, refs=True (the default output)"),
        ("dt", "DATE/TIME only, refs=False"),
    ):
        print("\n".join(scores[key].lines(label)))
    print(
        "\n".join(
            scores["spacy"].lines("baseline: spaCy DATE/TIME entities vs ALL types", values=False)
        )
    )
    print(
        "\n".join(
            scores["spacy_dt"].lines(
                "baseline: spaCy DATE/TIME entities vs DATE/TIME", values=False
            )
        )
    )
    base_f = Score.prf(scores["spacy"].relaxed, scores["spacy"].sys, scores["spacy"].gold)[2]
    our_f = Score.prf(scores["all"].relaxed, scores["all"].sys, scores["all"].gold)[2]
    if base_f:
        print(f"relaxed F1 ratio eventwire/spaCy (all types): {our_f / base_f:.3f}")
    print("anchor: HeidelTime value F1 ~0.78 (TempEval-3); goal >= 0.80")
    if args.misses:
        args.misses.write_text("\n".join(misses) + "\n", encoding="utf-8")
        print(f"misses written to {args.misses}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
