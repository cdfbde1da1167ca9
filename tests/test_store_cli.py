"""The store's commands (ingest, query, sql, export, stats, cluster) through typer's CliRunner,
with a fake pipeline (see test_store.py) so that every value is known."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import typer
from typer.testing import CliRunner

from eventwire.store import commands
from test_store import FakePipeline

ARTICLES = [
    {"id": "a1", "date": "2024-03-02", "source": "Reuters", "url": "https://r.example/1",
     "text": "[ASSAULT USA>IRQ 2024-03-02 asserted 0.9 @Baghdad,33.34,44.40,IRQ] Strike."},
    {"id": "a2", "date": "2024-03-02", "source": "AP",
     "text": "[ASSAULT USA>IRQ 2024-03-02 asserted 0.7 @Baghdad,33.34,44.40,IRQ] Attack."},
    {"id": "a3", "date": "2024-03-05",
     "text": "[PROTEST ->UKR 2024-03-05 negated 0.5] No protest. \"We stay\", said Ivan."},
]  # fmt: skip


def _app() -> typer.Typer:
    app = typer.Typer(pretty_exceptions_enable=False)
    commands.register(app)
    return app


@pytest.fixture()
def pipe() -> FakePipeline:
    return FakePipeline()


@pytest.fixture()
def run(pipe: FakePipeline, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    monkeypatch.setattr(commands, "make_pipeline", lambda model, batch_size, max_chars=None: pipe)
    monkeypatch.chdir(tmp_path)
    app = _app()
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Any:
        return runner.invoke(app, list(args), input=input)

    return invoke


@pytest.fixture()
def inputs(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    lines = [json.dumps(a) for a in ARTICLES[:2]] + ["{not json", json.dumps({"id": "x"})]
    (d / "batch.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (d / "a3.txt").write_text("Date: 2024-03-05\n\n" + ARTICLES[2]["text"], encoding="utf-8")
    (d / "bad.txt").write_text("This will FAIL in the pipeline.", encoding="utf-8")
    return d


def test_ingest_reports_and_is_idempotent(run: Any, inputs: Path, tmp_path: Path) -> None:
    r = run("ingest", str(inputs))
    assert r.exit_code == 0, r.stderr
    err = " ".join(r.stderr.split())
    assert "6 read, 3 stored" in err and "3 failed" in err
    assert f"error: {inputs / 'batch.jsonl'}:3: malformed JSON" in err
    assert f"error: {inputs / 'batch.jsonl'}:4: record has no 'text' field" in err
    assert f"error: {inputs / 'bad.txt'}: could not build the record (boom)" in err
    assert "3 failure(s) recorded in table failures (run_id = 1)" in err
    assert "Traceback" not in r.stderr
    assert (tmp_path / "eventwire.duckdb").exists()  # default --db in the working directory
    r = run("ingest", str(inputs))
    assert r.exit_code == 0, r.stderr
    assert "0 stored" in r.stderr and "3 already stored" in r.stderr
    r = run("sql", "SELECT count(*) AS n FROM articles", "--format", "csv")
    assert r.stdout.splitlines() == ["n", "3"]


def test_ingest_stdin_and_named_db(run: Any, tmp_path: Path) -> None:
    db = tmp_path / "sub" / "x.duckdb"
    (tmp_path / "sub").mkdir()
    data = "".join(json.dumps(a) + "\n" for a in ARTICLES)
    r = run("ingest", "-", "--db", str(db), input=data)
    assert r.exit_code == 0, r.stderr
    assert "3 stored" in r.stderr
    r = run("query", "--db", str(db), "--factuality", "any", "--format", "jsonl")
    assert r.exit_code == 0, r.stderr
    rows = [json.loads(x) for x in r.stdout.splitlines()]
    assert sorted(x["type"] for x in rows) == ["ASSAULT", "ASSAULT", "PROTEST"]


def test_ingest_usage_errors(run: Any, tmp_path: Path) -> None:
    r = run("ingest")
    assert r.exit_code == 2 and "give PATH(s) to ingest" in r.stderr
    r = run("ingest", "x.jsonl", "--date", "2024-13-45")
    assert r.exit_code == 2 and "--date" in r.stderr
    r = run("ingest", "x.jsonl", "--db", str(tmp_path / "no" / "dir" / "s.duckdb"))
    assert r.exit_code == 2 and "does not exist" in r.stderr
    r = run("ingest", str(tmp_path / "missing.jsonl"))
    assert r.exit_code == 1 and "missing.jsonl" in r.stderr


def test_ingest_recode(run: Any, inputs: Path, pipe: FakePipeline) -> None:
    assert run("ingest", str(inputs)).exit_code == 0
    pipe.version = "fake-2"
    r = run("ingest", str(inputs))
    assert "3 article(s) are stored from another pipeline version" in " ".join(r.stderr.split())
    r = run("ingest", "--recode")
    assert r.exit_code == 0, r.stderr
    assert "3 re-coded" in r.stderr
    r = run("sql", "SELECT DISTINCT pipeline_version FROM articles", "-f", "csv")
    assert r.stdout.splitlines() == ["pipeline_version", "fake-2"]


def test_query_formats_and_filters(run: Any, inputs: Path) -> None:
    assert run("ingest", str(inputs)).exit_code == 0
    r = run("query", "--format", "csv")
    assert r.exit_code == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(rows) == 2 and {x["factuality"] for x in rows} == {"asserted"}
    r = run("query", "-f", "jsonl", "--factuality", "negated", "--target-country", "ukr")
    (row,) = [json.loads(x) for x in r.stdout.splitlines()]
    assert (row["type"], row["day"]) == ("PROTEST", "2024-03-05")
    r = run("query", "-f", "jsonl", "--type", "ASSAULT,PROTEST", "--factuality", "any",
            "--since", "2024-03-03")  # fmt: skip
    assert [json.loads(x)["type"] for x in r.stdout.splitlines()] == ["PROTEST"]
    r = run("query", "-f", "jsonl", "--min-confidence", "0.8", "--location", "bagh")
    assert [json.loads(x)["confidence"] for x in r.stdout.splitlines()] == [0.9]
    r = run("query")
    assert r.exit_code == 0 and "ASSAULT" in r.stdout and "2 event mention(s)" in r.stderr
    r = run("query", "--since", "March 3")
    assert r.exit_code == 2 and "--since: invalid date 'March 3'" in r.stderr
    r = run("query", "--format", "xml")
    assert r.exit_code == 2 and "--format must be one of" in r.stderr
    r = run("query", "--factuality", "perhaps")
    assert r.exit_code == 2 and "unknown factuality 'perhaps'" in r.stderr


def test_query_without_a_store(run: Any) -> None:
    r = run("query", "--db", "nothing.duckdb")
    assert r.exit_code == 2 and "nothing.duckdb: no such store" in r.stderr
    assert "Traceback" not in r.stderr


def test_sql_is_read_only(run: Any, inputs: Path) -> None:
    assert run("ingest", str(inputs)).exit_code == 0
    r = run("sql", "SELECT type, count(*) AS n FROM events GROUP BY 1 ORDER BY 1", "-f", "jsonl")
    assert [json.loads(x) for x in r.stdout.splitlines()] == [
        {"type": "ASSAULT", "n": 2},
        {"type": "PROTEST", "n": 1},
    ]
    r = run("sql", "DELETE FROM events")
    assert r.exit_code == 2 and "read-only" in r.stderr
    r = run("sql", "SELEC nonsense")
    assert r.exit_code == 2 and r.stderr.startswith("error: SQL:")
    r = run("sql", "SELECT count(*) FROM events")
    assert r.exit_code == 0 and "3" in r.stdout


def test_export_command(run: Any, inputs: Path, tmp_path: Path) -> None:
    assert run("ingest", str(inputs)).exit_code == 0
    for fmt in ("parquet", "csv", "jsonl", "plover", "gdelt"):
        out = tmp_path / "out" / f"events.{fmt}"
        r = run("export", "--format", fmt, "-o", str(out), "--factuality", "any")
        assert r.exit_code == 0, r.stderr
        assert "wrote 3 events row(s)" in " ".join(r.stderr.split())
    assert pq.read_table(tmp_path / "out" / "events.parquet").num_rows == 3
    plover = [json.loads(x) for x in (tmp_path / "out" / "events.plover").read_text().splitlines()]
    assert {p["event"] for p in plover} == {"ASSAULT", "PROTEST"}
    gd = list(csv.DictReader((tmp_path / "out" / "events.gdelt").open(), delimiter="\t"))
    # the two Baghdad strikes are one story (clustered at the end of ingest)
    assert [g["NumArticles"] for g in gd if g["PLOVERType"] == "ASSAULT"] == ["2", "2"]
    r = run("export", "--what", "quotes", "-f", "jsonl", "-o", str(tmp_path / "q.jsonl"))
    assert r.exit_code == 0, r.stderr
    (q,) = [json.loads(x) for x in (tmp_path / "q.jsonl").read_text().splitlines()]
    assert (q["text"], q["speaker_name"]) == ("We stay", "Ivan")
    r = run("export", "--what", "articles", "-f", "plover", "-o", str(tmp_path / "x"))
    assert r.exit_code == 2 and "exports events only" in r.stderr
    r = run("export", "--what", "people", "-o", str(tmp_path / "x"))
    assert r.exit_code == 2 and "--what must be one of" in r.stderr


def test_stats_and_cluster(run: Any, inputs: Path) -> None:
    assert run("ingest", str(inputs), "--no-cluster").exit_code == 0
    r = run("stats", "--json")
    st = json.loads(r.stdout)
    assert (st["articles"], st["events"], st["failures"], st["clusters"]) == (3, 3, 3, 0)
    assert st["by_type"] == {"ASSAULT": 2, "PROTEST": 1}
    r = run("cluster", "--days", "0")
    assert r.exit_code == 0 and "1 spanning several articles" in r.stderr
    r = run("stats")
    assert r.exit_code == 0 and "by type" in r.stdout and "recent failures" in r.stdout


def test_ingest_while_another_process_writes(run: Any, tmp_path: Path) -> None:
    db = tmp_path / "busy.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import duckdb, time
            con = duckdb.connect({str(db)!r})
            print("locked", flush=True)
            time.sleep(30)
        """)],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        data = json.dumps(ARTICLES[0]) + "\n"
        r = run("ingest", "-", "--db", str(db), input=data)
        assert r.exit_code == 2
        msg = " ".join(r.stderr.split())
        assert f"{db}: the store is in use by process {holder.pid}" in msg
        assert "Traceback" not in r.stderr
        r = run("query", "--db", str(db))
        assert r.exit_code == 2 and "in use by process" in r.stderr
    finally:
        holder.kill()
        holder.wait()


def test_ingest_turns_logged_stage_errors_into_one_line(run: Any, tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("LOGERR [AID USA>IRQ 2024-03-02 asserted 0.5] Aid.")
    r = run("ingest", str(tmp_path / "x.txt"))
    assert r.exit_code == 0, r.stderr
    assert f"warning: stage eventwire_events failed on {tmp_path / 'x.txt'}" in r.stderr
    assert "Traceback" not in r.stderr and "bad token" not in r.stderr


def test_db_that_is_not_a_store(run: Any, tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("hello, not a database\n" * 100)
    r = run("ingest", "-", "--db", str(junk), input=json.dumps(ARTICLES[0]) + "\n")
    assert r.exit_code == 2 and f"{junk}: cannot open the store" in " ".join(r.stderr.split())
    assert "Traceback" not in r.stderr
    r = run("stats", "--db", str(junk))
    assert r.exit_code == 2 and "cannot open the store" in r.stderr


def test_ingest_memory_limit_option(run: Any, tmp_path: Path) -> None:
    data = json.dumps(ARTICLES[0]) + "\n"
    r = run("ingest", "-", "--memory-limit", "lots", input=data)
    assert r.exit_code == 2 and "--memory-limit: invalid memory limit 'lots'" in r.stderr
    r = run("ingest", "-", "--memory-limit", "256MB", input=data)
    assert r.exit_code == 0 and "1 stored" in r.stderr
