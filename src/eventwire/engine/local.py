"""Local parallelism: worker processes that each load the pipeline once.

:class:`ParallelPipeline` has the same interface as :class:`~eventwire.pipeline.Pipeline`
for processing (``version`` and ``process``), so the ``extract`` and ``ingest`` commands
use either one unchanged:

* every worker process builds ``Pipeline(config)`` once, when it starts, and then
  processes chunks of articles sent to it over its own pipe (a worker killed in the
  middle of a message can only damage its own pipe);
* the parent alone tracks which worker owns which chunk; every chunk is queued, owned
  or done, and the scheduling loop reads ahead again after each yield before it waits
  (see ``_run`` and docs/reliability.md: the loop used to check for work before
  reading ahead, and failed when a whole window finished at once under CPU load);
* records come back **in input order**; at most ``max_in_flight`` chunks are read
  ahead of the one being written (memory stays bounded whatever the input size);
* the caller stays the only writer (of stdout or of the DuckDB store);
* a worker that dies (killed, out of memory, a crash in native code) is replaced by a
  fresh one and its chunk is retried once; if the chunk kills a worker again, each
  of its articles becomes a :class:`~eventwire.pipeline.Failure`; a worker that dies
  while loading the pipeline is replaced (up to ``MAX_LOAD_DEATHS`` times per worker);
* Ctrl-C: workers ignore SIGINT, the caller gets ``KeyboardInterrupt`` and the
  workers are stopped (``close``, also on leaving a ``with`` block);
* a ``process()`` generator closed before its end stops the workers, unless a later
  ``process()`` run has started since (then the workers are that run's); chunks carry
  their run's number, so a late result of an abandoned run is dropped, never taken
  for a chunk of the current run;
* an input of at most one chunk runs in-process (no worker start-up cost for one
  article).

Errors logged by a worker's pipeline (a stage failing on one article) are forwarded to
the caller's ``logging`` as if logged there, without the traceback object.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import math
import multiprocessing as mp
import os
import signal
import traceback
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from ..errors import EventwireError
from ..pipeline import Failure, Pipeline, PipelineConfig
from ..read import ArticleInput
from ..record import ArticleRecord

log = logging.getLogger(__name__)

#: Times a chunk is retried in a fresh worker after the worker processing it died.
RETRIES = 1
#: Worker exits while loading the pipeline tolerated per worker slot (killed, out of
#: memory) before a run gives up; a load that fails with an exception stops it at once.
MAX_LOAD_DEATHS = 3


def default_workers() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


# ---------------------------------------------------------------------- worker side


class _ForwardHandler(logging.Handler):
    """Collects a worker's log records (ERROR and above) to send them with the results."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            msg = record.getMessage()
        except Exception:
            msg = str(record.msg)
        if record.exc_info:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info))
        record.msg, record.args, record.exc_info = msg, None, None
        self.records.append(record)


def _worker_main(config: PipelineConfig, conn: Connection) -> None:
    """A worker: load the pipeline once, then process chunks until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    handler = _ForwardHandler()
    root = logging.getLogger("eventwire")
    root.addHandler(handler)
    root.propagate = False
    try:
        pipeline = Pipeline(config)
    except BaseException as exc:
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", pipeline.version))
    while True:
        try:
            msg = conn.recv()
        except EOFError:
            return
        if msg is None:
            return
        run, seq, articles = msg
        try:
            results: list[Any] = list(pipeline.process(articles))
        except Exception as exc:  # the pipeline keeps per-article errors; this is a last resort
            results = [
                Failure(a.origin, f"worker error ({type(exc).__name__}: {exc})") for a in articles
            ]
        logs, handler.records = handler.records, []
        conn.send(("done", run, seq, results, logs))


# ---------------------------------------------------------------------- parent side


@dataclass(eq=False)
class _Worker:
    process: Any  # multiprocessing.process.BaseProcess
    conn: Connection
    ready: bool = False
    busy: _Chunk | None = None
    gone: bool = False  # a send to it failed: it is dead, not yet replaced


@dataclass(eq=False)
class _Chunk:
    seq: int
    articles: list[ArticleInput]
    run: int = 0  # the process() run the chunk belongs to
    attempts: int = 0
    results: list[Any] | None = None
    lost_workers: list[str] = field(default_factory=list)


class ParallelPipeline:
    """A pipeline whose articles are processed by ``workers`` worker processes.

    >>> with ParallelPipeline(PipelineConfig(), workers=4) as pipe:    # doctest: +SKIP
    ...     for rec in pipe.process(articles): ...
    """

    def __init__(
        self,
        config: PipelineConfig | None = None,
        workers: int | None = None,
        *,
        chunk_size: int | None = None,
        max_in_flight: int | None = None,
        start_method: str = "spawn",
        in_process_small: bool = True,
        local: Pipeline | None = None,
    ) -> None:
        self.config = config or PipelineConfig()
        self.workers = max(1, workers or default_workers())
        #: articles sent to a worker at a time (default: the pipeline's batch size)
        self.chunk_size = max(1, chunk_size or self.config.batch_size)
        #: chunks read but not yet returned to the caller, at most
        self.max_in_flight = max(self.workers, max_in_flight or 2 * self.workers)
        self.in_process_small = in_process_small
        self._ctx: Any = mp.get_context(start_method)
        self._pool: list[_Worker] = []
        #: the in-process pipeline for small inputs (and the version), when one is loaded
        self._local: Pipeline | None = local
        self._version: str | None = None
        #: workers that died while processing, and chunks that failed for that reason
        self.worker_deaths = 0
        #: process() runs started, to tell the latest from abandoned ones
        self._runs = 0
        #: workers that exited before their pipeline was loaded
        self._load_deaths = 0

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> ParallelPipeline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self, *, timeout: float = 5.0) -> None:
        """Stop the workers (idle ones exit at once; busy ones are terminated)."""
        pool, self._pool = self._pool, []
        for w in pool:
            if w.busy is None and w.process.is_alive():
                with contextlib.suppress(OSError):
                    w.conn.send(None)
        for w in pool:
            w.process.join(timeout if w.busy is None else 0)
            if w.process.is_alive():
                w.process.terminate()
                w.process.join(timeout)
            if w.process.is_alive():
                w.process.kill()
                w.process.join()
            w.conn.close()

    def __del__(self) -> None:
        if self._pool:
            self.close(timeout=0.5)

    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe(duplex=True)
        proc = self._ctx.Process(
            target=_worker_main, args=(self.config, child), name="eventwire-worker", daemon=True
        )
        proc.start()
        child.close()
        return _Worker(proc, parent)

    def _start(self) -> None:
        while len(self._pool) < self.workers:
            self._pool.append(self._spawn())

    def _await_ready(self, worker: _Worker) -> None:
        """Wait for a worker's pipeline to load; raise if it cannot."""
        try:
            msg = worker.conn.recv()
        except EOFError:
            worker.process.join(1)
            raise EventwireError(
                f"a worker process exited while loading the pipeline "
                f"(exit code {worker.process.exitcode})"
            ) from None
        if msg[0] == "error":
            raise EventwireError(f"a worker could not load the pipeline: {msg[1]}")
        worker.ready = True
        self._version = msg[1]

    @property
    def version(self) -> str:
        """The pipeline version (the same in every worker)."""
        if self._version is None:
            if self._local is not None:
                self._version = self._local.version
            else:
                self._start()
                self._await_ready(self._pool[0])
        assert self._version is not None
        return self._version

    # ------------------------------------------------------------------ running
    def process(self, articles: Iterable[ArticleInput]) -> Iterator[ArticleRecord | Failure]:
        """Records (or Failures) for the articles, in input order."""
        size = self.chunk_size
        if isinstance(articles, list | tuple):
            # spread a known batch over the workers (a few chunks each, for balance)
            size = max(1, min(size, math.ceil(len(articles) / (2 * self.workers))))
        it = iter(articles)
        first = list(itertools.islice(it, size))
        if not first:
            return
        second = list(itertools.islice(it, size))
        if not second and not self._pool and self.in_process_small:
            if self._local is None:
                self._local = Pipeline(self.config)
            yield from self._local.process(first)
            return
        chunks = itertools.chain(
            [first, second] if second else [first],
            iter(lambda: list(itertools.islice(it, size)), []),
        )
        yield from self._run(chunks)

    def _run(self, chunks: Iterator[list[ArticleInput]]) -> Iterator[ArticleRecord | Failure]:
        """Hand the chunks to the workers and yield their results in input order.

        The parent alone knows who owns a chunk: every chunk of this run is, at any time,
        in exactly one of ``todo`` (read, waiting for a worker), a worker's ``busy`` (sent
        to it) or done (``results`` set), and stays in ``window`` until yielded. The loop
        reads ahead, hands out work and yields, and only then waits; it waits only when
        the oldest chunk is still queued or owned, so every wait has something to wait for.
        """
        self._runs += 1
        run = self._runs
        self._start()
        todo: deque[_Chunk] = deque()  # read, waiting for a worker (retries first)
        window: deque[_Chunk] = deque()  # every chunk not yet yielded, in input order
        seq = itertools.count()
        exhausted = False
        finished = False
        try:
            while True:
                # 1. read ahead, within the bound
                while not exhausted and len(window) < self.max_in_flight:
                    nxt = next(chunks, None)
                    if nxt is None:
                        exhausted = True
                    else:
                        chunk = _Chunk(next(seq), nxt, run=run)
                        window.append(chunk)
                        todo.append(chunk)
                # 2. hand out work
                for w in self._pool:
                    if w.ready and w.busy is None and not w.gone and todo:
                        chunk = todo[0]
                        try:
                            w.conn.send((chunk.run, chunk.seq, chunk.articles))
                        except OSError:  # died while idle: seen (and replaced) by _wait
                            w.gone = True
                            continue
                        todo.popleft()
                        chunk.attempts += 1
                        w.busy = chunk
                # 3. yield what is complete, in order; then read ahead again (the window
                # moved: the input may have more, or be found exhausted)
                if window and window[0].results is not None:
                    while window and window[0].results is not None:
                        yield from window.popleft().results or []
                    continue
                if not window:  # after step 1, an empty window means the input is exhausted
                    finished = True
                    return
                # 4. the oldest chunk is queued or owned by a worker: wait for one
                head = window[0]
                if head not in todo and not any(w.busy is head for w in self._pool):
                    raise EventwireError(  # pragma: no cover - would be a bug of this loop
                        f"internal error: chunk {head.seq} has no worker and no result"
                    )
                self._wait(todo, run)
        finally:
            if not finished and run == self._runs:
                # interrupted, or the caller stopped reading: busy workers hold stale
                # chunks, so stop them all (a later call starts fresh ones). Not when a
                # later run has started since: this generator was abandoned and is only
                # being finalised now (the garbage collector may do that in the middle
                # of the later run), and closing would stop that run's workers.
                self.close(timeout=1.0)

    def _wait(self, todo: deque[_Chunk], run: int) -> None:
        """Wait for a message or a dead worker; handle it."""
        by_conn = {w.conn: w for w in self._pool}
        by_sentinel = {w.process.sentinel: w for w in self._pool}
        ready = wait([*by_conn, *by_sentinel])
        dead: list[_Worker] = []
        for obj in ready:
            if obj in by_conn:
                w = by_conn[obj]
                try:
                    msg = w.conn.recv()
                except (EOFError, OSError):
                    dead.append(w)
                    continue
                if msg[0] == "ready":
                    w.ready = True
                    self._version = self._version or msg[1]
                elif msg[0] == "error":
                    raise EventwireError(f"a worker could not load the pipeline: {msg[1]}")
                else:
                    _, msg_run, msg_seq, results, logs = msg
                    chunk = w.busy
                    w.busy = None
                    if chunk is None or (chunk.run, chunk.seq) != (msg_run, msg_seq):
                        raise EventwireError(  # pragma: no cover - protocol bug
                            f"worker protocol error: result of chunk {msg_run}/{msg_seq} "
                            f"from a worker that owns {chunk and (chunk.run, chunk.seq)}"
                        )
                    if chunk.run != run:
                        continue  # a chunk of an abandoned run: dropped with its run
                    chunk.results = results
                    for rec in logs:
                        logging.getLogger(rec.name).handle(rec)
            else:
                w = by_sentinel[obj]
                if not w.conn.poll():  # a worker that sent its result first is read first
                    dead.append(w)
        for w in dict.fromkeys(dead):
            self._replace(w, todo, run)

    def _replace(self, w: _Worker, todo: deque[_Chunk], run: int) -> None:
        w.process.join(1)
        code = w.process.exitcode
        w.conn.close()
        self._pool.remove(w)
        chunk, w.busy = w.busy, None
        if not w.ready:
            # killed while loading the pipeline (a load that fails sends "error"):
            # replaced, unless workers keep dying before they are ready
            self._load_deaths += 1
            if self._load_deaths > MAX_LOAD_DEATHS * self.workers:
                raise EventwireError(
                    f"worker processes keep exiting while loading the pipeline "
                    f"({self._load_deaths} so far; last exit code {code})"
                )
        self.worker_deaths += 1
        self._pool.append(self._spawn())
        if chunk is None or chunk.run != run:
            return
        reason = f"worker process died (exit code {code})"
        chunk.lost_workers.append(reason)
        if chunk.attempts <= RETRIES:
            log.warning(
                "a worker died (exit code %s) on a chunk of %d article(s) starting at %s; "
                "retrying it in a fresh worker",
                code,
                len(chunk.articles),
                chunk.articles[0].origin,
            )
            todo.appendleft(chunk)
        else:
            chunk.results = [
                Failure(
                    a.origin,
                    f"{reason} while processing this article's batch, twice; "
                    f"the batch ({len(chunk.articles)} article(s)) was given up",
                )
                for a in chunk.articles
            ]


def make_pipeline(config: PipelineConfig, workers: int, **options: Any) -> Any:
    """A :class:`Pipeline` for ``workers == 1``, else a :class:`ParallelPipeline`."""
    if workers <= 1:
        return Pipeline(config)
    return ParallelPipeline(config, workers, **options)
