"""Cross-article event clustering ("stories") scored on ECB+ with B-cubed.

ECB+ (../shared/eval/external/ecbplus) has 982 news documents in 43 topics,
with event mentions (ACTION_* / NEG_ACTION_*) linked across documents by
CROSS_DOC_COREF. The script rebuilds each document's text from its tokens,
ingests all of them into a temporary store with the real pipeline, clusters
the stored events, and aligns each system event mention to the gold action
mention whose tokens its trigger overlaps (fully annotated sentences only).
On the aligned mentions it reports B-cubed precision, recall and F1 of the
system clusters against the gold coreference chains, with two baselines:
every mention alone, and one cluster per PLOVER type.

ECB+ has no publication dates: every document gets the same date, so the
date constraint only acts through dates written in the text. Gold chains
include within-document coreference; so do system clusters.

    .venv/bin/python bench/store_ecbplus.py [--topics N] [--days D] [--km K]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Hashable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ECB = ROOT.parent / "shared" / "eval" / "external" / "ecbplus"
DATE = dt.date(2010, 1, 1)


def load_doc(path: Path, annotated: set[int]) -> tuple[str, list[tuple[int, int, str]]]:
    """The text and the gold event mentions ``(start, end, chain)`` of one document."""
    root = ET.parse(path).getroot()
    tokens: dict[str, tuple[int, int]] = {}
    parts: list[str] = []
    pos = 0
    sent_of: dict[str, int] = {}
    last_sent = None
    for tok in root.iter("token"):
        sent = int(tok.get("sentence", "0"))
        word = tok.text or ""
        if last_sent is not None and sent != last_sent:
            parts.append("\n")
            pos += 1
        elif parts:
            parts.append(" ")
            pos += 1
        tid = tok.get("t_id", "")
        tokens[tid] = (pos, pos + len(word))
        sent_of[tid] = sent
        parts.append(word)
        pos += len(word)
        last_sent = sent
    text = "".join(parts)
    markables = root.find("Markables")
    mentions: dict[str, tuple[int, int, int]] = {}
    for m in markables if markables is not None else []:
        if not (m.tag.startswith("ACTION_") or m.tag.startswith("NEG_ACTION_")):
            continue
        anchors = [a.get("t_id", "") for a in m.findall("token_anchor")]
        spans = [tokens[a] for a in anchors if a in tokens]
        if not spans:
            continue
        mentions[m.get("m_id", "")] = (
            min(s for s, _ in spans),
            max(e for _, e in spans),
            sent_of[anchors[0]],
        )
    chain: dict[str, str] = {}
    relations = root.find("Relations")
    for rel in relations if relations is not None else []:
        note = rel.get("note") or rel.get("r_id", "")
        cid = note if rel.tag == "CROSS_DOC_COREF" else f"{path.stem}:{note}"
        for src in rel.findall("source"):
            mid = src.get("m_id", "")
            if rel.tag == "CROSS_DOC_COREF" or mid not in chain:
                chain[mid] = cid
    gold = [
        (s, e, chain.get(mid, f"{path.stem}:single:{mid}"))
        for mid, (s, e, sent) in mentions.items()
        if sent in annotated
    ]
    return text, gold


def bcubed(
    sys_of: dict[Hashable, Hashable], gold_of: dict[Hashable, Hashable]
) -> tuple[float, float, float]:
    items = list(gold_of)
    if not items:
        return 0.0, 0.0, 0.0
    by_sys: dict[Hashable, set[Hashable]] = defaultdict(set)
    by_gold: dict[Hashable, set[Hashable]] = defaultdict(set)
    for i in items:
        by_sys[sys_of[i]].add(i)
        by_gold[gold_of[i]].add(i)
    p = r = 0.0
    for i in items:
        s, g = by_sys[sys_of[i]], by_gold[gold_of[i]]
        both = len(s & g)
        p += both / len(s)
        r += both / len(g)
    p, r = p / len(items), r / len(items)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--topics", type=int, default=0, help="only the first N topics (0: all)")
    ap.add_argument("--days", type=int, default=1)
    ap.add_argument("--km", type=float, default=100.0)
    ap.add_argument("--db", help="keep the store here (a re-run skips the stored articles)")
    args = ap.parse_args()
    if not ECB.exists():
        print(f"{ECB} is not present", file=sys.stderr)
        return 2

    from eventwire.pipeline import Pipeline
    from eventwire.read import ArticleInput
    from eventwire.store import Store, ingest
    from eventwire.store.cluster import cluster_store
    from eventwire.store.rows import content_hash

    annotated: dict[str, set[int]] = defaultdict(set)
    with (ECB / "ECBplus_coreference_sentences.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            annotated[f"{row['Topic']}_{row['File']}"].add(int(row["Sentence Number"]))
    topics = sorted((p for p in (ECB / "ECB+").iterdir() if p.is_dir()), key=lambda p: int(p.name))
    if args.topics:
        topics = topics[: args.topics]
    docs: list[tuple[str, str, list[tuple[int, int, str]]]] = []
    for t in topics:
        for f in sorted(t.glob("*.xml")):
            text, gold = load_doc(f, annotated.get(f.stem, set()))
            docs.append((f.stem, text, gold))
    n_gold = sum(len(g) for _, _, g in docs)
    print(f"ECB+: {len(topics)} topics, {len(docs)} documents, {n_gold} gold event mentions "
          "in annotated sentences")  # fmt: skip

    pipe = Pipeline()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(args.db or Path(tmp) / "ecb.duckdb")
        t0 = time.perf_counter()
        stats = ingest(
            store,
            pipe,
            (ArticleInput(text=text, id=name, date=DATE, source=name, origin=name)
             for name, text, _ in docs),
            batch_size=64,
        )  # fmt: skip
        t1 = time.perf_counter()
        n_clusters = cluster_store(store, days=args.days, km=args.km)
        t2 = time.perf_counter()
        n_art, n_ev, n_dup = store.execute(
            "SELECT count(*), sum(n_events), count(duplicate_of) FROM articles"
        ).fetchall()[0]
        rows = store.execute(
            "SELECT article_id, event_id, type, trigger_start, trigger_end, cluster_id "
            "FROM events WHERE cluster_id IS NOT NULL"
        ).fetchall()
        store.close()
    print(f"store: {n_art} articles, {n_ev} event mentions, {n_dup} near-duplicates "
          f"({stats.stored} stored by this run in {t1 - t0:.1f} s); clustering {t2 - t1:.2f} s, "
          f"{n_clusters} clusters")  # fmt: skip

    by_article: dict[str, list[tuple[int, int, str]]] = {}
    for _name, text, gold in docs:
        by_article[content_hash(text)] = [(s, e, c) for s, e, c in gold]
    sys_of: dict[Hashable, Hashable] = {}
    gold_of: dict[Hashable, Hashable] = {}
    type_of: dict[Hashable, Hashable] = {}
    for aid, _eid, typ, s, e, cid in rows:
        best = None
        for gs, ge, chain in by_article.get(aid, []):
            if gs < e and s < ge:
                best = (gs, chain)
                break
        if best is None:
            continue
        key = (aid, best[0])  # one gold mention counts once
        if key in gold_of:
            continue
        gold_of[key] = best[1]
        sys_of[key] = cid
        type_of[key] = typ
    p, r, f = bcubed(sys_of, gold_of)
    sp, sr, sf = bcubed({k: k for k in gold_of}, gold_of)
    tp, tr, tf = bcubed(type_of, gold_of)
    multi = {c for c in gold_of.values()}
    print(f"aligned mentions: {len(gold_of)} (of {n_gold} gold; {len(rows)} clustered system "
          f"mentions), {len(multi)} gold chains among them")  # fmt: skip
    print(f"B-cubed  eventwire clusters (days={args.days}, km={args.km:g}): "
          f"P {p:.3f}  R {r:.3f}  F1 {f:.3f}")  # fmt: skip
    print(f"B-cubed  baseline singletons:            P {sp:.3f}  R {sr:.3f}  F1 {sf:.3f}")
    print(f"B-cubed  baseline one cluster per type:  P {tp:.3f}  R {tr:.3f}  F1 {tf:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
