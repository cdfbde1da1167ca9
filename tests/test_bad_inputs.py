"""A batch mixing every kind of bad file with good ones, through ``eventwire extract`` and
``eventwire ingest``: each bad file or record is reported in one line naming the file
(and line), every good record is written or stored, and nothing prints a traceback."""

from __future__ import annotations

import codecs
import gzip
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

import eventwire.cli as cli
from eventwire.pipeline import Pipeline
from eventwire.store import Store
from eventwire.store import commands as store_commands
from test_store import FakePipeline

SCRIPT = Path(sys.executable).with_name("eventwire")
GOOD = "Police arrested twenty protesters in Lagos on Monday, officials said."


def make_batch(root: Path) -> dict[str, Any]:
    """A folder of good and bad files; returns what each should give."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "good.txt").write_text("date 2024-03-04\n\n" + GOOD, encoding="utf-8")
    (root / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)))
    (root / "latin1.txt").write_bytes(f"Caf\u00e9 owners: {GOOD}".encode("latin-1"))
    (root / "wide.txt").write_bytes(codecs.BOM_UTF16_LE + f"UTF-16: {GOOD}".encode("utf-16-le"))
    (root / "empty.json").write_text("   \n")
    lines = [json.dumps({"id": f"j{i}", "text": f"Record {i}: {GOOD}"}) for i in range(4)]
    (root / "cut.jsonl.gz").write_bytes(gzip.compress(("\n".join(lines) + "\n").encode())[:-12])
    (root / "feed.jsonl").write_text(
        "\n".join(
            [
                json.dumps({"id": "f1", "text": GOOD}),
                '{"id": "f2", "text": "never closed',
                json.dumps({"id": "f3", "title": "no text"}),
                '{"id": "f4", "text": "Police \\ud800arrested 20 people in Lagos."}',
                json.dumps({"id": "f1", "text": "Same id again: " + GOOD}),
                json.dumps({"id": "f6", "text": "Dated wrongly: " + GOOD, "date": "2024-02-31"}),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    (root / "rows.csv").write_text(
        f'id,text\nc1,"Row one: {GOOD}"\nc2,"quote never closed\nc3,"Third row: {GOOD}"\n',
        encoding="utf-8",
    )
    (root / "nobody.html").write_text("<html><head><title>Only a head</title></head></html>")
    deep = "<div>" * 400 + f"<p>Deep in the page: {GOOD}</p>" + "</div>" * 400
    (root / "deep.html").write_text(f"<html><body>{deep}</body></html>", encoding="utf-8")
    (root / "notes.pdf").write_bytes(b"%PDF-1.4")  # not read: unsupported extension
    errors = {  # file[:line] -> words of the message
        f"{root / 'binary.txt'}": "binary file",
        f"{root / 'empty.json'}": "only whitespace",
        f"{root / 'cut.jsonl.gz'}": "truncated or corrupt gzip",
        f"{root / 'feed.jsonl'}:2": "malformed JSON",
        f"{root / 'feed.jsonl'}:3": "no 'text' field",
        f"{root / 'rows.csv'}:3": "not closed properly",
        f"{root / 'nobody.html'}": "no article text",
    }
    warnings = {
        f"{root / 'latin1.txt'}": "not valid UTF-8",
        f"{root / 'feed.jsonl'}:4": "lone surrogate",
        f"{root / 'feed.jsonl'}:5": "duplicate id 'f1'",
        f"{root / 'feed.jsonl'}:6": "2024-02-31",
        f"{root / 'deep.html'}": "elements nested 400 deep",
    }
    # every good text differs: the store keeps a text once
    good = {"good", "latin1", "wide", "f1", "f4", "f6", "c1", "c3", "deep"}
    return {"errors": errors, "warnings": warnings, "good": good}


def one_line(stderr: str) -> str:
    return " ".join(stderr.split())


def check_report(stderr: str, expected: dict[str, Any]) -> None:
    flat = one_line(stderr)
    assert "Traceback" not in stderr
    for where, words in expected["errors"].items():
        assert f"error: {where}: " in flat, where
        assert words in flat.split(f"error: {where}: ", 1)[1][:300], (where, words)
    for where, words in expected["warnings"].items():
        assert f"warning: {where}: " in flat, where
        assert words in flat.split(f"warning: {where}: ", 1)[1][:300], (where, words)


def test_extract_reads_every_good_record_of_a_bad_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = make_batch(tmp_path / "batch")
    bare = Pipeline(stages=())
    monkeypatch.setattr(cli, "_make_pipeline", lambda *a, **k: bare)
    r = CliRunner().invoke(cli.app, ["extract", str(tmp_path / "batch")])
    assert r.exit_code == 0, r.stderr
    records = [json.loads(x) for x in r.stdout.splitlines()]
    ids = [x["id"] for x in records]
    # j0, j1... from the truncated gzip: the complete lines only
    assert set(ids) - {i for i in ids if i.startswith("j")} == expected["good"] | {"f1"}
    assert ids.count("f1") == 2 and {"j0", "j1", "j2"} <= set(ids)
    assert all("\ud800" not in x["text"] for x in records)
    check_report(r.stderr, expected)


def test_ingest_reads_every_good_record_of_a_bad_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = make_batch(tmp_path / "batch")
    monkeypatch.setattr(store_commands, "make_pipeline", lambda *a, **k: FakePipeline())
    app = typer.Typer(pretty_exceptions_enable=False)
    store_commands.register(app)
    db = tmp_path / "s.duckdb"
    r = CliRunner().invoke(app, ["ingest", str(tmp_path / "batch"), "--db", str(db)])
    assert r.exit_code == 0, r.stderr
    check_report(r.stderr, expected)
    with Store(db, read_only=True) as s:
        stored = {row[0] for row in s.execute("SELECT record_id FROM articles").fetchall()}
        failures = {row[0] for row in s.execute("SELECT location FROM failures").fetchall()}
    assert expected["good"] <= stored
    assert set(expected["errors"]) <= failures


def test_extract_script_with_the_real_pipeline(tmp_path: Path) -> None:
    if not SCRIPT.exists():
        pytest.skip(f"{SCRIPT} is not installed")
    expected = make_batch(tmp_path / "batch")
    (tmp_path / "batch" / "french.txt").write_text(
        (Path(__file__).parent / "data" / "languages" / "fr.txt").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    r = subprocess.run(
        [str(SCRIPT), "extract", str(tmp_path / "batch"), "--workers", "1"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    records = {x["id"]: x for x in map(json.loads, r.stdout.splitlines())}
    assert expected["good"] <= set(records)
    assert records["french"]["language"] == "fr" and records["french"]["events"] == []
    assert records["good"]["events"] and records["good"]["date"] == "2024-03-04"
    check_report(r.stderr, expected)
    assert "language 'fr' identified as French" in one_line(r.stderr)
