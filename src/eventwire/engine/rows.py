"""Plain rows for engines that move data between machines (Ray, Parquet).

An article travels as a row of strings (``article_row``/``row_article``), so that Ray
Data can hold it in Arrow blocks; a result comes back as a row of the ``records``
Parquet partitions (``RESULT_SCHEMA``): the record as JSON, or the failure.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pyarrow as pa

from ..errors import InputError
from ..read import ArticleInput
from ..record import ArticleRecord, Segment

#: columns of an article row (all strings, ``None`` allowed)
ARTICLE_COLUMNS = (
    "text", "id", "date", "title", "url", "source", "origin", "language", "segments",
    "warnings", "error",
)  # fmt: skip

#: the ``records`` Parquet partitions: one row per input article, a record or a failure
RESULT_SCHEMA = pa.schema(
    [
        ("kind", pa.string()),  # "record" or "failure"
        ("article_id", pa.string()),  # the store's id: content hash of the text
        ("record_id", pa.string()),
        ("origin", pa.string()),
        ("pipeline_version", pa.string()),
        ("n_events", pa.int64()),
        ("record", pa.string()),  # the ArticleRecord as JSON (EVENTS.md section 7)
        ("error", pa.string()),
    ]
)


def article_row(item: ArticleInput | InputError) -> dict[str, Any]:
    """An article (or a read error) as a row of strings."""
    if isinstance(item, InputError):
        row: dict[str, Any] = dict.fromkeys(ARTICLE_COLUMNS)
        row["origin"], row["error"] = item.where, item.problem
        return row
    return {
        "text": item.text,
        "id": item.id,
        "date": item.date.isoformat() if item.date else None,
        "title": item.title,
        "url": item.url,
        "source": item.source,
        "origin": item.origin,
        "language": item.language,
        "segments": json.dumps([s.model_dump(mode="json") for s in item.segments]),
        "warnings": json.dumps(item.warnings, ensure_ascii=False),
        "error": None,
    }


def row_article(row: dict[str, Any]) -> ArticleInput | InputError:
    """The inverse of :func:`article_row`."""
    if row.get("error"):
        return InputError(str(row.get("origin") or "<input>"), str(row["error"]))
    date = row.get("date")
    return ArticleInput(
        text=str(row["text"]),
        id=str(row["id"]),
        date=dt.date.fromisoformat(date) if date else None,
        title=row.get("title"),
        url=row.get("url"),
        source=row.get("source"),
        origin=str(row.get("origin") or "<input>"),
        language=row.get("language"),
        segments=[Segment.model_validate(s) for s in json.loads(row.get("segments") or "[]")],
        warnings=list(json.loads(row.get("warnings") or "[]")),
    )


def result_row(article: ArticleInput | InputError, result: Any, version: str) -> dict[str, Any]:
    """A row of the ``records`` partitions for one article's result."""
    from ..store.rows import content_hash

    if isinstance(result, ArticleRecord):
        return {
            "kind": "record",
            "article_id": content_hash(result.text),
            "record_id": result.id,
            "origin": getattr(article, "origin", None),
            "pipeline_version": version,
            "n_events": len(result.events),
            "record": result.to_json(),
            "error": None,
        }
    where = getattr(result, "where", None) or getattr(article, "origin", None) or "<input>"
    problem = getattr(result, "problem", None) or str(result)
    return {
        "kind": "failure",
        "article_id": content_hash(article.text) if isinstance(article, ArticleInput) else None,
        "record_id": article.id if isinstance(article, ArticleInput) else None,
        "origin": where,
        "pipeline_version": version,
        "n_events": 0,
        "record": None,
        "error": problem,
    }
