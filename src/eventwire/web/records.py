"""Rebuild an article's record (EVENTS.md section 7 shape) from the store's tables.

The store flattens events: it keeps the actor, target and location *values* of an
event but not their spans, and a quote's speaker without its span. The spans are
recovered here from the stored text: an actor or target is the mention of its
entity with the same text (else that text) inside the event's sentence nearest to
the trigger, else (an argument found by coreference) outside it; a location is the stored place with the same text nearest to the
trigger (else its text in the sentence); a speaker is its entity's mention with the
same text (else that text, outside the quote) nearest to the quote. A span always
covers exactly the ``text`` next to it; a value that cannot be found keeps
``span: null``.
"""

from __future__ import annotations

from typing import Any

import duckdb


def _dicts(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cur.description or []]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _nearest(cands: list[tuple[int, int]], anchor: int) -> list[int] | None:
    if not cands:
        return None
    s, e = min(cands, key=lambda c: (abs(c[0] - anchor), c[0]))
    return [s, e]


def _find_all(text: str, needle: str, lo: int, hi: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    if not needle:
        return out
    i = text.find(needle, lo, hi)
    while i >= 0:
        out.append((i, i + len(needle)))
        i = text.find(needle, i + 1, hi)
    return out


def find_article_id(con: duckdb.DuckDBPyConnection, ident: str) -> str | None:
    """The store id of an article given its store id (content hash) or its input id."""
    rows = con.execute(
        "SELECT id FROM articles WHERE id = ? UNION ALL "
        "(SELECT id FROM articles WHERE record_id = ? ORDER BY ingested_at LIMIT 1) LIMIT 1",
        [ident, ident],
    ).fetchall()
    return str(rows[0][0]) if rows else None


def stored_record(con: duckdb.DuckDBPyConnection, aid: str) -> dict[str, Any] | None:
    """The record of stored article ``aid`` with a ``store`` block, or ``None``."""
    arts = _dicts(con.execute("SELECT * FROM articles WHERE id = ?", [aid]))
    if not arts:
        return None
    a = arts[0]
    text: str = a["text"] or ""

    def rows(sql: str) -> list[dict[str, Any]]:
        return _dicts(con.execute(sql, [aid]))

    segments = rows(
        "SELECT kind, span_start, span_end FROM segments WHERE article_id = ? ORDER BY idx"
    )
    ents = rows("SELECT * FROM entities WHERE article_id = ? ORDER BY entity_id")
    ments = rows(
        "SELECT entity_id, span_start, span_end FROM mentions WHERE article_id = ? "
        "ORDER BY span_start"
    )
    places = rows("SELECT * FROM places WHERE article_id = ? ORDER BY idx")
    times = rows("SELECT * FROM times WHERE article_id = ? ORDER BY idx")
    events = rows("SELECT * FROM events WHERE article_id = ? ORDER BY trigger_start, event_id")
    quotes = rows("SELECT * FROM quotes WHERE article_id = ? ORDER BY span_start, quote_id")

    by_entity: dict[str, list[tuple[int, int]]] = {}
    for m in ments:
        by_entity.setdefault(m["entity_id"], []).append((m["span_start"], m["span_end"]))

    def arg_span(ev: dict[str, Any], prefix: str) -> list[int] | None:
        lo, hi, anchor = ev["sentence_start"], ev["sentence_end"], ev["trigger_start"]
        ent = ev.get(f"{prefix}_entity")
        atext = ev.get(f"{prefix}_text")
        mentions = by_entity.get(ent, []) if ent else []
        if atext is not None:  # a span always covers the text it claims
            mentions = [c for c in mentions if text[c[0] : c[1]] == atext]
        in_sentence = [c for c in mentions if lo <= c[0] and c[1] <= hi]
        # the sentence first; an argument found by coreference may lie before it
        return (
            _nearest(in_sentence, anchor)
            or _nearest(_find_all(text, atext or "", lo, hi), anchor)
            or _nearest(mentions, anchor)
            or _nearest(_find_all(text, atext or "", 0, len(text)), anchor)
        )

    def actor(ev: dict[str, Any], prefix: str) -> dict[str, Any] | None:
        fields = ("text", "name", "country", "sector", "entity")
        if all(ev.get(f"{prefix}_{f}") is None for f in fields):
            return None
        out = {f: ev.get(f"{prefix}_{f}") for f in fields}
        out["span"] = arg_span(ev, prefix)
        return out

    def location(ev: dict[str, Any]) -> dict[str, Any] | None:
        keys = ("text", "name", "country", "lat", "lon")
        if all(ev.get(f"location_{k}") is None for k in keys):
            return None
        out = {k: ev.get(f"location_{k}") for k in keys}
        ltext = out["text"]
        cands = [(p["span_start"], p["span_end"]) for p in places if ltext and p["text"] == ltext]
        span = _nearest(cands, ev["trigger_start"])
        if span is None and ltext:
            span = _nearest(
                _find_all(text, ltext, ev["sentence_start"], ev["sentence_end"]),
                ev["trigger_start"],
            )
        out["span"] = span
        return out

    def source(ev: dict[str, Any]) -> dict[str, Any] | None:
        if ev.get("source_text") is None:
            return None
        return {
            "text": ev["source_text"],
            "name": ev.get("source_name"),
            "entity": ev.get("source_entity"),
            "quote": ev.get("source_quote"),
        }

    def speaker(q: dict[str, Any]) -> dict[str, Any] | None:
        if q.get("speaker_text") is None and q.get("speaker_name") is None:
            return None
        lo = max(0, q["span_start"] - 400)
        hi = min(len(text), q["span_end"] + 400)
        stext = q.get("speaker_text")
        cands = [
            c
            for c in by_entity.get(q.get("speaker_entity") or "", [])
            if lo <= c[0] and c[1] <= hi and not (q["span_start"] <= c[0] < q["span_end"])
        ]
        if stext is not None:  # a span always covers the text it claims
            cands = [c for c in cands if text[c[0] : c[1]] == stext] or [
                c
                for c in _find_all(text, stext, lo, hi)
                if not q["span_start"] <= c[0] < q["span_end"]
            ]
        return {
            "text": stext,
            "name": q.get("speaker_name"),
            "entity": q.get("speaker_entity"),
            "span": _nearest(cands, q["span_start"]),
        }

    record: dict[str, Any] = {
        "id": a["record_id"] or aid,
        "title": a["title"],
        "date": a["date"].isoformat() if a["date"] else None,
        "source": a["source"],
        "url": a["url"],
        "language": a["language"] or "en",
        "text": text,
        "segments": [
            {"span": [s["span_start"], s["span_end"]], "kind": s["kind"]} for s in segments
        ],
        "entities": [
            {
                "id": e["entity_id"],
                "name": e["name"],
                "type": e["type"],
                "country": e["country"],
                "sector": e["sector"],
                "mentions": [list(c) for c in by_entity.get(e["entity_id"], [])],
            }
            for e in ents
        ],
        "places": [
            {
                "text": p["text"],
                "span": [p["span_start"], p["span_end"]],
                **{k: p[k] for k in ("name", "country", "admin1", "lat", "lon", "feature")},
            }
            for p in places
        ],
        "times": [
            {
                "text": t["text"],
                "span": [t["span_start"], t["span_end"]],
                "value": t["value"],
                "type": t["type"],
            }
            for t in times
        ],
        "events": [
            {
                "id": ev["event_id"],
                "type": ev["type"],
                "mode": ev["mode"],
                "cameo": ev["cameo"],
                "actor": actor(ev, "actor"),
                "target": actor(ev, "target"),
                "date": ev["date"],
                "date_source": ev["date_source"],
                "location": location(ev),
                "location_source": ev["location_source"],
                "factuality": ev["factuality"],
                "source": source(ev),
                "trigger": {
                    "text": ev["trigger_text"],
                    "span": [ev["trigger_start"], ev["trigger_end"]],
                },
                "sentence_span": [ev["sentence_start"], ev["sentence_end"]],
                "confidence": ev["confidence"],
                "segment": ev["segment"],
                "coref": ev["coref"],
                "cluster_id": ev["cluster_id"],
            }
            for ev in events
        ],
        "quotes": [
            {
                "id": q["quote_id"],
                "text": q["text"],
                "span": [q["span_start"], q["span_end"]],
                "kind": q["kind"],
                "speaker": speaker(q),
                "cue": q["cue"],
                "events": list(q["events"] or []),
            }
            for q in quotes
        ],
        "warnings": list(a["warnings"] or []),
        "store": {
            "article_id": aid,
            "duplicate_of": a["duplicate_of"],
            "similarity": a["similarity"],
            "pipeline_version": a["pipeline_version"],
            "origin": a["origin"],
            "ingested_at": str(a["ingested_at"]) if a["ingested_at"] else None,
        },
    }
    return record
