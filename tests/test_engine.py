"""Local parallelism (eventwire.engine.local): worker processes give the same records, in
input order, survive a worker that dies, and stop cleanly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from eventwire import cli
from eventwire.engine import ParallelPipeline
from eventwire.engine.faults import EXIT_CODE
from eventwire.pipeline import DEFAULT_STAGES, Failure, Pipeline, PipelineConfig
from eventwire.read import ArticleInput, read_paths
from eventwire.record import ArticleRecord

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "articles"


def _examples() -> list[ArticleInput]:
    return [a for a in read_paths([EXAMPLES]) if isinstance(a, ArticleInput)]


@pytest.fixture(scope="module")
def reference(pipeline: Pipeline) -> list[str]:
    """Records of the examples from the in-process pipeline (one worker)."""
    out = [r.to_json() for r in pipeline.process(_examples())]
    assert len(out) >= 8
    return out


@pytest.fixture(scope="module")
def pool() -> Iterator[ParallelPipeline]:
    """Two workers with the default configuration; chunks of 2 so that both take part."""
    with ParallelPipeline(PipelineConfig(), workers=2, chunk_size=2) as pp:
        yield pp


def _text(marker: str, n: int) -> ArticleInput:
    text = f"Police arrested {n} protesters in Nairobi on Monday, officials said. {marker}"
    return ArticleInput(text=text, id=f"art-{n}", origin=f"mem:{n}")


def test_two_workers_give_the_records_of_one_in_input_order(
    pool: ParallelPipeline, reference: list[str], pipeline: Pipeline
) -> None:
    arts = _examples()
    out = list(pool.process(iter(arts)))  # a stream: chunks of chunk_size
    assert all(isinstance(r, ArticleRecord) for r in out)
    assert [r.to_json() for r in out] == reference  # type: ignore[union-attr]
    assert [r.id for r in out] == [a.id for a in arts]  # type: ignore[union-attr]
    assert pool.version == pipeline.version
    # both workers are up, and a second call reuses them
    pids = sorted(w.process.pid for w in pool._pool)
    assert len(pids) == 2
    again = list(pool.process(arts[:5]))  # a list: spread over the workers
    assert [r.to_json() for r in again] == reference[:5]  # type: ignore[union-attr]
    assert sorted(w.process.pid for w in pool._pool) == pids


def test_bounded_read_ahead(pool: ParallelPipeline) -> None:
    """The input is consumed at most max_in_flight chunks ahead of the output."""
    read: list[int] = []

    def stream() -> Iterator[ArticleInput]:
        for i in range(40):
            read.append(i)
            yield _text("", i)

    gen = pool.process(stream())
    first = next(gen)
    assert isinstance(first, ArticleRecord) and first.id == "art-0"
    assert len(read) <= (pool.max_in_flight + 1) * pool.chunk_size
    rest = list(gen)
    assert [r.id for r in rest] == [f"art-{i}" for i in range(1, 40)]  # type: ignore[union-attr]


def test_stopping_early_stops_the_workers(pool: ParallelPipeline) -> None:
    gen = pool.process(_text("", i) for i in range(20))
    next(gen)
    procs = [w.process for w in pool._pool]
    gen.close()  # what Ctrl-C in the consumer does to the generator
    assert pool._pool == []
    assert all(not p.is_alive() for p in procs)
    # the next call starts fresh workers
    out = list(pool.process(_text("", i) for i in range(6)))
    assert [r.id for r in out] == [f"art-{i}" for i in range(6)]  # type: ignore[union-attr]


def _fault_config(**fault: Any) -> PipelineConfig:
    return PipelineConfig(
        stages=(*DEFAULT_STAGES, "engine.faults"), stage_config={"engine.faults": fault}
    )


def test_a_crashing_article_loses_no_other(pipeline: Pipeline, tmp_path: Path) -> None:
    arts = [_text("", 1), _text("CRASH-ME", 2), _text("", 3), _text("", 4)]
    expected = {r.id: r.to_json() for r in pipeline.process([_text("", i) for i in (1, 3, 4)])}  # type: ignore[union-attr]
    with ParallelPipeline(
        _fault_config(marker="CRASH-ME", action="exit"), workers=2, chunk_size=1
    ) as pp:
        out = list(pp.process(iter(arts)))
        assert pp.worker_deaths == 2  # the first try and the retry
        assert len(pp._pool) == 2  # replaced by fresh workers
    assert [getattr(r, "id", None) for r in out] == ["art-1", None, "art-3", "art-4"]
    failure = out[1]
    assert isinstance(failure, Failure) and failure.where == "mem:2"
    assert f"worker process died (exit code {EXIT_CODE})" in failure.problem
    assert {r.id: r.to_json() for r in out if isinstance(r, ArticleRecord)} == expected


def test_a_worker_death_is_retried_in_a_fresh_worker(tmp_path: Path) -> None:
    flag = tmp_path / "crashed-once"
    arts = [_text("", 1), _text("CRASH-ONCE", 2), _text("", 3)]
    with ParallelPipeline(
        _fault_config(marker="CRASH-ONCE", action="exit", once_file=str(flag)),
        workers=2,
        chunk_size=1,
    ) as pp:
        out = list(pp.process(arts))
        assert pp.worker_deaths == 1
    assert flag.exists()
    assert [r.id for r in out if isinstance(r, ArticleRecord)] == ["art-1", "art-2", "art-3"]


def test_extract_cli_workers_option(monkeypatch: pytest.MonkeyPatch, reference: list[str]) -> None:
    runner = CliRunner()
    r = runner.invoke(cli.app, ["extract", str(EXAMPLES), "--workers", "2", "--batch-size", "2"])
    assert r.exit_code == 0, r.output
    lines = [ln for ln in r.stdout.splitlines() if ln.strip()]
    assert [json.loads(ln) for ln in lines] == [json.loads(x) for x in reference]


def test_ingest_cli_workers_matches_in_process(tmp_path: Path, pipeline: Pipeline) -> None:
    from eventwire.store import Store, ingest

    one = tmp_path / "one.duckdb"
    with Store(one) as s:
        ingest(s, pipeline, read_paths([EXAMPLES]), batch_size=4)
    two = tmp_path / "two.duckdb"
    r = CliRunner().invoke(
        cli.app,
        ["ingest", str(EXAMPLES), "--db", str(two), "--workers", "2", "--batch-size", "4",
         "--no-cluster"],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    q = (
        "SELECT article_id, event_id, type, actor_name, target_name, day, factuality, "
        "trigger_text FROM events ORDER BY article_id, event_id"
    )
    with Store(one, read_only=True) as a, Store(two, read_only=True) as b:
        rows = a.execute(q).fetchall()
        assert rows and rows == b.execute(q).fetchall()
        assert a.scalar("SELECT count(*) FROM articles") == b.scalar(
            "SELECT count(*) FROM articles"
        )


def test_ctrl_c_stops_extract_and_its_workers(tmp_path: Path) -> None:
    """SIGINT to the process group (what a terminal's Ctrl-C does): all exit, none is left."""
    src = tmp_path / "many.jsonl"
    text = (EXAMPLES / "kenya-protests-2025-03-03.txt").read_text(encoding="utf-8")
    src.write_text(
        "".join(json.dumps({"id": f"k{i}", "text": text}) + "\n" for i in range(400)),
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "eventwire.cli", "extract", str(src), "-o", str(out),
         "--workers", "2", "--batch-size", "4"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (not out.exists() or out.stat().st_size == 0):
            time.sleep(0.2)
        assert out.exists() and out.stat().st_size > 0, "no record was written"
        children = _children(proc.pid)
        assert len(children) >= 2
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode != 0
    time.sleep(0.5)
    assert not [p for p in children if Path(f"/proc/{p}").exists() and _alive(p)]


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        pytest.skip("/proc/PID/task/PID/children is not available")
    return [int(x) for x in text.split()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_an_abandoned_run_does_not_stop_a_later_one(pool: ParallelPipeline) -> None:
    """A process() generator left unfinished and finalised later (as the garbage
    collector may do at any moment) must not stop the workers of a run started since."""
    old = pool.process(_text("", i) for i in range(10))
    next(old)
    new = pool.process(_text("", 100 + i) for i in range(12))
    first = next(new)
    old.close()  # what finalising the abandoned generator does
    rest = list(new)
    assert [r.id for r in [first, *rest]] == [f"art-{100 + i}" for i in range(12)]  # type: ignore[union-attr]


def test_the_oldest_chunk_finishing_last_loses_nothing() -> None:
    """The race seen under load: the worker on the oldest chunk is starved while the other
    finishes every later chunk of a full window; when the oldest returns, the whole window
    is yielded at once and the input, not yet read to its end, must still be read (it
    failed with 'a chunk has no worker and no result' and lost the rest)."""
    arts = [_text("SLOW-ME", 0), *[_text("", i) for i in range(1, 6)]]
    with ParallelPipeline(
        _fault_config(marker="SLOW-ME", action="sleep", seconds=2.0),
        workers=2,
        chunk_size=1,
        max_in_flight=2,
    ) as pp:
        out = list(pp.process(iter(arts)))
        again = list(pp.process(iter(arts)))  # the same pool, warm: the same result
    assert [r.id for r in out] == [a.id for a in arts]  # type: ignore[union-attr]
    assert [r.id for r in again] == [a.id for a in arts]  # type: ignore[union-attr]


def test_a_worker_killed_while_idle_is_replaced() -> None:
    """A ready, idle worker killed between runs: the next chunk sent to it fails to send;
    the chunk stays queued for another worker and the dead one is replaced."""
    with ParallelPipeline(PipelineConfig(), workers=2, chunk_size=1) as pp:
        first = list(pp.process(iter([_text("", i) for i in range(4)])))
        victim = pp._pool[0].process
        os.kill(victim.pid, signal.SIGKILL)
        victim.join(10)
        out = list(pp.process(iter([_text("", i) for i in range(6)])))
        assert pp.worker_deaths == 1 and len(pp._pool) == 2
    assert [r.id for r in first] == [f"art-{i}" for i in range(4)]  # type: ignore[union-attr]
    assert [r.id for r in out] == [f"art-{i}" for i in range(6)]  # type: ignore[union-attr]
