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

The mention-pair model's weights (``src/eventwire/data/stories/pair_weights.json``)
are learned here: ``--fit`` fits a logistic regression on the candidate pairs of
the aligned mentions of the TRAINING topics (1-35; pairs labelled by whether the
gold chains agree), picks the probability threshold that maximises B-cubed F1
with precision >= 0.85 on those topics, writes the weights file, and reports
B-cubed and CoNLL F1 (mean of MUC, B-cubed and CEAF-e F1) on the HELD-OUT topics
(36-45) only. Without ``--fit`` the stored weights are scored on the held-out
topics (and, for reference, on all topics).

The weights were fitted with ``--days 36500`` (no date window): with every document
dated 2010-01-01, relative and explicit dates put mentions of one event years apart,
and a day window would only measure that artefact (docs/store.md).

    .venv/bin/python bench/store_ecbplus.py [--db PATH] [--fit] [--days D] [--km K]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Hashable
from pathlib import Path
from typing import Any

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


def muc(sys_of: dict[Hashable, Hashable], gold_of: dict[Hashable, Hashable]) -> float:
    """MUC F1 (Vilain et al. 1995)."""

    def score(key: dict[Hashable, Hashable], resp: dict[Hashable, Hashable]) -> float:
        chains: dict[Hashable, list[Hashable]] = defaultdict(list)
        for i, c in key.items():
            chains[c].append(i)
        num = den = 0
        for items in chains.values():
            parts = {resp[i] for i in items}
            num += len(items) - len(parts)
            den += len(items) - 1
        return num / den if den else 0.0

    r, p = score(gold_of, sys_of), score(sys_of, gold_of)
    return 2 * p * r / (p + r) if p + r else 0.0


def ceafe(sys_of: dict[Hashable, Hashable], gold_of: dict[Hashable, Hashable]) -> float:
    """Entity-based CEAF F1 (Luo 2005) with phi4."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    def groups(of: dict[Hashable, Hashable]) -> list[set[Hashable]]:
        g: dict[Hashable, set[Hashable]] = defaultdict(set)
        for i, c in of.items():
            g[c].add(i)
        return list(g.values())

    k, r = groups(gold_of), groups(sys_of)
    sim = np.zeros((len(k), len(r)))
    r_of = {i: j for j, g in enumerate(r) for i in g}
    for a, g in enumerate(k):
        for i in g:
            b = r_of[i]
            if sim[a, b] == 0:
                sim[a, b] = 2 * len(g & r[b]) / (len(g) + len(r[b]))
    rows, cols = linear_sum_assignment(-sim)
    total = sim[rows, cols].sum()
    rec, prec = total / len(k), total / len(r)
    return 2 * prec * rec / (prec + rec) if prec + rec else 0.0


TRAIN_TOPICS = range(1, 36)  # the usual ECB+ split: 1-35 train/dev, 36-45 test


def topic_of(record_id: str) -> int:
    return int(record_id.split("_", 1)[0])


def load_mentions(store: object, docs: list[tuple[str, str, list[tuple[int, int, str]]]]) -> Any:
    """Every clusterable system mention (eventwire.store.pairs.Mention), its topic, and
    its gold chain where a gold action mention overlaps its trigger."""
    from eventwire.store.cluster import ELIGIBLE
    from eventwire.store.pairs import MENTION_COLUMNS, make_mention

    gold_by_name = {name: gold for name, _t, gold in docs}
    cur = store.execute(  # type: ignore[attr-defined]
        f"SELECT {MENTION_COLUMNS}, e.trigger_start, e.trigger_end, a.record_id "
        "FROM events e JOIN articles a ON a.id = e.article_id "
        f"WHERE {ELIGIBLE} ORDER BY e.type, dayn NULLS LAST, e.article_id, e.event_id"
    )
    names = [d[0] for d in cur.description]
    out = []
    used: set[tuple[str, int]] = set()
    for i, r in enumerate(cur.fetchall()):
        row = dict(zip(names, r, strict=True))
        m = make_mention(i, row)
        chain = None
        for gs, ge, c in gold_by_name.get(row["record_id"], []):
            if gs < row["trigger_end"] and row["trigger_start"] < ge:
                key = (row["record_id"], gs)
                if key not in used:  # one gold mention counts once
                    used.add(key)
                    chain = (key, c)
                break
        out.append((m, topic_of(row["record_id"]), chain))
    return out


def scored_pairs(mentions: list[Any], days: int, km: float) -> list[tuple[int, int, list[float]]]:
    from eventwire.store.cluster import candidate_pairs
    from eventwire.store.pairs import compatible, features

    by_type: dict[str, list[Any]] = defaultdict(list)
    for m in mentions:
        by_type[m.type].append(m)
    out = []
    for ms in by_type.values():
        ms.sort(key=lambda m: (m.day is None, m.day or 0, m.article_id, m.event_id))
        for a, b in candidate_pairs(ms, days=days):
            if compatible(a, b, km):
                out.append((a.idx, b.idx, features(a, b, km)))
    return out


def evaluate(
    mentions: list[Any], pairs: list[tuple[int, int, float]], thr: float
) -> dict[str, float]:
    """Cluster at ``thr`` (union-find over pairs scored >= thr) and score the aligned."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for a, b, s in pairs:
        if s >= thr:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    sys_of: dict[Hashable, Hashable] = {}
    gold_of: dict[Hashable, Hashable] = {}
    for m, _topic, chain in mentions:
        if chain is not None:
            sys_of[chain[0]] = find(m.idx)
            gold_of[chain[0]] = chain[1]
    p, r, f = bcubed(sys_of, gold_of)
    mf, cf = muc(sys_of, gold_of), ceafe(sys_of, gold_of)
    return {"b3_p": p, "b3_r": r, "b3_f1": f, "muc_f1": mf, "ceafe_f1": cf,
            "conll_f1": (f + mf + cf) / 3, "n": len(gold_of),
            "chains": len(set(gold_of.values()))}  # fmt: skip


def line(name: str, s: dict[str, float]) -> str:
    return (f"{name:<34} B3 P {s['b3_p']:.3f} R {s['b3_r']:.3f} F1 {s['b3_f1']:.3f} | "
            f"MUC {s['muc_f1']:.3f} CEAFe {s['ceafe_f1']:.3f} CoNLL {s['conll_f1']:.3f}")  # fmt: skip


def fit_and_report(all_mentions: list[Any], days: int, km: float, fit: bool) -> None:
    from eventwire.store.pairs import FEATURES, PairModel, default_model

    weights = ROOT / "src" / "eventwire" / "data" / "stories" / "pair_weights.json"
    train = [t for t in all_mentions if t[1] in TRAIN_TOPICS]
    test = [t for t in all_mentions if t[1] not in TRAIN_TOPICS]
    tr_pairs = scored_pairs([m for m, _t, _c in train], days, km)
    te_pairs = scored_pairs([m for m, _t, _c in test], days, km)
    if fit:
        import numpy as np
        from sklearn.linear_model import LogisticRegression

        chain = {m.idx: c[1] for m, _t, c in train if c is not None}
        xs, ys = [], []
        for a, b, x in tr_pairs:
            if a in chain and b in chain:
                xs.append(x)
                ys.append(1 if chain[a] == chain[b] else 0)
        lr = LogisticRegression(C=1.0, max_iter=2000)
        lr.fit(np.array(xs), np.array(ys))
        model = PairModel(tuple(float(w) for w in lr.coef_[0]), float(lr.intercept_[0]), 0.5, {})
        tr_scored = [(a, b, model.score(x)) for a, b, x in tr_pairs]
        best = None
        for thr in [i / 100 for i in range(5, 100)]:
            s = evaluate(train, tr_scored, thr)
            if s["b3_p"] >= 0.85 and (best is None or s["b3_f1"] > best[1]["b3_f1"]):
                best = (thr, s)
        assert best is not None
        thr, tr_s = best
        model = PairModel(model.weights, model.bias, thr, {})
        print(f"fit: {len(xs)} labelled candidate pairs ({sum(ys)} coreferent) "
              f"of {len(train)} mentions in training topics; threshold {thr:.2f}")  # fmt: skip
        print(line("train topics 1-35 (fitted on)", tr_s))
    else:
        model = default_model()
    te_s = evaluate(test, [(a, b, model.score(x)) for a, b, x in te_pairs], model.threshold)
    single = evaluate(test, [], 2.0)
    print(line("held-out topics 36-45", te_s))
    print(line("held-out, baseline singletons", single))
    if fit:
        meta = {
            "about": "mention-pair logistic model for story clustering (eventwire.store.pairs)",
            "trained_on": "ECB+ topics 1-35 (candidate pairs of gold-aligned system mentions)",
            "threshold_chosen_on": "ECB+ topics 1-35: max B-cubed F1 with precision >= 0.85",
            "heldout": {"topics": "ECB+ 36-45",
                        **{k: round(v, 4) for k, v in te_s.items()}},
            "days": days, "km": km,
        }  # fmt: skip
        out = PairModel(model.weights, model.bias, model.threshold, meta).to_json()
        out["weights"] = {k: round(v, 6) for k, v in out["weights"].items()}
        weights.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
        print(f"weights written to {weights.relative_to(ROOT)}")
        for f, w in zip(FEATURES, model.weights, strict=True):
            print(f"  {f:<18} {w:+.3f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--topics", type=int, default=0, help="only the first N topics (0: all)")
    ap.add_argument("--days", type=int, default=1)
    ap.add_argument("--km", type=float, default=100.0)
    ap.add_argument("--db", help="keep the store here (a re-run skips the stored articles)")
    ap.add_argument("--fit", action="store_true", help="learn the pair weights (train topics)")
    args = ap.parse_args()
    if not ECB.exists():
        print(f"{ECB} is not present", file=sys.stderr)
        return 2

    from eventwire.pipeline import Pipeline
    from eventwire.read import ArticleInput
    from eventwire.store import Store, ingest

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

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(args.db or Path(tmp) / "ecb.duckdb")
        names = {r[0] for r in store.execute("SELECT record_id FROM articles").fetchall()}
        todo = [d for d in docs if d[0] not in names]
        t0 = time.perf_counter()
        if todo:
            ingest(
                store,
                Pipeline(),
                (ArticleInput(text=text, id=name, date=DATE, source=name, origin=name)
                 for name, text, _ in todo),
                batch_size=64,
            )  # fmt: skip
        t1 = time.perf_counter()
        n_art, n_ev, n_dup = store.execute(
            "SELECT count(*), sum(n_events), count(duplicate_of) FROM articles"
        ).fetchall()[0]
        mentions = load_mentions(store, docs)
        store.close()
    print(f"store: {n_art} articles, {n_ev} event mentions, {n_dup} near-duplicates "
          f"(ingest {t1 - t0:.1f} s); {len(mentions)} clusterable mentions, "
          f"{sum(c is not None for _m, _t, c in mentions)} aligned to gold")  # fmt: skip
    fit_and_report(mentions, args.days, args.km, args.fit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
