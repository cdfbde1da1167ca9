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

(c) ``--corpora DIR [DIR ...]``: the full pipeline on gold folders (``../shared/gold/train``
    and ``dev``), scored as ``eventwire eval`` does, with actor and target country
    accuracy per source corpus (the file-name prefix: ``polnear-``, ``ecbplus-`` ...;
    ``dev`` for the dev folder) so that corpora looked at while developing and corpora
    held out are reported apart; ``--detail FILE`` writes the wrong actors and targets.

Usage: python bench/actors.py [--data DIR] [--gold DIR] [--corpora DIR ...] [--detail FILE]
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


def corpus_of(path: Path) -> str:
    """The source corpus of a gold file: its name's prefix in ``train/`` (``polnear``,
    ``ecbplus`` ...), else its folder's name (``dev``)."""
    name = path.name
    if path.parent.name != "train" or "-" not in name:
        return path.parent.name
    return name.split("-", 1)[0]


def bench_corpora(folders: list[Path], detail: Path | None) -> None:
    from eventwire.engine import make_pipeline
    from eventwire.evaluate import Scores, load_gold_dir, score_article
    from eventwire.pipeline import Failure, PipelineConfig
    from eventwire.read import ArticleInput, parse_date

    gold = []
    for folder in folders:
        articles, errors = load_gold_dir(folder)
        for e in errors:
            print(f"error: {e}", file=sys.stderr)
        gold.extend(articles)
    if not gold:
        print(f"(c) skipped: no gold files under {', '.join(map(str, folders))}")
        return
    pipeline = make_pipeline(PipelineConfig(batch_size=16), 1)
    inputs = []
    for g in gold:
        try:
            pub = parse_date(g.date)
        except ValueError:
            pub = None
        inputs.append(ArticleInput(text=g.text, id=g.id, date=pub, origin=g.path))
    by_corpus: dict[str, Scores] = {}
    total = Scores()
    by_folder: dict[str, Scores] = {}
    wrong: list[dict[str, Any]] = []
    for g, res in zip(gold, pipeline.process(inputs), strict=True):
        if isinstance(res, Failure):
            print(f"error: {g.path}: {res.problem}", file=sys.stderr)
            continue
        corpus = corpus_of(Path(g.path))
        score_article(g, res, by_corpus.setdefault(corpus, Scores()))
        score_article(g, res, total)
        score_article(g, res, by_folder.setdefault(Path(g.path).parent.name, Scores()))
        for item in total.details[-1].get("wrong_arguments", []):
            for role in ("actor", "target"):
                if role in item:
                    wrong.append({"id": g.id, "role": role, "evidence": item["evidence"],
                                  **item[role]})  # fmt: skip
    print(f"(c) full pipeline on {len(gold)} gold articles: actor / target country accuracy")
    rows = sorted(by_corpus.items()) + [(f"[{k}]", v) for k, v in sorted(by_folder.items())]
    for corpus, sc in [*rows, ("all", total)]:
        a, t = sc.actor_country, sc.target_country
        print(
            f"    {corpus:12s} actor {a.hit:3d}/{a.total:<3d} = {a.value or 0:.3f}"
            f"   target {t.hit:3d}/{t.total:<3d} = {t.value or 0:.3f}"
        )
    if detail is not None:
        detail.write_text(
            "\n".join(json.dumps(w, ensure_ascii=False) for w in wrong) + "\n", encoding="utf-8"
        )
        print(f"    wrong actors and targets written to {detail}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--data", type=Path, default=ROOT.parent / "shared" / "eval" / "external" / "plover_gsr"
    )
    parser.add_argument("--gold", type=Path, default=ROOT.parent / "shared" / "gold" / "dev")
    parser.add_argument(
        "--corpora", type=Path, nargs="+", help="only (c): gold folders scored per corpus"
    )
    parser.add_argument("--detail", type=Path, help="(c): write the wrong actors/targets here")
    args = parser.parse_args(argv)
    if args.corpora:
        bench_corpora(args.corpora, args.detail)
        return 0
    bench_plover(args.data)
    bench_gold(args.gold)
    return 0


if __name__ == "__main__":
    sys.exit(main())
