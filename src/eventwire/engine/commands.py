"""CLI pieces of the engines: ``ingest --engine ray`` and the ``load`` command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from ..errors import EventwireError
from ..store.db import DEFAULT_DB

err = Console(stderr=True, highlight=False)


def _fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    return typer.Exit(code)


def load_into_store(
    root: Path, db: Path, *, batch_size: int = 64, wait: float = 0.0, cluster: bool = True
) -> None:
    """Store the Ray engine's Parquet output under ``root`` in the DuckDB store ``db``."""
    from ..store import Store
    from ..store.cluster import cluster_store
    from ..store.ingest import ingest
    from .load import RecordReplay, check_output, items, versions

    try:
        check_output(root)
        found = versions(root) or [""]
        store = Store(db, wait=wait)
    except EventwireError as exc:
        raise _fail(str(exc)) from None
    stored = failed = events = skipped = 0
    try:
        for i, version in enumerate(found):
            stats = ingest(
                store,
                RecordReplay(version or "unknown"),
                items(root, version or None, failures=i == len(found) - 1),
                inputs=[str(root)],
                batch_size=batch_size,
            )
            stored += stats.stored
            failed += stats.failed
            events += stats.events
            skipped += stats.skipped + stats.stale
        if cluster and stored:
            cluster_store(store)
    except KeyboardInterrupt:
        store.close()
        err.print("interrupted: every batch committed so far is kept; run again to resume")
        raise typer.Exit(130) from None
    finally:
        store.close()
    err.print(
        escape(
            f"loaded {root}: {stored:,} stored, {skipped:,} already stored, {failed:,} "
            f"failure(s), {events:,} event mention(s) → {db}"
        ),
        soft_wrap=True,
    )


def ingest_with_ray(
    paths: list[str],
    *,
    db: Path,
    output: str | None,
    address: str | None,
    model: str | None,
    batch_size: int,
    workers: int | None,
    date: str | None,
    wait: float,
    cluster: bool = True,
    max_chars: int | None = None,
) -> None:
    """``eventwire ingest --engine ray``: code on Ray, write Parquet, load a local output."""
    from ..pipeline import DEFAULT_MAX_CHARS, PipelineConfig
    from ..read import parse_date
    from .ray_engine import run

    if not paths:
        raise _fail("--engine ray needs PATH(s) (files, directories or s3:// URIs)")
    try:
        pub = parse_date(date) if date else None
    except ValueError as exc:
        raise _fail(f"--date: {exc}") from None
    out = output or str(Path(db).with_suffix(".parquet.d"))
    try:
        stats = run(
            paths,
            out,
            config=PipelineConfig(
                model=model,
                batch_size=min(batch_size, 64),
                max_chars=max_chars or DEFAULT_MAX_CHARS,
            ),
            address=address,
            actors=workers,
            batch_size=min(batch_size, 64),
            default_date=pub,
            progress=err.is_terminal,
        )
    except EventwireError as exc:
        raise _fail(str(exc)) from None
    err.print(
        escape(
            f"ray: {stats.articles:,} article(s), {stats.records:,} record(s), "
            f"{stats.failures:,} failure(s), {stats.events:,} event mention(s) with "
            f"{stats.actors} actor(s) in {stats.seconds:.1f} s → {out}"
        ),
        soft_wrap=True,
    )
    if "://" in out:
        err.print(f"load it into a store with: eventwire load {out} --db PATH (from a copy)")
        return
    load_into_store(Path(out), db, wait=wait, cluster=cluster)


def load_cmd(
    output: Annotated[
        Path, typer.Argument(help="The Parquet output of `ingest --engine ray` (records/ ...).")
    ],
    db: Annotated[Path, typer.Option("--db", help="The store (a DuckDB file).")] = Path(DEFAULT_DB),
    batch_size: Annotated[int, typer.Option(min=1, help="Records per transaction.")] = 64,
    wait: Annotated[
        float, typer.Option(min=0.0, help="Seconds to wait for another writer to finish.")
    ] = 0.0,
    cluster: Annotated[
        bool, typer.Option("--cluster/--no-cluster", help="Recompute story clusters at the end.")
    ] = True,
) -> None:
    """Load records coded by the Ray engine (Parquet) into the store."""
    load_into_store(output, db, batch_size=batch_size, wait=wait, cluster=cluster)


def register(app: typer.Typer) -> None:
    app.command("load")(load_cmd)
