"""Export stored data: events, articles or quotes as Parquet, CSV, JSON Lines,
PLOVER JSON (events) or a GDELT-like event table (events).

Everything streams in Arrow record batches: memory stays flat whatever the size.
With ``EventFilter.stories`` events are deduplicated: one row per story (the
story's fields and mention ids; for PLOVER and GDELT, its representative mention
with the story's counts).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from ..record import dumps_line
from .db import StoreError
from .query import EVENT_COLUMNS, EventFilter, events_sql, stories_sql

FORMATS = ("parquet", "csv", "jsonl", "plover", "gdelt")
WHATS = ("events", "articles", "quotes")
BATCH_ROWS = 50_000

#: PLOVER type → CAMEO root code used when an event has no CAMEO code.
TYPE_CAMEO_ROOT: dict[str, str] = {
    "AGREE": "03", "CONSULT": "04", "SUPPORT": "05", "CONCEDE": "08", "COOPERATE": "06",
    "AID": "07", "RETREAT": "08", "REQUEST": "10", "ACCUSE": "11", "REJECT": "12",
    "THREATEN": "13", "PROTEST": "14", "SANCTION": "16", "MOBILIZE": "15", "COERCE": "17",
    "ASSAULT": "18",
}  # fmt: skip

#: Goldstein (1992) scale value of each CAMEO root, as used by GDELT for root codes.
ROOT_GOLDSTEIN: dict[str, float] = {
    "01": 0.0, "02": 3.0, "03": 4.0, "04": 1.0, "05": 3.5, "06": 6.0, "07": 7.0,
    "08": 5.0, "09": -2.0, "10": -5.0, "11": -2.0, "12": -4.0, "13": -6.0, "14": -6.5,
    "15": -7.2, "16": -4.0, "17": -7.0, "18": -9.0, "19": -10.0, "20": -10.0,
}  # fmt: skip


def quad_class(root: str | None) -> int | None:
    """GDELT QuadClass of a CAMEO root: 1 verbal coop., 2 material coop., 3 verbal conflict,
    4 material conflict."""
    if not root or not root.isdigit():
        return None
    n = int(root)
    return 1 if n <= 5 else 2 if n <= 8 else 3 if n <= 13 else 4


def _case(expr: str, mapping: dict[str, Any]) -> str:
    """A CASE over constant mappings (module constants only, never user text)."""
    whens = " ".join(f"WHEN '{k}' THEN {v!r}" for k, v in mapping.items())
    return f"(CASE {expr} {whens} ELSE NULL END)"


def _gdelt_sql(flt: EventFilter) -> tuple[str, list[Any]]:
    where, params = flt.where()
    root = f"coalesce(e.cameo_root, {_case('e.type', TYPE_CAMEO_ROOT)})"
    quad = (
        f"(CASE WHEN {root} IS NULL THEN NULL WHEN {root} <= '05' THEN 1 "
        f"WHEN {root} <= '08' THEN 2 WHEN {root} <= '13' THEN 3 ELSE 4 END)"
    )
    sql = f"""
        SELECT
          row_number() OVER (ORDER BY e.article_id, e.event_id)::BIGINT AS GLOBALEVENTID,
          CAST(strftime(e.day, '%Y%m%d') AS INTEGER) AS SQLDATE,
          CAST(strftime(e.day, '%Y%m') AS INTEGER) AS MonthYear,
          CAST(year(e.day) AS INTEGER) AS Year,
          coalesce(e.actor_name, e.actor_text) AS Actor1Name,
          e.actor_country AS Actor1CountryCode,
          e.actor_sector AS Actor1Type1Code,
          coalesce(e.target_name, e.target_text) AS Actor2Name,
          e.target_country AS Actor2CountryCode,
          e.target_sector AS Actor2Type1Code,
          1 AS IsRootEvent,
          coalesce(e.cameo, {root}) AS EventCode,
          substr(coalesce(e.cameo, {root}), 1, 3) AS EventBaseCode,
          {root} AS EventRootCode,
          {quad} AS QuadClass,
          coalesce(e.intensity, {_case(root, ROOT_GOLDSTEIN)}) AS GoldsteinScale,
          coalesce(c.n_mentions, 1) AS NumMentions,
          coalesce(c.n_sources, 1) AS NumSources,
          coalesce(c.n_articles, 1) AS NumArticles,
          e.location_name AS ActionGeo_FullName,
          e.location_country AS ActionGeo_CountryCode,
          e.location_lat AS ActionGeo_Lat,
          e.location_lon AS ActionGeo_Long,
          CAST(strftime(a.ingested_at, '%Y%m%d%H%M%S') AS BIGINT) AS DATEADDED,
          a.url AS SOURCEURL,
          e.type AS PLOVERType,
          e.factuality AS Factuality,
          e.cluster_id AS ClusterId,
          e.article_id AS ArticleId,
          e.event_id AS EventId
        FROM events e JOIN articles a ON a.id = e.article_id
        LEFT JOIN clusters c ON c.cluster_id = e.cluster_id
        WHERE {where}
        ORDER BY e.article_id, e.event_id
    """
    return sql, params


def _articles_sql(flat: bool) -> str:
    warnings = "to_json(warnings)::VARCHAR AS warnings" if flat else "warnings"
    return (
        "SELECT id, record_id, title, date, source, url, language, text, origin, status, "
        f"pipeline_version, run_id, ingested_at, n_events, {warnings}, duplicate_of, similarity "
        "FROM articles ORDER BY run_id, id"
    )


def _quotes_sql(flat: bool) -> str:
    events = "to_json(q.events)::VARCHAR AS events" if flat else "q.events"
    return (
        "SELECT q.article_id, q.quote_id, q.text, q.span_start, q.span_end, q.kind, q.speaker_text, "
        f"q.speaker_name, q.speaker_entity, q.cue, {events} "
        "FROM quotes q ORDER BY q.article_id, q.span_start"
    )


def _batches(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> pa.RecordBatchReader:
    return con.sql(sql, params=params).to_arrow_reader(BATCH_ROWS)


def _json_default(o: Any) -> Any:
    if hasattr(o, "isoformat"):
        return o.isoformat()
    return str(o)


def _csv_cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, list | dict):
        return json.dumps(v, ensure_ascii=False, default=_json_default)
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return v


def _plover_rows(reader: pa.RecordBatchReader) -> Iterator[dict[str, Any]]:
    for batch in reader:
        for r in batch.to_pylist():
            yield plover_event(r)


def plover_event(r: dict[str, Any]) -> dict[str, Any]:
    """One event row (``events`` columns plus article url/source/language) as PLOVER JSON."""

    def actor(prefix: str) -> list[dict[str, Any]]:
        text = r.get(f"{prefix}_text") or r.get(f"{prefix}_name")
        if not text and not r.get(f"{prefix}_country"):
            return []
        out: dict[str, Any] = {"actorText": text, "code": r.get(f"{prefix}_country")}
        if r.get(f"{prefix}_name"):
            out["name"] = r[f"{prefix}_name"]
        if r.get(f"{prefix}_sector"):
            out["sector"] = r[f"{prefix}_sector"]
        return [out]

    day = r.get("day")
    out: dict[str, Any] = {
        "id": f"{r['article_id']}-{r['event_id']}",
        "date": day.isoformat() if day is not None else None,
        "event": r["type"],
        "mode": r.get("mode") or "",
        "context": "",
        "source": actor("actor"),
        "target": actor("target"),
        "eventText": r.get("trigger_text"),
        "text": r.get("sentence"),
        "factuality": r.get("factuality"),
        "confidence": r.get("confidence"),
        "language": r.get("language") or "en",
        "publication": r.get("publication"),
        "url": r.get("url"),
        "cameo": r.get("cameo"),
    }
    if r.get("location_name") or r.get("location_country"):
        out["location"] = {
            "placeName": r.get("location_name") or r.get("location_text"),
            "countryCode": r.get("location_country"),
            "lat": r.get("location_lat"),
            "lon": r.get("location_lon"),
        }
    if r.get("cluster_id") is not None:
        out["story"] = r["cluster_id"]
    return out


def export(
    con: duckdb.DuckDBPyConnection,
    fmt: str,
    output: str | Path,
    *,
    what: str = "events",
    flt: EventFilter | None = None,
) -> int:
    """Write the export; returns the number of rows written."""
    if fmt not in FORMATS:
        raise StoreError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")
    if what not in WHATS:
        raise StoreError(f"unknown --what {what!r} (one of {', '.join(WHATS)})")
    if fmt in ("plover", "gdelt") and what != "events":
        raise StoreError(f"--format {fmt} exports events only")
    flt = flt or EventFilter()
    flat = fmt in ("csv", "gdelt")
    if flt.stories and what != "events":
        raise StoreError("--stories applies to events only")
    if fmt == "gdelt":  # with --stories: one row per story, its representative mention
        sql, params = _gdelt_sql(flt)
    elif flt.stories and fmt != "plover":
        sql, params = stories_sql(flt)
        if flat:
            sql = f"SELECT * REPLACE (to_json(mention_ids)::VARCHAR AS mention_ids) FROM ({sql})"
    elif what == "events":
        extra = (
            ", a.url AS url, a.source AS publication, a.language AS language"
            if fmt == "plover"
            else ", a.url AS url, a.source AS publication, a.date AS article_date"
        )
        sql, params = events_sql(flt, EVENT_COLUMNS, extra=extra)
    elif what == "articles":
        sql, params = _articles_sql(flat), []
    else:
        sql, params = _quotes_sql(flat), []
    path = Path(output)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        reader = _batches(con, sql, params)
        n = 0
        if fmt == "parquet":
            with pq.ParquetWriter(str(path), reader.schema) as pw:
                for batch in reader:
                    pw.write_batch(batch)
                    n += batch.num_rows
        elif fmt in ("csv", "gdelt"):
            with path.open("w", encoding="utf-8", newline="") as out:
                w = csv.writer(
                    out,
                    delimiter="\t" if fmt == "gdelt" else ",",
                    lineterminator="\n",
                )
                w.writerow(reader.schema.names)
                for batch in reader:
                    cols = [c.to_pylist() for c in batch.columns]
                    for values in zip(*cols, strict=True):
                        w.writerow([_csv_cell(v) for v in values])
                    n += batch.num_rows
        else:
            with path.open("w", encoding="utf-8") as out:
                rows = (
                    _plover_rows(reader)
                    if fmt == "plover"
                    else (r for b in reader for r in b.to_pylist())
                )
                for row in rows:
                    out.write(dumps_line(row, default=_json_default) + "\n")
                    n += 1
    except OSError as exc:
        raise StoreError(f"{path}: cannot write ({exc.strerror or exc})") from None
    return n
