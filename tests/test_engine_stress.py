"""Stress tests of the worker pool (issue 17): ``--workers 2`` while busy-loop processes
load every core, and workers killed (SIGKILL) at random points of a run.

``make test`` runs a short version of each; ``make stress`` (``EVENTWIRE_STRESS=1
pytest -m stress``) the long one: 30 command-line runs under load, each compared with
``--workers 1``, and more kills. The random choices are seeded (``EVENTWIRE_STRESS_SEED``)
and printed, so that a failure reproduces; ``EVENTWIRE_STRESS_RUNS`` sets the number of
command-line runs.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from eventwire.engine import ParallelPipeline
from eventwire.pipeline import Failure, Pipeline, PipelineConfig
from eventwire.read import ArticleInput, read_paths
from eventwire.record import ArticleRecord

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "articles"
LONG = bool(os.environ.get("EVENTWIRE_STRESS"))
SEED = int(os.environ.get("EVENTWIRE_STRESS_SEED", "17"))
#: command-line runs under load (issue 17: 30 runs, zero failures)
CLI_RUNS = int(os.environ.get("EVENTWIRE_STRESS_RUNS", "30" if LONG else "1"))
#: busy-loop processes kept running during the runs
BUSY = 4

pytestmark = pytest.mark.stress


def _examples() -> list[ArticleInput]:
    return [a for a in read_paths([EXAMPLES]) if isinstance(a, ArticleInput)]


@pytest.fixture(scope="module")
def reference(pipeline: Pipeline) -> list[str]:
    """The examples' records from one process (``--workers 1``)."""
    return [r.to_json() for r in pipeline.process(_examples())]  # type: ignore[union-attr]


@contextmanager
def busy_loops(n: int, seconds: float) -> Iterator[None]:
    """``n`` processes that keep a core busy each, for at most ``seconds`` and never
    longer than this process (they stop when their parent is gone)."""
    code = (
        f"import os, time\nend = time.monotonic() + {seconds}\nparent = {os.getpid()}\n"
        "while time.monotonic() < end and os.getppid() == parent: pass"
    )
    procs = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(n)]
    try:
        yield
    finally:
        for p in procs:
            p.kill()
        for p in procs:
            p.wait()


def test_workers_under_load_match_one_process(reference: list[str]) -> None:
    """``extract --workers 2`` on the examples while busy loops hold the cores: every run
    succeeds and writes exactly the records of ``--workers 1``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    cmd = [sys.executable, "-m", "eventwire.cli", "extract", str(EXAMPLES), "--workers", "2",
           "--batch-size", "2"]  # fmt: skip
    failures: list[str] = []
    with busy_loops(BUSY, seconds=600 * CLI_RUNS):
        for i in range(CLI_RUNS):
            t0 = time.monotonic()
            r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
            lines = [ln for ln in r.stdout.splitlines() if ln.strip()]
            same = [json.loads(x) for x in lines] == [json.loads(x) for x in reference]
            print(f"run {i + 1}/{CLI_RUNS}: exit {r.returncode}, {len(lines)} record(s), "
                  f"{'same as' if same else 'DIFFERENT from'} --workers 1, "
                  f"{time.monotonic() - t0:.1f} s")  # fmt: skip
            if r.returncode != 0 or not same:
                failures.append(f"run {i + 1}: exit {r.returncode}: {r.stderr[-2000:]}")
    assert not failures, failures


def test_sigkill_at_random_points_loses_and_duplicates_nothing(reference: list[str]) -> None:
    """Workers are killed with SIGKILL at random moments of a run (while loading the
    pipeline, while busy, while idle, after sending a result): every article comes out
    exactly once, in input order, with the record one process gives.

    A chunk is retried once after its worker dies (a second death gives it up as an
    article that kills workers), so a worker is only killed while its chunk is on its
    first try."""
    rng = random.Random(SEED)
    rounds = 6 if LONG else 1
    base = _examples()
    expected = reference * 3
    arts = base * 3
    kills_total = 0
    for rnd in range(rounds):
        kills = 0
        max_kills = 8 if LONG else 3
        with ParallelPipeline(PipelineConfig(), workers=2, chunk_size=1) as pp:
            out: list[ArticleRecord | Failure] = []
            for rec in pp.process(iter(arts)):
                out.append(rec)
                if kills < max_kills and rng.random() < 0.3:
                    time.sleep(rng.random() * 0.3)  # the worker is somewhere in its chunk
                    victims = [
                        w
                        for w in pp._pool
                        if w.process.is_alive() and (w.busy is None or w.busy.attempts == 1)
                    ]
                    if victims:
                        os.kill(rng.choice(victims).process.pid, signal.SIGKILL)
                        kills += 1
            deaths = pp.worker_deaths
        print(f"round {rnd + 1}/{rounds} (seed {SEED}): {kills} worker(s) killed")
        kills_total += kills
        # a worker killed after the run's last result is not seen dying by the run
        assert deaths <= kills
        assert [getattr(r, "id", None) for r in out] == [a.id for a in arts]
        assert all(isinstance(r, ArticleRecord) for r in out), [
            str(r) for r in out if isinstance(r, Failure)
        ]
        assert [r.to_json() for r in out] == expected  # type: ignore[union-attr]
    assert kills_total > 0
