"""Faults of the DuckDB store under the real ``eventwire ingest`` command (in a subprocess,
with the fake pipeline of test_store.py): killed and interrupted runs resume to the
same content as a clean run; a full disk, a read-only file or directory and a second
writer each end with a clear one-line error and leave the store sound.

(The library-level kill test, ``test_store.test_resume_after_kill_matches_an_uninterrupted_run``,
kills ``ingest()`` itself; these go through the command, its error handling and its
exit codes.)"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from eventwire.store import Store
from test_store import FILLER, big_corpus, content

TESTS = Path(__file__).resolve().parent

#: Runs the ``eventwire`` command with the fake pipeline; FAKE_DELAY slows each article,
#: FAKE_PROGRESS prints "article" on stdout after each one.
RUNNER = f"""
import os, sys
sys.path.insert(0, {str(TESTS)!r})
from test_store import FakePipeline
from eventwire.store import commands

class Noisy(FakePipeline):
    def process(self, articles):
        for rec in super().process(articles):
            if os.environ.get("FAKE_PROGRESS"):
                print("article", flush=True)
            yield rec

commands.make_pipeline = lambda *a, **k: Noisy(delay=float(os.environ.get("FAKE_DELAY", "0")))
from eventwire.cli import main
sys.argv = ["eventwire", *sys.argv[1:]]
main()
"""


@pytest.fixture()
def runner(tmp_path: Path) -> Path:
    path = tmp_path / "run_eventwire.py"
    path.write_text(RUNNER, encoding="utf-8")
    return path


def write_feed(path: Path, n: int = 200, filler: int = 0) -> Path:
    """The corpus of test_store.big_corpus as JSON Lines (``filler`` pads each text)."""
    with path.open("w", encoding="utf-8") as f:
        for a in big_corpus(n):
            text = a.text + (" " + FILLER * filler if filler else "")
            f.write(json.dumps({"id": a.id, "date": str(a.date), "text": text}) + "\n")
    return path


def command(runner: Path, *args: str) -> list[str]:
    return [sys.executable, str(runner), *args]


def run(runner: Path, *args: str, env: dict[str, str] | None = None, **kw: Any) -> Any:
    return subprocess.run(
        command(runner, *args),
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        **kw,
    )


def clean_run(runner: Path, feed: Path, db: Path, *extra: str) -> list[tuple[Any, ...]]:
    r = run(runner, "ingest", str(feed), "--db", str(db), "--batch-size", "10", *extra)
    assert r.returncode == 0, r.stderr
    with Store(db, read_only=True) as s:
        return content(s)


def assert_sound(db: Path, batch: int = 10) -> int:
    """Whole batches only, each article with all its events; returns the article count."""
    with Store(db, read_only=True) as s:
        n = int(s.scalar("SELECT count(*) FROM articles"))
        assert n % batch == 0
        assert s.scalar("SELECT count(*) FROM events") == s.scalar(
            "SELECT coalesce(sum(n_events), 0) FROM articles"
        )
        assert (
            s.scalar(
                "SELECT count(*) FROM events WHERE article_id NOT IN (SELECT id FROM articles)"
            )
            == 0
        )
        return n


def no_traceback(stderr: str) -> None:
    assert "Traceback" not in stderr and "_duckdb" not in stderr, stderr


# ----------------------------------------------------------------------------- kill, Ctrl-C


def _start_and_stop(runner: Path, feed: Path, db: Path, sig: int, after: int) -> Any:
    proc = subprocess.Popen(
        command(runner, "ingest", str(feed), "--db", str(db), "--batch-size", "10"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "FAKE_PROGRESS": "1", "FAKE_DELAY": "0.01"},
    )
    assert proc.stdout is not None
    seen = 0
    for line in proc.stdout:
        seen += line.startswith("article")
        if seen >= after:
            break
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=60)
    return proc.returncode, stderr


def test_killed_ingest_command_resumes_to_a_clean_run(runner: Path, tmp_path: Path) -> None:
    feed = write_feed(tmp_path / "feed.jsonl")
    expected = clean_run(runner, feed, tmp_path / "clean.duckdb")
    db = tmp_path / "killed.duckdb"
    code, _ = _start_and_stop(runner, feed, db, signal.SIGKILL, after=45)
    assert code == -signal.SIGKILL
    partial = assert_sound(db)
    assert 40 <= partial < 200
    r = run(runner, "ingest", str(feed), "--db", str(db), "--batch-size", "10")
    assert r.returncode == 0, r.stderr
    assert f"{partial:,} already stored" in r.stderr
    with Store(db, read_only=True) as s:
        assert content(s) == expected
        runs = s.execute("SELECT status FROM ingest_runs ORDER BY run_id").fetchall()
    assert runs == [("interrupted",), ("done",)]


def test_interrupted_ingest_command_says_how_to_resume(runner: Path, tmp_path: Path) -> None:
    feed = write_feed(tmp_path / "feed.jsonl", n=100)
    db = tmp_path / "ctrl-c.duckdb"
    code, stderr = _start_and_stop(runner, feed, db, signal.SIGINT, after=25)
    assert code == 130, stderr
    assert "interrupted: every batch committed so far is kept" in " ".join(stderr.split())
    no_traceback(stderr)
    assert 20 <= assert_sound(db) < 100
    r = run(runner, "ingest", str(feed), "--db", str(db), "--batch-size", "10")
    assert r.returncode == 0, r.stderr
    with Store(db, read_only=True) as s:
        assert s.scalar("SELECT count(*) FROM articles") == 100


# ----------------------------------------------------------------------------- disk full


def _file_size_limit(limit: int) -> Any:
    def apply() -> None:  # in the child, before exec: writes past `limit` bytes fail (EFBIG)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.mark.parametrize("limit", [600_000, 1_500_000])
def test_full_disk_gives_a_clear_error_and_a_resumable_store(
    runner: Path, tmp_path: Path, limit: int
) -> None:
    # RLIMIT_FSIZE makes every write past `limit` bytes fail as a full disk does (the
    # store's file and its write-ahead log both grow); no root or tmpfs needed
    feed = write_feed(tmp_path / "feed.jsonl", n=300, filler=12)
    expected = clean_run(runner, feed, tmp_path / "clean.duckdb")
    db = tmp_path / "full.duckdb"
    r = run(
        runner, "ingest", str(feed), "--db", str(db), "--batch-size", "10",
        preexec_fn=_file_size_limit(limit),
    )  # fmt: skip
    assert r.returncode == 2, r.stderr
    message = " ".join(r.stderr.split())
    assert f"error: {db}: cannot write the store, the disk is full or the file too large" in message
    assert "every batch committed before is kept" in message
    no_traceback(r.stderr)
    stored = assert_sound(db)  # nothing half-written
    assert 0 < stored < 300
    r = run(runner, "ingest", str(feed), "--db", str(db), "--batch-size", "10")
    assert r.returncode == 0, r.stderr
    with Store(db, read_only=True) as s:
        assert content(s) == expected


# ----------------------------------------------------------------------------- read-only


def _without_root_override(cmd: list[str]) -> list[str]:
    """``cmd`` run so that file permissions bind it: as root, without the capabilities
    that bypass them (setpriv, util-linux)."""
    if os.geteuid() != 0:
        return cmd
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: file permissions do not bind root")
    drop = [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner"]
    if subprocess.run([*drop, "true"], capture_output=True).returncode != 0:
        pytest.skip("running as root and setpriv cannot drop capabilities here")
    return [*drop, *cmd]


def _run_bound(runner: Path, *args: str) -> Any:
    return subprocess.run(
        _without_root_override(command(runner, *args)), capture_output=True, text=True, timeout=120
    )


@pytest.fixture()
def filled(runner: Path, tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    feed = write_feed(tmp_path / "feed.jsonl", n=40)
    db = tmp_path / "store" / "s.duckdb"
    db.parent.mkdir()
    clean_run(runner, write_feed(tmp_path / "first.jsonl", n=20), db)
    yield feed, db
    db.parent.chmod(0o755)
    if db.exists():
        db.chmod(0o644)


def test_read_only_store_file(runner: Path, filled: tuple[Path, Path]) -> None:
    feed, db = filled
    db.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    before = db.read_bytes()
    r = _run_bound(runner, "ingest", str(feed), "--db", str(db))
    assert r.returncode == 2, r.stderr
    message = " ".join(r.stderr.split())
    assert f"error: {db}: cannot write the store, it is read-only" in message
    assert "Permission denied" in message
    no_traceback(r.stderr)
    assert db.read_bytes() == before
    # reading needs no write access
    r = _run_bound(
        runner, "sql", "--db", str(db), "SELECT count(*) AS n FROM articles", "-f", "csv"
    )
    assert r.returncode == 0 and r.stdout.split() == ["n", "20"], r.stderr
    r = _run_bound(runner, "stats", "--db", str(db), "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["articles"] == 20, r.stderr


def test_read_only_store_directory(runner: Path, filled: tuple[Path, Path]) -> None:
    # the file is writable, but DuckDB cannot create its write-ahead log beside it
    feed, db = filled
    db.parent.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP | stat.S_IXOTH)
    before = db.read_bytes()
    r = _run_bound(runner, "ingest", str(feed), "--db", str(db))
    assert r.returncode == 2, r.stderr
    message = " ".join(r.stderr.split())
    assert f"error: {db}: cannot write the store, it is read-only" in message
    assert "write access to the file and to its directory" in message
    no_traceback(r.stderr)
    db.parent.chmod(0o755)
    assert db.read_bytes() == before
    assert assert_sound(db) == 20


# ----------------------------------------------------------------------------- two writers


def _start(
    runner: Path, feed: Path, db: Path, *extra: str, delay: str = "0.005"
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        command(runner, "ingest", str(feed), "--db", str(db), "--batch-size", "10", *extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "FAKE_DELAY": delay, "FAKE_PROGRESS": "1"},
    )


def _writing(proc: subprocess.Popen[str]) -> None:
    """Wait until ``proc`` has coded an article: it holds the store's write lock."""
    assert proc.stdout is not None
    assert proc.stdout.readline().startswith("article")


def test_second_ingest_command_is_refused_while_one_writes(runner: Path, tmp_path: Path) -> None:
    feed = write_feed(tmp_path / "a.jsonl", n=120)
    other = write_feed(tmp_path / "b.jsonl", n=30)
    db = tmp_path / "race.duckdb"
    first = _start(runner, feed, db, delay="0.02")  # about 2.5 s of work
    try:
        _writing(first)
        t0 = time.monotonic()
        second = run(runner, "ingest", str(other), "--db", str(db))
        assert time.monotonic() - t0 < 30  # refused at once, not after the first finished
        assert first.poll() is None
    finally:
        _, first_err = first.communicate(timeout=120)
    assert first.returncode == 0, first_err
    assert second.returncode == 2, second.stderr
    message = " ".join(second.stderr.split())
    assert f"error: {db}: the store is in use by process {first.pid}" in message
    assert "--wait" in message
    no_traceback(second.stderr)
    assert assert_sound(db) == 120  # the first run is whole, the second wrote nothing


def test_second_ingest_command_with_wait_runs_after_the_first(runner: Path, tmp_path: Path) -> None:
    every = [
        json.loads(x) for x in write_feed(tmp_path / "all.jsonl", n=120).read_text().splitlines()
    ]
    feed_a, feed_b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    feed_a.write_text("".join(json.dumps(x) + "\n" for x in every[:60]), encoding="utf-8")
    feed_b.write_text("".join(json.dumps(x) + "\n" for x in every[60:]), encoding="utf-8")
    expected = clean_run(runner, tmp_path / "all.jsonl", tmp_path / "clean.duckdb")
    db = tmp_path / "queue.duckdb"
    first = _start(runner, feed_a, db, delay="0.02")
    try:
        _writing(first)
        second = _start(runner, feed_b, db, "--wait", "60")
        results = [(p.wait(timeout=120), p.communicate()[1]) for p in (first, second)]
    finally:
        first.kill()
    assert [code for code, _ in results] == [0, 0], results
    with Store(db, read_only=True) as s:
        assert sorted(content(s)) == sorted(expected)
        runs = s.execute("SELECT status, n_stored FROM ingest_runs ORDER BY run_id").fetchall()
    assert runs == [("done", 60), ("done", 60)]
