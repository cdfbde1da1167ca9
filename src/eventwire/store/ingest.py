"""Ingest: articles → pipeline → store, in batches, idempotent and resumable.

Each batch of articles is written in **one transaction** (articles, their
child rows, LSH bands, duplicate links, failures and the run's counters), so
a killed ingest loses at most the batch in flight and a re-run skips every
article already stored with the same content hash and pipeline version.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Any, Protocol

import duckdb
import pyarrow as pa

from ..errors import InputError
from ..read import ArticleInput
from ..record import ArticleRecord, Segment
from . import dedup
from .db import Store, rollback, write_error
from .rows import content_hash, record_rows
from .schema import CHILD_TABLES, TABLES, arrow_schema


class PipelineLike(Protocol):
    @property
    def version(self) -> str: ...

    def process(self, articles: Iterable[ArticleInput]) -> Iterator[Any]: ...


@dataclass
class IngestStats:
    run_id: int = 0
    read: int = 0
    stored: int = 0
    recoded: int = 0
    skipped: int = 0
    stale: int = 0
    duplicates: int = 0
    failed: int = 0
    events: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass
class FailureRow:
    location: str
    error: str


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def start_run(store: Store, pipeline_version: str, inputs: list[str]) -> int:
    """Open an ingest run (and mark runs left 'running' by a killed process)."""
    con = store.con
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("UPDATE ingest_runs SET status = 'interrupted' WHERE status = 'running'")
        run_id = int(store.scalar("SELECT coalesce(max(run_id), 0) + 1 FROM ingest_runs"))
        con.execute(
            "INSERT INTO ingest_runs VALUES (?, ?, NULL, 'running', ?, ?, 0, 0, 0, 0, 0)",
            [run_id, _now(), pipeline_version, json.dumps(inputs, ensure_ascii=False)],
        )
        con.execute("COMMIT")
    except BaseException:
        rollback(con)
        raise
    return run_id


def finish_run(store: Store, run_id: int, status: str = "done") -> None:
    store.execute(
        "UPDATE ingest_runs SET status = ?, finished_at = ? WHERE run_id = ?",
        [status, _now(), run_id],
    )


def _insert(store: Store, table: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    tbl = pa.Table.from_pylist(rows, schema=arrow_schema(table))
    name = f"_batch_{table}"
    store.con.register(name, tbl)
    try:
        store.con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {name}")
    finally:
        store.con.unregister(name)


def stored_inputs(store: Store, pipeline_version: str, batch: int = 256) -> Iterator[ArticleInput]:
    """Stored articles coded by another pipeline version, as inputs to re-code."""
    ids = [
        r[0]
        for r in store.execute(
            "SELECT id FROM articles WHERE pipeline_version IS DISTINCT FROM ? ORDER BY run_id, id",
            [pipeline_version],
        ).fetchall()
    ]
    for i in range(0, len(ids), batch):
        chunk = ids[i : i + batch]
        rows = store.execute(
            "SELECT id, record_id, text, date, title, url, source, language, origin "
            "FROM articles WHERE id IN (SELECT unnest(?::VARCHAR[]))",
            [chunk],
        ).fetchall()
        segs: dict[str, list[Segment]] = {}
        for aid, kind, s, e in store.execute(
            "SELECT article_id, kind, span_start, span_end FROM segments "
            "WHERE article_id IN (SELECT unnest(?::VARCHAR[])) AND kind = 'boilerplate' "
            "ORDER BY article_id, idx",
            [chunk],
        ).fetchall():
            segs.setdefault(aid, []).append(Segment(span=(s, e), kind=kind))
        by_id = {r[0]: r for r in rows}
        for aid in chunk:
            r = by_id.get(aid)
            if r is None:
                continue
            yield ArticleInput(
                text=r[2],
                id=r[1] or aid,
                date=r[3],
                title=r[4],
                url=r[5],
                source=r[6],
                language=r[7],
                origin=r[8] or f"store:{aid}",
                segments=segs.get(aid, []),
            )


def ingest(
    store: Store,
    pipeline: PipelineLike,
    items: Iterable[ArticleInput | InputError],
    *,
    inputs: list[str] | None = None,
    batch_size: int = 64,
    recode: bool = False,
    dedup_threshold: float | None = dedup.DEFAULT_THRESHOLD,
    on_batch: Callable[[IngestStats], None] | None = None,
    on_failure: Callable[[FailureRow], None] | None = None,
    on_record: Callable[[ArticleRecord], None] | None = None,
) -> IngestStats:
    """Process and store ``items``; returns the counts of this run.

    A failed write (disk full, read-only file) raises :class:`~eventwire.store.StoreError`
    with a message for a person; every batch committed before it is kept, and running
    the same ingest again resumes.
    """
    try:
        return _ingest(store, pipeline, items, inputs, batch_size, recode, dedup_threshold,
                       on_batch, on_failure, on_record)  # fmt: skip
    except duckdb.Error as exc:
        raise write_error(store.path, exc) from None


def _ingest(
    store: Store,
    pipeline: PipelineLike,
    items: Iterable[ArticleInput | InputError],
    inputs: list[str] | None,
    batch_size: int,
    recode: bool,
    dedup_threshold: float | None,
    on_batch: Callable[[IngestStats], None] | None,
    on_failure: Callable[[FailureRow], None] | None,
    on_record: Callable[[ArticleRecord], None] | None,
) -> IngestStats:
    version = pipeline.version
    stats = IngestStats(run_id=start_run(store, version, inputs or []))
    batch: list[ArticleInput] = []
    errors: list[FailureRow] = []
    try:
        for item in items:
            if isinstance(item, InputError):
                errors.append(FailureRow(item.where, item.problem))
                stats.read += 1
                continue
            stats.read += 1
            batch.append(item)
            if len(batch) >= batch_size:
                _run_batch(store, pipeline, version, batch, errors, stats, recode,
                           dedup_threshold, on_failure, on_record)  # fmt: skip
                batch, errors = [], []
                if on_batch:
                    on_batch(stats)
        if batch or errors:
            _run_batch(store, pipeline, version, batch, errors, stats, recode,
                       dedup_threshold, on_failure, on_record)  # fmt: skip
            if on_batch:
                on_batch(stats)
    except BaseException:
        with contextlib.suppress(Exception):
            finish_run(store, stats.run_id, "interrupted")
        raise
    finish_run(store, stats.run_id, "done")
    return stats


def _run_batch(
    store: Store,
    pipeline: PipelineLike,
    version: str,
    batch: list[ArticleInput],
    errors: list[FailureRow],
    stats: IngestStats,
    recode: bool,
    dedup_threshold: float | None,
    on_failure: Callable[[FailureRow], None] | None,
    on_record: Callable[[ArticleRecord], None] | None = None,
) -> None:
    con = store.con
    hashes = [content_hash(a.text) for a in batch]
    existing: dict[str, str | None] = {}
    if hashes:
        existing = dict(
            store.execute(
                "SELECT id, pipeline_version FROM articles WHERE id IN (SELECT unnest(?::VARCHAR[]))",
                [hashes],
            ).fetchall()
        )
    todo: list[tuple[str, ArticleInput]] = []
    replace: list[str] = []
    # texts of earlier batches are in the store already: only this batch needs a set
    seen: set[str] = set()
    for aid, art in zip(hashes, batch, strict=True):
        if aid in seen:
            stats.skipped += 1  # the same text twice in this batch
            continue
        seen.add(aid)
        if aid in existing:
            if existing[aid] == version:
                stats.skipped += 1
                continue
            if not recode:
                stats.stale += 1
                continue
            replace.append(aid)
        todo.append((aid, art))

    now = _now()
    tables: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES if t != "ingest_runs"}
    stored_ids: list[str] = []
    texts: dict[str, str] = {}
    stored_records: list[ArticleRecord] = []
    n_events = 0
    results = pipeline.process([a for _, a in todo]) if todo else iter(())
    for (aid, art), res in zip(todo, results, strict=True):
        if not isinstance(res, ArticleRecord):
            problem = getattr(res, "problem", str(res))
            errors.append(FailureRow(getattr(res, "where", art.origin), problem))
            continue
        rows = record_rows(
            res, aid, origin=art.origin, pipeline_version=version, run_id=stats.run_id, now=now
        )
        for t, rs in rows.items():
            tables[t].extend(rs)
        if dedup_threshold is not None:
            tables["article_bands"].extend(
                {"article_id": aid, "band": b, "bucket": k}
                for b, k in dedup.bands_for_text(res.text)
            )
        stored_ids.append(aid)
        texts[aid] = res.text
        n_events += len(res.events)
        stored_records.append(res)
    tables["failures"] = [
        {"run_id": stats.run_id, "location": f.location, "error": f.error, "failed_at": now}
        for f in errors
    ]

    con.execute("BEGIN TRANSACTION")
    try:
        # a re-coded article keeps its text, hence its duplicate link
        prior: dict[str, tuple[str | None, float | None]] = {}
        if replace:
            for aid, dup, sim in con.execute(
                "SELECT id, duplicate_of, similarity FROM articles "
                "WHERE id IN (SELECT unnest(?::VARCHAR[]))",
                [replace],
            ).fetchall():
                prior[aid] = (dup, sim)
            for t in CHILD_TABLES:
                con.execute(
                    f"DELETE FROM {t} WHERE article_id IN (SELECT unnest(?::VARCHAR[]))", [replace]
                )
            con.execute("DELETE FROM articles WHERE id IN (SELECT unnest(?::VARCHAR[]))", [replace])
        for t, rs in tables.items():
            _insert(store, t, rs)
        fresh = [a for a in stored_ids if a not in prior]
        n_dups = _link_duplicates(store, fresh, texts, dedup_threshold) if fresh else 0
        for aid in stored_ids:
            dup, sim = prior.get(aid, (None, None))
            if dup is not None:
                con.execute(
                    "UPDATE articles SET duplicate_of = ?, similarity = ? WHERE id = ?",
                    [dup, sim, aid],
                )
        n_recoded = len([a for a in stored_ids if a in prior])
        con.execute(
            "UPDATE ingest_runs SET n_read = ?, n_stored = n_stored + ?, n_skipped = ?, "
            "n_failed = n_failed + ?, n_events = n_events + ? WHERE run_id = ?",
            [stats.read, len(stored_ids), stats.skipped + stats.stale, len(errors), n_events,
             stats.run_id],
        )  # fmt: skip
        con.execute("COMMIT")
    except BaseException:
        rollback(con)
        raise
    stats.stored += len(stored_ids) - n_recoded
    stats.recoded += n_recoded
    stats.failed += len(errors)
    stats.events += n_events
    stats.duplicates += n_dups
    if on_failure:
        for f in errors:
            on_failure(f)
    if on_record:
        for rec in stored_records:
            on_record(rec)


def _link_duplicates(
    store: Store, new_ids: list[str], texts: dict[str, str], threshold: float | None
) -> int:
    """Set ``duplicate_of`` on new articles that copy an earlier one; returns how many."""
    if threshold is None:
        return 0
    pairs = store.execute(
        "SELECT DISTINCT n.article_id, o.article_id FROM article_bands n "
        "JOIN article_bands o ON n.band = o.band AND n.bucket = o.bucket "
        "WHERE n.article_id IN (SELECT unnest(?::VARCHAR[])) AND o.article_id <> n.article_id",
        [new_ids],
    ).fetchall()
    if not pairs:
        return 0
    candidates: dict[str, list[str]] = {}
    for n, o in pairs:
        candidates.setdefault(n, []).append(o)
    others = sorted({o for _, o in pairs if o not in texts})
    roots: dict[str, str | None] = {}
    all_texts = dict(texts)
    if others:
        for aid, text, dup in store.execute(
            "SELECT id, text, duplicate_of FROM articles WHERE id IN (SELECT unnest(?::VARCHAR[]))",
            [others],
        ).fetchall():
            all_texts[aid] = text
            roots[aid] = dup
    links = dedup.pick_canonical(new_ids, candidates, all_texts, roots, threshold)
    for aid, (root, sim) in links.items():
        store.execute(
            "UPDATE articles SET duplicate_of = ?, similarity = ? WHERE id = ?", [root, sim, aid]
        )
    return len(links)
