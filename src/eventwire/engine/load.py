"""``eventwire load``: bring the Parquet output of the Ray engine into a DuckDB store.

The records are stored by the same :func:`eventwire.store.ingest` as a local ingest
(content-hash ids, one transaction per batch, near-duplicate links, failures), with a
"pipeline" that hands back the record coded on the cluster instead of running NLP;
so loading is idempotent and resumable like an ingest, and a store loaded from Ray
output holds the same rows as one ingested locally.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from ..errors import EventwireError, InputError
from ..read import ArticleInput
from ..record import ArticleRecord

_ATTR = "_eventwire_record"


class RecordReplay:
    """A ``PipelineLike`` whose "processing" returns the record attached to each article."""

    def __init__(self, version: str) -> None:
        self._version = version

    @property
    def version(self) -> str:
        return self._version

    def process(self, articles: Iterable[ArticleInput]) -> Iterator[Any]:
        for a in articles:
            yield getattr(a, _ATTR)


def _files(root: Path, part: str) -> list[Path]:
    d = root / part
    return sorted(d.rglob("*.parquet")) if d.is_dir() else []


def versions(root: Path) -> list[str]:
    """Pipeline versions found in the ``records`` partitions, in order of appearance."""
    seen: dict[str, None] = {}
    for f in _files(root, "records"):
        for v in pq.read_table(f, columns=["pipeline_version"]).column(0).to_pylist():
            seen.setdefault(v, None)
    return list(seen)


def items(root: Path, version: str | None, *, failures: bool) -> Iterator[Any]:
    """Articles carrying their records (of one version), then the failures as InputErrors."""
    for f in _files(root, "records"):
        pf = pq.ParquetFile(f)
        for batch in pf.iter_batches(batch_size=256):
            for r in batch.to_pylist():
                if r["kind"] != "record" or (version and r["pipeline_version"] != version):
                    continue
                rec = ArticleRecord.model_validate_json(r["record"])
                art = ArticleInput(
                    text=rec.text,
                    id=rec.id,
                    date=dt.date.fromisoformat(rec.date) if rec.date else None,
                    title=rec.title,
                    url=rec.url,
                    source=rec.source,
                    language=rec.language,
                    origin=r["origin"] or f"{f}",
                )
                setattr(art, _ATTR, rec)
                yield art
    if failures:
        for f in _files(root, "failures"):
            for r in pq.read_table(f).to_pylist():
                yield InputError(r["origin"] or str(f), r["error"] or "failed")


def check_output(root: Path) -> None:
    if not (root / "records").is_dir() and not (root / "failures").is_dir():
        raise EventwireError(
            f"{root}: no records/ or failures/ Parquet partitions here "
            "(the output of `eventwire ingest --engine ray -o DIR`)"
        )
