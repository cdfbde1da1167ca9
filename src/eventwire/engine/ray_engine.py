"""The Ray backend: the pipeline on a Ray cluster (or a local Ray) with Ray Data.

``run(inputs, output)`` reads JSON Lines / JSON / CSV / HTML / text files (each
through eventwire's own readers, so that records are the same as on one machine)
and Parquet files (columns ``text`` and optional ``id``, ``date``, ``title``,
``url``, ``source``, ``language``), runs the pipeline with ``Dataset.map_batches`` on
an actor pool (``ActorPoolStrategy``; each actor loads the pipeline once; actors are
restarted and their batches retried by Ray: ``max_restarts``, ``max_task_retries``),
and writes three sets of Parquet partitions under ``output`` (a directory or an
``s3://`` / ``gs://`` URI):

* ``records/``: one row per article (``RESULT_SCHEMA``), the record as JSON;
* ``events/``: flattened event rows, the columns of the store's ``events`` table;
* ``failures/``: unreadable inputs and articles without a record (``kind``, ``origin``,
  ``error``).

``eventwire load OUTPUT --db PATH`` brings ``records/`` and ``failures/`` into a DuckDB
store. The same code runs on a laptop (``ray.init()`` starts a local Ray) and on a
cluster (``address="auto"`` on a cluster node, or ``ray://HEAD:10001``).
Needs the ``eventwire[ray]`` extra (``ray[data]``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from ..errors import EventwireError, InputError
from ..pipeline import Failure, Pipeline, PipelineConfig
from ..read import ArticleInput
from ..read.files import READERS, _stem, iter_paths, read_bytes, record_to_article
from ..record import ArticleRecord
from .rows import ARTICLE_COLUMNS, RESULT_SCHEMA, article_row, result_row, row_article

#: Ray restarts a dead actor this many times, and retries its batch this many times.
MAX_RESTARTS = 3
MAX_TASK_RETRIES = 3

_ARTICLE_SCHEMA = pa.schema([(c, pa.string()) for c in ARTICLE_COLUMNS])


def _require_ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise EventwireError(
            f"--engine ray needs Ray Data: pip install 'eventwire[ray]' ({exc})"
        ) from None
    return ray


def _is_uri(path: str) -> bool:
    return "://" in path


# ---------------------------------------------------------------------- reading


def _read_files(batch: pa.Table, default_date: str | None) -> pa.Table:
    """Ray Data map_batches function: file bytes → article rows."""
    day = dt.date.fromisoformat(default_date) if default_date else None
    rows: list[dict[str, Any]] = []
    for data, path in zip(
        batch.column("bytes").to_pylist(), batch.column("path").to_pylist(), strict=True
    ):
        rows.extend(article_row(item) for item in read_bytes(data, path, day))
    return pa.Table.from_pylist(rows, schema=_ARTICLE_SCHEMA)


def _parquet_articles(batch: pa.Table, default_date: str | None) -> pa.Table:
    """Ray Data map_batches function: Parquet input rows → article rows."""
    day = dt.date.fromisoformat(default_date) if default_date else None
    rows: list[dict[str, Any]] = []
    for rec in batch.to_pylist():
        path = str(rec.pop("path", "<parquet>"))
        where = f"{path}#{rec.get('id')}" if rec.get("id") is not None else path
        if isinstance(rec.get("date"), dt.date):
            rec["date"] = rec["date"].isoformat()
        try:
            rows.append(article_row(record_to_article(rec, where, _stem(Path(path)), day)))
        except InputError as err:
            rows.append(article_row(err))
    return pa.Table.from_pylist(rows, schema=_ARTICLE_SCHEMA)


# ---------------------------------------------------------------------- the pipeline actor


class PipelineActor:
    """One per Ray actor: loads the pipeline once, then codes batches of article rows.

    An article the pipeline cannot code becomes a ``failure`` row; so does a batch
    whose processing raises (each of its articles), so that one bad record never fails
    the job.
    """

    def __init__(self, config: PipelineConfig) -> None:
        self.pipeline = Pipeline(config)
        self.version = self.pipeline.version

    def __call__(self, batch: pa.Table) -> pa.Table:
        items = [row_article(r) for r in batch.to_pylist()]
        articles = [a for a in items if isinstance(a, ArticleInput)]
        results: list[Any]
        try:
            results = list(self.pipeline.process(articles))
        except Exception as exc:
            results = [Failure(a.origin, f"pipeline error ({exc!r})") for a in articles]
        it = iter(results)
        out = [
            result_row(item, item if isinstance(item, InputError) else next(it), self.version)
            for item in items
        ]
        return pa.Table.from_pylist(out, schema=RESULT_SCHEMA)


def _event_rows(batch: pa.Table) -> pa.Table:
    """Flattened event rows (the store's ``events`` columns) of the records in a batch."""
    from ..store.rows import record_rows
    from ..store.schema import arrow_schema

    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows: list[dict[str, Any]] = []
    for r in batch.to_pylist():
        if r["kind"] != "record":
            continue
        rec = ArticleRecord.model_validate_json(r["record"])
        rows.extend(
            record_rows(
                rec,
                r["article_id"],
                origin=r["origin"] or "",
                pipeline_version=r["pipeline_version"],
                run_id=0,
                now=now,
            )["events"]
        )
    return pa.Table.from_pylist(rows, schema=arrow_schema("events"))


# ---------------------------------------------------------------------- the job


@dataclass
class RayStats:
    articles: int = 0
    records: int = 0
    failures: int = 0
    events: int = 0
    actors: int = 0
    seconds: float = 0.0


def run(
    inputs: list[str],
    output: str,
    *,
    config: PipelineConfig | None = None,
    address: str | None = None,
    actors: int | None = None,
    batch_size: int = 16,
    default_date: dt.date | None = None,
    init_args: dict[str, Any] | None = None,
    progress: bool = True,
) -> RayStats:
    """Code every article under ``inputs`` with Ray; write Parquet under ``output``."""
    import time

    ray = _require_ray()
    config = config or PipelineConfig()
    t0 = time.perf_counter()
    if not ray.is_initialized():
        try:
            ray.init(address=address, **(init_args or {}))
        except Exception as exc:  # ConnectionError, RuntimeError, ... from Ray
            where = f"the Ray cluster at {address}" if address else "a local Ray"
            raise EventwireError(f"could not start or reach {where}: {exc}") from None
    ctx = ray.data.DataContext.get_current()
    ctx.execution_options.preserve_order = True  # records in input order
    ctx.enable_progress_bars = progress
    n_actors = actors or max(1, int(ray.cluster_resources().get("CPU", 1)))
    date_arg = default_date.isoformat() if default_date else None

    # local inputs are expanded (and their errors reported) as by `extract`
    files: list[str] = []
    parquet: list[str] = []
    errors: list[dict[str, Any]] = []
    for raw in inputs:
        if _is_uri(raw):
            (parquet if ".parquet" in raw or raw.rstrip("/").endswith("parquet") else files).append(
                raw
            )
            continue
        if Path(raw).is_file() and raw.endswith(".parquet"):
            parquet.append(str(Path(raw).resolve()))
            continue
        if Path(raw).is_dir() and any(Path(raw).rglob("*.parquet")):
            parquet.extend(str(p.resolve()) for p in sorted(Path(raw).rglob("*.parquet")))
        for p in iter_paths([raw]):
            if isinstance(p, InputError):
                if not parquet or "no supported files" not in p.problem:
                    errors.append(article_row(p))
            else:
                files.append(str(p.resolve()))
    parts: list[Any] = []
    if errors:
        parts.append(ray.data.from_arrow(pa.Table.from_pylist(errors, schema=_ARTICLE_SCHEMA)))
    if files:
        exts = sorted({e.lstrip(".") for e in READERS} | {f"{e.lstrip('.')}.gz" for e in READERS})
        ds = ray.data.read_binary_files(
            files, include_paths=True, file_extensions=exts if any(map(_is_uri, files)) else None
        )
        parts.append(
            ds.map_batches(
                _read_files, fn_kwargs={"default_date": date_arg}, batch_format="pyarrow"
            )
        )
    if parquet:
        ds = ray.data.read_parquet(parquet, include_paths=True)
        parts.append(
            ds.map_batches(
                _parquet_articles, fn_kwargs={"default_date": date_arg}, batch_format="pyarrow"
            )
        )
    if not parts:
        raise EventwireError("no input to process")
    articles = parts[0] if len(parts) == 1 else parts[0].union(*parts[1:])
    results = articles.map_batches(
        PipelineActor,
        fn_constructor_args=(config,),
        batch_size=batch_size,
        batch_format="pyarrow",
        # grows from 1 to n_actors: a fixed pool of all the CPUs would leave none to the
        # read tasks that feed it (a deadlock on a small cluster)
        compute=ray.data.ActorPoolStrategy(min_size=1, max_size=n_actors),
        num_cpus=1,
        max_restarts=MAX_RESTARTS,
        max_task_retries=MAX_TASK_RETRIES,
    ).materialize()

    out = output.rstrip("/")
    results.filter(lambda r: r["kind"] == "record").write_parquet(f"{out}/records")
    results.filter(lambda r: r["kind"] == "failure").write_parquet(f"{out}/failures")
    results.map_batches(_event_rows, batch_format="pyarrow").write_parquet(f"{out}/events")

    counts = results.select_columns(["kind", "n_events"]).to_arrow_refs()
    stats = RayStats(actors=n_actors)
    for ref in counts:
        tbl = ray.get(ref)
        kinds = tbl.column("kind").to_pylist()
        stats.articles += len(kinds)
        stats.records += kinds.count("record")
        stats.failures += kinds.count("failure")
        stats.events += sum(tbl.column("n_events").to_pylist())
    stats.seconds = time.perf_counter() - t0
    return stats
