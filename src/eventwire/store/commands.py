"""CLI commands of the corpus store: ``ingest``, ``query``, ``sql``, ``export``, ``stats``,
``cluster``. :func:`register` adds them to the main Typer app."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import duckdb
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..errors import EventwireError, InputError
from ..record import ArticleRecord, dumps_line
from .db import (
    DEFAULT_DB,
    INGEST_MEMORY_LIMIT,
    Store,
    StoreError,
    set_memory_limit,
    write_error,
)
from .query import EVENT_COLUMNS, EventFilter, events_sql, stories_sql

err = Console(stderr=True, highlight=False)

#: Rows shown by ``--format table`` when no ``--limit`` is given.
TABLE_LIMIT = 50
#: Failures listed at the end of an ingest.
SHOW_FAILURES = 30

DbOpt = Annotated[Path, typer.Option("--db", help="The store (a DuckDB file).", show_default=True)]
TypeOpt = Annotated[
    list[str] | None, typer.Option("--type", "-t", help="PLOVER event type(s), e.g. ASSAULT.")
]
ActorCountryOpt = Annotated[
    list[str] | None, typer.Option("--actor-country", help="Actor country code(s), ISO alpha-3.")
]
TargetCountryOpt = Annotated[
    list[str] | None, typer.Option("--target-country", help="Target country code(s).")
]
ActorSectorOpt = Annotated[
    list[str] | None, typer.Option("--actor-sector", help="Actor sector code(s), e.g. MIL.")
]
NameOpt = Annotated[
    str | None, typer.Option("--name", help="Actor or target name/text contains this.")
]
SinceOpt = Annotated[
    str | None, typer.Option("--since", help="Event day on or after (YYYY-MM-DD).")
]
UntilOpt = Annotated[
    str | None, typer.Option("--until", help="Event day on or before (YYYY-MM-DD).")
]
CountryOpt = Annotated[
    list[str] | None, typer.Option("--country", help="Event location country code(s).")
]
LocationOpt = Annotated[
    str | None, typer.Option("--location", help="Event location name contains this.")
]
FactOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--factuality",
        help="asserted (default), negated, future, hypothetical, or 'any'.",
    ),
]
ConfOpt = Annotated[
    float | None, typer.Option("--min-confidence", min=0.0, max=1.0, help="Minimum confidence.")
]
TextOpt = Annotated[str | None, typer.Option("--text", help="Event sentence contains this.")]
DupOpt = Annotated[
    bool,
    typer.Option("--include-duplicates", help="Include events of near-duplicate copies."),
]
ClusterOpt = Annotated[int | None, typer.Option("--cluster", help="Events of this story cluster.")]
StoriesOpt = Annotated[
    bool,
    typer.Option(
        "--stories",
        help="One row per story (deduplicated across outlets) instead of per mention.",
    ),
]


def fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    return typer.Exit(code)


def make_pipeline(model: str | None, batch_size: int, max_chars: int | None = None) -> Any:
    """The pipeline ingest uses (tests replace this with a cheap one)."""
    from ..pipeline import DEFAULT_MAX_CHARS, Pipeline, PipelineConfig

    return Pipeline(
        PipelineConfig(model=model, batch_size=batch_size, max_chars=max_chars or DEFAULT_MAX_CHARS)
    )


def _day(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise fail(f"{option}: invalid date {value!r} (expected YYYY-MM-DD)") from None


def _filter(
    types: list[str] | None,
    actor_country: list[str] | None,
    target_country: list[str] | None,
    actor_sector: list[str] | None,
    name: str | None,
    since: str | None,
    until: str | None,
    country: list[str] | None,
    location: str | None,
    factuality: list[str] | None,
    min_confidence: float | None,
    text: str | None,
    include_duplicates: bool,
    cluster: int | None,
) -> EventFilter:
    def split(values: list[str] | None) -> list[str]:
        return [v for item in values or [] for v in item.split(",") if v.strip()]

    return EventFilter(
        types=split(types),
        actor_country=split(actor_country),
        target_country=split(target_country),
        actor_sector=split(actor_sector),
        name=name,
        since=_day(since, "--since"),
        until=_day(until, "--until"),
        country=split(country),
        location=location,
        factuality=split(factuality) or ["asserted"],
        min_confidence=min_confidence,
        text=text,
        include_duplicates=include_duplicates,
        cluster=cluster,
    )


def _open(db: Path, *, read_only: bool, wait: float = 0.0) -> Store:
    try:
        return Store(db, read_only=read_only, wait=wait)
    except EventwireError as exc:
        raise fail(str(exc)) from None


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.6g}"
    if isinstance(v, list | dict):
        return json.dumps(v, ensure_ascii=False, default=str)
    return str(v)


def _emit(
    cur: duckdb.DuckDBPyConnection, fmt: str, title: str, limit_note: int | None = None
) -> int:
    """Write a result set to stdout as a table, JSON Lines or CSV; returns the row count."""
    names = [d[0] for d in cur.description or []]
    n = 0

    def rows() -> Iterator[tuple[Any, ...]]:
        while True:
            chunk = cur.fetchmany(10_000)
            if not chunk:
                return
            yield from chunk

    try:
        if fmt == "jsonl":
            for r in rows():
                sys.stdout.write(dumps_line(dict(zip(names, r, strict=True)), default=str) + "\n")
                n += 1
        elif fmt == "csv":
            w = csv.writer(sys.stdout, lineterminator="\n")
            w.writerow(names)
            for r in rows():
                w.writerow([_cell(v) for v in r])
                n += 1
        else:
            table = Table(title=title, expand=False)
            for c in names:
                table.add_column(c, overflow="fold")
            for r in rows():
                table.add_row(*(escape(_cell(v)) for v in r))
                n += 1
            Console(width=200).print(table)
            if limit_note is not None and n >= limit_note:
                err.print(f"(first {n} rows; use --limit N or --format jsonl/csv for more)")
    except BrokenPipeError:
        sys.stderr.close()
        raise typer.Exit(0) from None
    return n


class _OneLineLog(logging.Handler):
    """Log records of ERROR and above as one warning line, without the traceback."""

    def __init__(self, console: Console) -> None:
        super().__init__(logging.ERROR)
        self.console = console

    def emit(self, record: logging.LogRecord) -> None:
        try:
            msg = record.getMessage()
        except Exception:
            msg = str(record.msg)
        self.console.print(f"[yellow]warning:[/] {escape(msg)}", soft_wrap=True)


def _close_quietly(store: Store) -> None:
    """Close after a failure already reported (closing may fail the same way)."""
    with contextlib.suppress(duckdb.Error):
        store.close()


def _check_fmt(fmt: str, allowed: tuple[str, ...]) -> None:
    if fmt not in allowed:
        raise fail(f"--format must be one of {', '.join(allowed)} (got {fmt!r})")


# ---------------------------------------------------------------------------- ingest


def ingest_cmd(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Files or directories (.txt .html .json .jsonl .csv, .gz); '-' for stdin."
        ),
    ] = None,
    db: DbOpt = Path(DEFAULT_DB),
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, help="Articles per batch and per transaction.")
    ] = 64,
    date: Annotated[
        str | None, typer.Option(help="Publication date for articles that give none.")
    ] = None,
    model: Annotated[str | None, typer.Option(help="spaCy model package.")] = None,
    recode: Annotated[
        bool,
        typer.Option(
            "--recode",
            help="Re-code articles stored by another pipeline version (all of them when no "
            "PATH is given).",
        ),
    ] = False,
    dedup: Annotated[
        bool, typer.Option("--dedup/--no-dedup", help="Link near-duplicate articles.")
    ] = True,
    threshold: Annotated[
        float,
        typer.Option(min=0.1, max=1.0, help="Shingle Jaccard similarity of a near-duplicate."),
    ] = 0.8,
    cluster: Annotated[
        bool, typer.Option("--cluster/--no-cluster", help="Recompute story clusters at the end.")
    ] = True,
    wait: Annotated[
        float, typer.Option(min=0.0, help="Seconds to wait for another writer to finish.")
    ] = 0.0,
    memory_limit: Annotated[
        str, typer.Option(help="DuckDB memory cap while writing batches (e.g. 64MB, 1GB).")
    ] = INGEST_MEMORY_LIMIT,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            help="Worker processes for the pipeline (default: the number of cores; 1 = in "
            "this process); this process stays the only writer of the store.",
        ),
    ] = None,
    engine: Annotated[
        str,
        typer.Option(
            "--engine", help="local (worker processes) or ray (a Ray cluster, docs/scale.md)."
        ),
    ] = "local",
    address: Annotated[
        str | None,
        typer.Option(
            "--address",
            help="--engine ray: the cluster (auto, ray://HOST:10001); default: a local Ray.",
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            help="--engine ray: directory or s3:// URI for the Parquet partitions (records, "
            "events, failures); a local one is then loaded into --db.",
        ),
    ] = None,
    max_chars: Annotated[
        int | None,
        typer.Option(
            "--max-chars",
            min=1,
            help="Analyse at most this many characters of an article (default 200,000); the "
            "store keeps the whole text and a warning.",
        ),
    ] = None,
) -> None:
    """Extract events from articles into the store (idempotent, resumable)."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from ..engine import ParallelPipeline, default_workers
    from ..pipeline import Pipeline

    if engine not in ("local", "ray"):
        raise fail(f"--engine must be 'local' or 'ray' (got {engine!r})")
    if engine == "ray":
        from ..engine.commands import ingest_with_ray

        ingest_with_ray(
            paths or [], db=db, output=output, address=address, model=model,
            batch_size=batch_size, workers=workers, date=date, wait=wait, cluster=cluster,
            max_chars=max_chars,
        )  # fmt: skip
        return

    from ..read import ArticleInput, parse_date, read_paths
    from .cluster import cluster_store, update_clusters
    from .ingest import FailureRow, IngestStats, ingest, stored_inputs

    if not paths and not recode:
        raise fail("give PATH(s) to ingest, or --recode to re-code the stored articles")
    pub = None
    if date is not None:
        try:
            pub = parse_date(date)
        except ValueError as exc:
            raise fail(f"--date: {exc}") from None
    try:
        pipeline = make_pipeline(model, min(batch_size, 64), max_chars)
    except EventwireError as exc:
        raise fail(str(exc)) from None
    n_workers = workers or default_workers()
    if n_workers > 1 and isinstance(pipeline, Pipeline):
        # worker processes run the pipeline; this one keeps its own for the version and
        # for single articles, and stays the only writer of the store
        pipeline = ParallelPipeline(pipeline.config, n_workers, local=pipeline)
    store = _open(db, read_only=False, wait=wait)
    try:
        set_memory_limit(store.con, memory_limit)
    except StoreError as exc:
        store.close()
        raise fail(f"--memory-limit: {exc}") from None
    failures: list[FailureRow] = []
    n_warnings = 0
    printed: set[str] = set()  # reader warnings already shown, until their record is stored
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )

    def items() -> Iterator[ArticleInput | InputError]:
        nonlocal n_warnings
        if paths:
            for item in read_paths(paths, default_date=pub):
                if isinstance(item, ArticleInput):
                    for w in item.warnings:
                        n_warnings += 1
                        printed.add(w)
                        progress.console.print(f"[yellow]warning:[/] {escape(w)}", soft_wrap=True)
                yield item
        else:
            yield from stored_inputs(store, pipeline.version)

    started = dt.datetime.now()

    def on_batch(s: IngestStats) -> None:
        secs = max(1e-6, (dt.datetime.now() - started).total_seconds())
        progress.update(
            task,
            description=(
                f"{s.read:,} read, {s.stored + s.recoded:,} stored, {s.skipped:,} skipped, "
                f"{s.failed:,} failed · {s.events:,} events ({s.events / secs:,.1f}/s, "
                f"{(s.stored + s.recoded) / secs:,.1f} articles/s)"
            ),
        )

    def on_record(rec: ArticleRecord) -> None:
        nonlocal n_warnings
        for w in rec.warnings:  # the pipeline's own: language, length, a failed stage
            if w in printed:
                printed.discard(w)
            else:
                n_warnings += 1
                progress.console.print(f"[yellow]warning:[/] {escape(w)}", soft_wrap=True)

    stats: IngestStats | None = None
    # the pipeline logs a stage failure with its traceback; here it becomes one line
    # (the record keeps the warning too), and diagnostics below ERROR are dropped
    handler = _OneLineLog(progress.console)
    logger = logging.getLogger("eventwire")
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with progress:
            task = progress.add_task("starting", total=None)
            stats = ingest(
                store,
                pipeline,
                items(),
                inputs=list(paths or ["<store: --recode>"]),
                batch_size=batch_size,
                recode=recode,
                dedup_threshold=threshold if dedup else None,
                on_batch=on_batch,
                on_failure=failures.append,
                on_record=on_record,
            )
            n_clusters = None
            if cluster and (stats.stored or stats.recoded):  # nothing new: clusters stand
                progress.update(task, description="clustering events into stories")
                set_memory_limit(store.con, None)
                if stats.recoded:  # replaced rows may break links: recompute everything
                    cluster_store(store)
                else:  # new articles join the stored stories
                    update_clusters(store)
                n_clusters = int(store.scalar("SELECT count(*) FROM clusters"))
    except KeyboardInterrupt:
        _close_quietly(store)
        err.print(
            "interrupted: every batch committed so far is kept; run the same command again "
            "to resume"
        )
        raise typer.Exit(130) from None
    except EventwireError as exc:
        _close_quietly(store)
        raise fail(str(exc)) from None
    except duckdb.Error as exc:  # e.g. the disk filled up while clustering
        _close_quietly(store)
        raise fail(str(write_error(db, exc))) from None
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
        if isinstance(pipeline, ParallelPipeline):
            pipeline.close()
    try:
        store.close()  # checkpoints the write-ahead log into the file
    except duckdb.Error as exc:
        raise fail(str(write_error(db, exc))) from None
    assert stats is not None
    secs = max(1e-6, (dt.datetime.now() - started).total_seconds())
    for f in failures[:SHOW_FAILURES]:
        err.print(f"[red]error:[/] {escape(f.location)}: {escape(f.error)}", soft_wrap=True)
    if len(failures) > SHOW_FAILURES:
        err.print(f"... and {len(failures) - SHOW_FAILURES} more failure(s)", soft_wrap=True)
    summary = (
        f"run {stats.run_id}: {stats.read:,} read, {stats.stored:,} stored, "
        f"{stats.recoded:,} re-coded, {stats.skipped:,} already stored, "
        f"{stats.duplicates:,} near-duplicate(s), {stats.failed:,} failed; "
        f"{stats.events:,} event mention(s) in {secs:.1f} s"
        + (f"; {n_clusters:,} story cluster(s)" if n_clusters is not None else "")
        + f" → {db}"
    )
    err.print(escape(summary), soft_wrap=True)
    if stats.stale:
        err.print(
            f"[yellow]note:[/] {stats.stale:,} article(s) are stored from another pipeline "
            "version and were left as they are; pass --recode to re-code them",
            soft_wrap=True,
        )
    if failures:
        err.print(
            f"{len(failures)} failure(s) recorded in table failures (run_id = {stats.run_id})",
            soft_wrap=True,
        )
    if stats.stored + stats.recoded + stats.skipped + stats.stale == 0 and stats.failed:
        raise typer.Exit(1)


# ---------------------------------------------------------------------------- query


def query_cmd(
    db: DbOpt = Path(DEFAULT_DB),
    types: TypeOpt = None,
    actor_country: ActorCountryOpt = None,
    target_country: TargetCountryOpt = None,
    actor_sector: ActorSectorOpt = None,
    name: NameOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    country: CountryOpt = None,
    location: LocationOpt = None,
    factuality: FactOpt = None,
    min_confidence: ConfOpt = None,
    text: TextOpt = None,
    include_duplicates: DupOpt = False,
    cluster: ClusterOpt = None,
    stories: StoriesOpt = False,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, jsonl or csv.")] = "table",
    limit: Annotated[int | None, typer.Option(min=0, help="At most this many rows.")] = None,
) -> None:
    """Find stored event mentions by type, actor, date, place, factuality, text."""
    _check_fmt(fmt, ("table", "jsonl", "csv"))
    flt = _filter(types, actor_country, target_country, actor_sector, name, since, until,
                  country, location, factuality, min_confidence, text, include_duplicates,
                  cluster)  # fmt: skip
    if fmt == "table" and limit is None:
        limit = TABLE_LIMIT
    cols = (
        (
            "article_id", "event_id", "type", "actor_name", "actor_country", "actor_sector",
            "target_name", "target_country", "day", "location_name", "factuality",
            "confidence", "trigger_text", "cluster_id",
        )
        if fmt == "table"
        else EVENT_COLUMNS
    )  # fmt: skip
    store = _open(db, read_only=True)
    try:
        if stories:
            sql, params = stories_sql(flt, limit=limit)
            if fmt == "table":
                sql = (
                    "SELECT story, type, first_day, last_day, n_mentions, n_articles, "
                    "n_sources, actor_name, target_name, location_name, trigger_text, "
                    f"len(mention_ids) AS n_ids FROM ({sql})"
                )
            title = "Stories"
        else:
            sql, params = events_sql(flt, cols, limit=limit)
            title = "Events"
        n = _emit(store.execute(sql, params), fmt, title, limit if fmt == "table" else None)
    except (StoreError, duckdb.Error) as exc:
        raise fail(str(exc).splitlines()[0]) from None
    finally:
        store.close()
    if fmt == "table":
        err.print(f"{n} stor{'y' if n == 1 else 'ies'}" if stories else f"{n} event mention(s)")


def sql_cmd(
    query: Annotated[str, typer.Argument(help="A read-only SQL statement, e.g. SELECT ...")],
    db: DbOpt = Path(DEFAULT_DB),
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, jsonl or csv.")] = "table",
) -> None:
    """Run SQL on the store over a read-only connection."""
    _check_fmt(fmt, ("table", "jsonl", "csv"))
    store = _open(db, read_only=True)
    try:
        cur = store.execute(query)
        if cur.description is None:
            return
        _emit(cur, fmt, "")
    except duckdb.Error as exc:
        raise fail(f"SQL: {str(exc).splitlines()[0]}") from None
    finally:
        store.close()


# ---------------------------------------------------------------------------- export


def export_cmd(
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write.")],
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="parquet, csv, jsonl, plover or gdelt.")
    ] = "jsonl",
    what: Annotated[str, typer.Option("--what", help="events, articles or quotes.")] = "events",
    db: DbOpt = Path(DEFAULT_DB),
    types: TypeOpt = None,
    actor_country: ActorCountryOpt = None,
    target_country: TargetCountryOpt = None,
    actor_sector: ActorSectorOpt = None,
    name: NameOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    country: CountryOpt = None,
    location: LocationOpt = None,
    factuality: FactOpt = None,
    min_confidence: ConfOpt = None,
    text: TextOpt = None,
    include_duplicates: DupOpt = False,
    cluster: ClusterOpt = None,
    stories: StoriesOpt = False,
) -> None:
    """Export events (filters as `query`), articles or quotes to a file."""
    from .export import FORMATS, WHATS, export

    _check_fmt(fmt, FORMATS)
    if what not in WHATS:
        raise fail(f"--what must be one of {', '.join(WHATS)} (got {what!r})")
    flt = _filter(types, actor_country, target_country, actor_sector, name, since, until,
                  country, location, factuality, min_confidence, text, include_duplicates,
                  cluster)  # fmt: skip
    flt.stories = stories
    store = _open(db, read_only=True)
    try:
        n = export(store.con, fmt, output, what=what, flt=flt)
    except EventwireError as exc:
        raise fail(str(exc)) from None
    except duckdb.Error as exc:
        raise fail(str(exc).splitlines()[0]) from None
    finally:
        store.close()
    what_rows = "story" if stories else what
    err.print(f"wrote {n:,} {what_rows} row(s) to {output} ({fmt})", soft_wrap=True)


# ---------------------------------------------------------------------------- stats


def stats_cmd(
    db: DbOpt = Path(DEFAULT_DB),
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Counts: articles, events by type/country/month, clusters, runs, failures."""
    from .stats import store_stats

    store = _open(db, read_only=True)
    try:
        figures = store_stats(store.con)
    finally:
        store.close()
    if as_json:
        print(json.dumps(figures, indent=2, ensure_ascii=False, default=str))
        return
    console = Console(width=160)
    head = Table(title=f"eventwire store — {db}")
    head.add_column("figure")
    head.add_column("value", justify="right")
    for k, v in figures.items():
        if not isinstance(v, dict | list):
            head.add_row(k, f"{v:,}")
    console.print(head)
    for key in ("by_type", "by_factuality", "by_actor_country", "by_location_country",
                "by_month", "pipeline_versions"):  # fmt: skip
        t = Table(title=key.replace("_", " "))
        t.add_column("key")
        t.add_column("events" if key != "pipeline_versions" else "articles", justify="right")
        for k, v in figures[key].items():
            t.add_row(escape(str(k)), f"{v:,}")
        console.print(t)
    if figures["runs"]:
        t = Table(title="latest ingest runs")
        for c in figures["runs"][0]:
            t.add_column(c)
        for r in figures["runs"]:
            t.add_row(*(escape(_cell(v)) for v in r.values()))
        console.print(t)
    if figures["recent_failures"]:
        t = Table(title="recent failures")
        for c in ("run_id", "location", "error"):
            t.add_column(c, overflow="fold")
        for r in figures["recent_failures"]:
            t.add_row(str(r["run_id"]), escape(r["location"]), escape(r["error"]))
        console.print(t)


def cluster_cmd(
    db: DbOpt = Path(DEFAULT_DB),
    days: Annotated[int, typer.Option(min=0, help="Date tolerance in days.")] = 1,
    km: Annotated[float, typer.Option(min=0.0, help="Distance tolerance in km.")] = 100.0,
    wait: Annotated[float, typer.Option(min=0.0, help="Seconds to wait for the lock.")] = 0.0,
) -> None:
    """Recompute cross-article story clusters of the stored events (ingest adds new
    articles to the stored stories incrementally; this recomputes them all)."""
    from .cluster import cluster_store

    store = _open(db, read_only=False, wait=wait)
    try:
        n = cluster_store(store, days=days, km=km)
        multi = store.scalar("SELECT count(*) FROM clusters WHERE n_articles > 1")
    finally:
        store.close()
    err.print(f"{n:,} cluster(s), {multi:,} spanning several articles")


def register(app: typer.Typer) -> None:
    """Add the store commands to ``app``."""
    app.command("ingest")(ingest_cmd)
    app.command("query")(query_cmd)
    app.command("sql")(sql_cmd)
    app.command("export")(export_cmd)
    app.command("stats")(stats_cmd)
    app.command("cluster")(cluster_cmd)
    from ..engine.commands import register as register_engine

    register_engine(app)  # load (the Ray engine's Parquet output)
