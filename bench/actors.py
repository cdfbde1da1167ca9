"""Actor benchmarks (prints figures; no assertions).

(a) PLOVER gold-standard records (``../shared/eval/external/plover_gsr``, even ids):
    share of sentences whose expected source (and target) country codes are among
    the codes of the actors the index finds in the sentence; baseline: the
    model's own GPE/NORP entities looked up in the country table only.
(b) Gold dev articles (``../shared/gold/dev``): for each gold event with an actor
    or target country, whether that country (and a content word of its name) is
    among the actors resolved from the mentions in the evidence text (an upper
    bound for the event coder, not an accuracy); and, for gold actors that are
    persons, whether the matching PERSON entity has the gold country (an accuracy:
    wrong countries count). With and without the nearest-country and home-country
    rules.

Usage: python bench/actors.py [--data DIR] [--gold DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

import spacy

from eventwire.actors import ActorKB, add_to_pipeline
from eventwire.nlp import resolve_model_name

ROOT = Path(__file__).resolve().parent.parent
NON_ISO = {"ITL": "ITA", "JAP": "JPN", "VTN": "VNM"}
STOP = {"the", "of", "and", "a", "an", "in", "for", "on", "us", "u.s."}


def build(nearest: bool = True, home: bool = True) -> spacy.language.Language:
    nlp = spacy.load(resolve_model_name())
    add_to_pipeline(nlp, {"nearest_country": nearest, "home_country": home})
    return nlp


def codes(field: Any) -> list[str]:
    if not isinstance(field, list):
        return []
    out = []
    for actor in field:
        if isinstance(actor, dict) and actor.get("code"):
            code = str(actor["code"])[:3]
            out.append(NON_ISO.get(code, code))
    return out


def found_codes(doc: Any) -> set[str]:
    index = doc._.actors
    found: set[str] = set()
    for m in index.mentions:
        ent = index.entity(m.entity)
        if ent is not None and ent.country:
            found.add(ent.country)
        if m.country:
            found.add(m.country)
        found.update(m.countries)
    return found


def baseline_codes(doc: Any, kb: ActorKB) -> set[str]:
    found: set[str] = set()
    for ent in doc.ents:
        if ent.label_ in ("GPE", "NORP"):
            entry = kb.lookup(ent.text)
            if entry is not None and entry.country and entry.kind in ("country", "demonym"):
                found.add(entry.country)
    return found


def bench_plover(path: Path) -> None:
    file = path / "PLOVER_GSR_CAMEO.txt"
    if not file.is_file():
        print(f"(a) skipped: {file} not found")
        return
    records = [
        r
        for r in json.loads(file.read_text(encoding="utf-8"))
        if isinstance(r, dict) and r.get("text")
    ]
    nlp = build()
    base = spacy.load(resolve_model_name())
    kb = ActorKB.load()
    tally = {
        k: [0, 0]
        for k in (
            "src_all",
            "src_any",
            "src_codes",
            "tgt_codes",
            "b_src_all",
            "b_src_codes",
            "b_tgt_codes",
        )
    }
    nlp("warm-up: the city table and the KB load once, Washington said.")
    t0 = time.perf_counter()
    docs = list(nlp.pipe([r["text"] for r in records]))
    elapsed = time.perf_counter() - t0
    t0 = time.perf_counter()
    bdocs = list(base.pipe([r["text"] for r in records]))
    base_elapsed = time.perf_counter() - t0
    for r, doc, bdoc in zip(records, docs, bdocs, strict=True):
        src, tgt = codes(r.get("source")), codes(r.get("target"))
        have, bhave = found_codes(doc), baseline_codes(bdoc, kb)
        if src:
            tally["src_all"][1] += 1
            tally["src_all"][0] += all(c in have for c in src)
            tally["src_any"][1] += 1
            tally["src_any"][0] += any(c in have for c in src)
            tally["b_src_all"][1] += 1
            tally["b_src_all"][0] += all(c in bhave for c in src)
        for c in src:
            tally["src_codes"][1] += 1
            tally["src_codes"][0] += c in have
            tally["b_src_codes"][1] += 1
            tally["b_src_codes"][0] += c in bhave
        for c in tgt:
            tally["tgt_codes"][1] += 1
            tally["tgt_codes"][0] += c in have
            tally["b_tgt_codes"][1] += 1
            tally["b_tgt_codes"][0] += c in bhave
    print(
        f"(a) PLOVER GSR: {len(records)} sentences; {elapsed:.2f}s with the actor components, "
        f"{base_elapsed:.2f}s bare model (time ratio {elapsed / max(base_elapsed, 1e-9):.2f})"
    )
    for key, label in (
        ("src_all", "sentences with every source code found"),
        ("src_any", "sentences with a source code found"),
        ("src_codes", "source codes found"),
        ("tgt_codes", "target codes found"),
    ):
        hit, total = tally[key]
        line = f"    {label:42s} {hit:4d}/{total:<4d} = {hit / max(total, 1):.3f}"
        if "b_" + key in tally:
            bh, bt = tally["b_" + key]
            line += f"   baseline (NER+country table) {bh / max(bt, 1):.3f}   ratio {(hit / max(total, 1)) / max(bh / max(bt, 1), 1e-9):.2f}"
        print(line)


def content_words(name: str) -> set[str]:
    return {w for w in re.findall(r"[\w'-]+", name.lower()) if w not in STOP and len(w) > 1}


def bench_gold(path: Path) -> None:
    files = sorted(path.glob("*.json")) if path.is_dir() else []
    if not files:
        print(f"(b) skipped: no gold files under {path}")
        return
    for nearest, home in ((True, True), (False, True), (True, False), (False, False)):
        nlp = build(nearest, home)
        keys = ("actor_country", "actor_name", "target_country", "target_name", "person_country")
        stats = {k: [0, 0] for k in keys}
        for file in files:
            gold = json.loads(file.read_text(encoding="utf-8"))
            doc = nlp(gold["text"])
            index = doc._.actors
            for event in gold.get("events", []):
                start = gold["text"].find(event.get("evidence", ""))
                if start < 0:
                    continue
                end = start + len(event["evidence"])
                actors = []
                for m in index.mentions:
                    if m.start_char < end and start < m.end_char:
                        actor = index.resolve(
                            doc.char_span(m.start_char, m.end_char, alignment_mode="expand")
                        )
                        if actor is not None:
                            actors.append(actor)
                for role in ("actor", "target"):
                    want = event.get(role)
                    if not isinstance(want, dict):
                        continue
                    # persons: is the country of the matching PERSON entity right (or wrong)?
                    if want.get("name") and "country" in want:
                        words = content_words(want["name"])
                        people = [
                            e
                            for e in index.entities
                            if e.type == "PERSON" and words & content_words(e.name)
                        ]
                        if people:
                            stats["person_country"][1] += 1
                            stats["person_country"][0] += people[0].country == want["country"]
                    if want.get("country"):
                        stats[f"{role}_country"][1] += 1
                        stats[f"{role}_country"][0] += any(
                            a.country == want["country"] for a in actors
                        )
                    if want.get("name"):
                        words = content_words(want["name"])
                        stats[f"{role}_name"][1] += 1
                        stats[f"{role}_name"][0] += any(
                            words & content_words(f"{a.name or ''} {a.text or ''}") for a in actors
                        )
        label = f"nearest-country rule {'on' if nearest else 'off'}, home-country rule {'on' if home else 'off'}"
        print(f"(b) gold dev ({len(files)} articles), {label}:")
        for key, (hit, total) in stats.items():
            print(
                f"    {key:16s} {'right on its PERSON entity' if key == 'person_country' else 'found in evidence'}"
                f" {hit:3d}/{total:<3d} = {hit / max(total, 1):.3f}"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--data", type=Path, default=ROOT.parent / "shared" / "eval" / "external" / "plover_gsr"
    )
    parser.add_argument("--gold", type=Path, default=ROOT.parent / "shared" / "gold" / "dev")
    args = parser.parse_args(argv)
    bench_plover(args.data)
    bench_gold(args.gold)
    return 0


if __name__ == "__main__":
    sys.exit(main())
