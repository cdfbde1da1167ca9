"""Shared checks of the robustness tests (no tests here): the invariants every output
record must satisfy whatever the input, and hostile inputs."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

import jsonschema

from eventwire.record import ArticleRecord, json_schema

#: Characters that scraped text carries and parsers trip on: right-to-left and
#: directional marks, zero-width characters, BOM, controls, replacement character,
#: non-breaking and odd spaces, line/paragraph separators, combining marks, astral
#: characters, every quotation mark and dash eventwire reads.
HOSTILE_CHARS = (
    "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"  # bidi
    "\u200b\u200c\u200d\u2060\ufeff"  # zero width, BOM
    "\x00\x01\x07\x08\x0b\x0c\x1b\x1f\x7f\x85\x9d"  # controls
    "\ufffd\u00a0\u2007\u202f\u3000\u2028\u2029"  # replacement, spaces, separators
    "\u0301\u0308\U0001f600\U0001d400"  # combining, astral
    "\"'“”„‟«»‘’‹›＂―—–-:/()[]"  # marks and dashes
    "\t\r\n"
)

#: Words that make the pipeline work (actors, triggers, dates, places, cues).
_NEWS = (
    "Police arrested protesters in Lagos on Monday . The army said it had no plans to "
    "withdraw from Iraq , officials said . Iran vowed revenge after an American drone "
    "killed Qassem Soleimani near Baghdad airport on Friday . “ We will respond , ” "
    "Esper told reporters . BAGHDAD ( Reuters ) — Share Advertisement Photo : AFP "
    "John Smith / Reuters Minister Ana Petrova met Kenya 's president in Nairobi last week "
    "and agreed to sanctions , according to the ministry ."
)
NEWS_WORDS = _NEWS.split(" ")


def fuzz_examples(default: int) -> int:
    """Hypothesis examples per test: modest by default (the suite stays fast),
    ``EVENTWIRE_FUZZ_SCALE`` multiplies them for a long hunt."""
    return max(1, int(default * float(os.environ.get("EVENTWIRE_FUZZ_SCALE", "1"))))


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json_schema())


def record_problems(rec: ArticleRecord | dict[str, Any], text: str | None = None) -> list[str]:
    """Every broken invariant of an output record (empty when it is sound):

    * it validates against the JSON Schema (``eventwire schema``) and round-trips JSON;
    * every span lies within the text (``0 <= start <= end <= len(text)``) and every
      ``text`` next to a span equals the substring it claims; segments are ordered;
    * ids referred to (an actor's entity, a quote's events) exist;
    * ``text`` is the input (when given).
    """
    data = rec.to_dict() if isinstance(rec, ArticleRecord) else rec
    problems = [f"schema: {e.message}" for e in _validator().iter_errors(data)]
    if isinstance(rec, ArticleRecord):
        again = ArticleRecord.model_validate_json(rec.to_json())
        if again != rec:
            problems.append("JSON round trip changes the record")
    body: str = data.get("text", "")
    if text is not None and body != text:
        problems.append("record text differs from the input")
    n = len(body)

    def span_ok(where: str, span: Any, claimed: str | None = None) -> None:
        if span is None:
            return
        s, e = span
        if not (0 <= s <= e <= n):
            problems.append(f"{where}: span {span} outside the text (length {n})")
        elif claimed is not None and body[s:e] != claimed:
            problems.append(f"{where}: text {claimed!r} != text[{s}:{e}] {body[s:e]!r}")

    prev = -1
    for k, seg in enumerate(data.get("segments", [])):
        span_ok(f"segments[{k}]", seg["span"])
        if seg["span"][0] < prev:
            problems.append(f"segments[{k}]: out of order")
        prev = seg["span"][0]
    entity_ids = {e["id"] for e in data.get("entities", [])}
    for e in data.get("entities", []):
        for m in e["mentions"]:
            span_ok(f"entity {e['id']} mention", m)
    for k, p in enumerate(data.get("places", [])):
        span_ok(f"places[{k}]", p["span"], p["text"])
    for k, t in enumerate(data.get("times", [])):
        span_ok(f"times[{k}]", t["span"], t["text"])
    event_ids = {ev["id"] for ev in data.get("events", [])}
    for ev in data.get("events", []):
        where = f"event {ev['id']}"
        span_ok(f"{where} trigger", ev["trigger"]["span"], ev["trigger"]["text"])
        span_ok(f"{where} sentence", ev["sentence_span"])
        s, e = ev["sentence_span"]
        ts, te = ev["trigger"]["span"]
        if not (s <= ts and te <= e):
            problems.append(f"{where}: trigger {ev['trigger']['span']} outside its sentence")
        for role in ("actor", "target", "location"):
            arg = ev.get(role)
            if arg:
                span_ok(f"{where} {role}", arg.get("span"), arg.get("text"))
                if arg.get("entity") and arg["entity"] not in entity_ids:
                    problems.append(f"{where} {role}: unknown entity {arg['entity']}")
    for q in data.get("quotes", []):
        where = f"quote {q['id']}"
        span_ok(where, q["span"], q["text"])
        sp = q.get("speaker")
        if sp:
            span_ok(f"{where} speaker", sp.get("span"), sp.get("text"))
        for ref in q.get("events", []):
            if ref not in event_ids:
                problems.append(f"{where}: unknown event {ref}")
    return problems
