"""An :class:`~eventwire.record.ArticleRecord` as rows of the store's tables."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

from ..record import Actor, ArticleRecord

_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def content_hash(text: str) -> str:
    """The article id in the store: SHA-256 of the UTF-8 text, first 32 hex digits."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _date(value: str | None) -> dt.date | None:
    if value and _FULL_DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def cameo_root(cameo: str | None) -> str | None:
    if not cameo:
        return None
    digits = cameo.strip()[:2]
    return digits if len(digits) == 2 and digits.isdigit() else None


def _actor(prefix: str, a: Actor | None) -> dict[str, Any]:
    return {
        f"{prefix}_text": a.text if a else None,
        f"{prefix}_name": a.name if a else None,
        f"{prefix}_country": a.country if a else None,
        f"{prefix}_sector": a.sector if a else None,
        f"{prefix}_entity": a.entity if a else None,
    }


def record_rows(
    rec: ArticleRecord,
    aid: str,
    *,
    origin: str,
    pipeline_version: str,
    run_id: int,
    now: dt.datetime,
) -> dict[str, list[dict[str, Any]]]:
    """Rows for every table, keyed by table name."""
    text = rec.text
    pub = _date(rec.date)
    rows: dict[str, list[dict[str, Any]]] = {
        "articles": [
            {
                "id": aid,
                "record_id": rec.id,
                "title": rec.title,
                "date": pub,
                "source": rec.source,
                "url": rec.url,
                "language": rec.language,
                "text": text,
                "origin": origin,
                "status": "ok",
                "pipeline_version": pipeline_version,
                "run_id": run_id,
                "ingested_at": now,
                "n_events": len(rec.events),
                "warnings": list(rec.warnings),
                "duplicate_of": None,
                "similarity": None,
            }
        ],
        "segments": [
            {
                "article_id": aid,
                "idx": i,
                "kind": s.kind,
                "span_start": s.span[0],
                "span_end": s.span[1],
            }
            for i, s in enumerate(rec.segments)
        ],
        "entities": [],
        "mentions": [],
        "places": [
            {
                "article_id": aid,
                "idx": i,
                "text": p.text,
                "span_start": p.span[0],
                "span_end": p.span[1],
                "name": p.name,
                "country": p.country,
                "admin1": p.admin1,
                "lat": p.lat,
                "lon": p.lon,
                "feature": p.feature,
            }
            for i, p in enumerate(rec.places)
        ],
        "times": [
            {
                "article_id": aid,
                "idx": i,
                "text": t.text,
                "span_start": t.span[0],
                "span_end": t.span[1],
                "value": t.value,
                "type": t.type,
            }
            for i, t in enumerate(rec.times)
        ],
        "events": [],
        "quotes": [],
    }
    for e in rec.entities:
        rows["entities"].append(
            {
                "article_id": aid,
                "entity_id": e.id,
                "name": e.name,
                "type": e.type,
                "country": e.country,
                "sector": e.sector,
                "n_mentions": len(e.mentions),
            }
        )
        for s, t in e.mentions:
            rows["mentions"].append(
                {
                    "article_id": aid,
                    "entity_id": e.id,
                    "span_start": s,
                    "span_end": t,
                    "text": text[s:t],
                }
            )
    for ev in rec.events:
        loc = ev.location
        src = ev.source
        intensity = None
        if ev.explain and isinstance(ev.explain.get("intensity"), int | float):
            intensity = float(ev.explain["intensity"])
        rows["events"].append(
            {
                "article_id": aid,
                "event_id": ev.id,
                "type": ev.type,
                "mode": ev.mode,
                "cameo": ev.cameo,
                "cameo_root": cameo_root(ev.cameo),
                "intensity": intensity,
                **_actor("actor", ev.actor),
                **_actor("target", ev.target),
                "date": ev.date,
                "date_source": ev.date_source,
                "day": _date(ev.date) or pub,
                "location_text": loc.text if loc else None,
                "location_name": loc.name if loc else None,
                "location_country": loc.country if loc else None,
                "location_lat": loc.lat if loc else None,
                "location_lon": loc.lon if loc else None,
                "location_source": ev.location_source,
                "factuality": ev.factuality,
                "confidence": ev.confidence,
                "trigger_text": ev.trigger.text,
                "trigger_start": ev.trigger.span[0],
                "trigger_end": ev.trigger.span[1],
                "sentence_start": ev.sentence_span[0],
                "sentence_end": ev.sentence_span[1],
                "sentence": text[ev.sentence_span[0] : ev.sentence_span[1]],
                "coref": ev.coref,
                "segment": ev.segment,
                "source_text": src.text if src else None,
                "source_name": src.name if src else None,
                "source_entity": src.entity if src else None,
                "source_quote": src.quote if src else None,
                "cluster_id": None,
            }
        )
    for q in rec.quotes:
        sp = q.speaker
        rows["quotes"].append(
            {
                "article_id": aid,
                "quote_id": q.id,
                "text": q.text,
                "span_start": q.span[0],
                "span_end": q.span[1],
                "kind": q.kind,
                "speaker_text": sp.text if sp else None,
                "speaker_name": sp.name if sp else None,
                "speaker_entity": sp.entity if sp else None,
                "cue": q.cue,
                "events": list(q.events),
            }
        )
    return rows
