"""The corpus store: schema, ingest (idempotent, resumable, failures), dedup, clustering,
queries and exports. NLP is not the point here: a fake pipeline reads events from a small
markup in the text, so every expected value is known."""

from __future__ import annotations

import csv
import json
import logging
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest

from eventwire.errors import InputError
from eventwire.pipeline import Failure
from eventwire.read import ArticleInput, parse_date
from eventwire.record import Actor, ArticleRecord, Event, Location, Quote, Speaker, Trigger
from eventwire.store import SCHEMA_VERSION, EventFilter, Store, StoreError, ingest
from eventwire.store import db as store_db
from eventwire.store.cluster import cluster_store
from eventwire.store.dedup import (
    NUM_PERM,
    jaccard,
    miss_probability,
    shingles,
    signature,
)
from eventwire.store.export import export
from eventwire.store.ingest import stored_inputs
from eventwire.store.query import events_sql
from eventwire.store.rows import content_hash
from eventwire.store.stats import store_stats

# ----------------------------------------------------------------------------- fake pipeline

#: ``[TYPE ACTOR>TARGET DATE FACTUALITY CONFIDENCE @Place,lat,lon,CTY]`` marks an event.
EV = re.compile(
    r"\[(?P<type>[A-Z]+) (?P<actor>[A-Z]{3}|-)>(?P<target>[A-Z]{3}|-) (?P<date>\S+) "
    r"(?P<fact>[a-z]+) (?P<conf>[\d.]+)"
    r"(?: @(?P<place>[^,\]]+),(?P<lat>-?[\d.]+),(?P<lon>-?[\d.]+),(?P<pc>[A-Z]{3}))?\]"
)
QUOTE = re.compile(r'"([^"]+)", said (\w+)')
NAMES = {"USA": "United States", "IRQ": "Iraq", "RUS": "Russia", "UKR": "Ukraine"}


def _sentence_end(text: str, start: int) -> int:
    dot = text.find(".", start)
    return len(text) if dot < 0 else dot + 1


def _actor(code: str) -> Actor | None:
    if code == "-":
        return None
    return Actor(text=code, name=NAMES.get(code, code), country=code, sector="GOV")


class FakePipeline:
    """Records whose events come from markup in the text; 'FAIL' in a text → Failure."""

    def __init__(self, version: str = "fake-1", delay: float = 0.0) -> None:
        self.version = version
        self.delay = delay
        self.seen = 0

    def process(self, articles: Iterable[ArticleInput]) -> Iterator[ArticleRecord | Failure]:
        for art in articles:
            self.seen += 1
            if self.delay:
                time.sleep(self.delay)
            if "LOGERR" in art.text:  # as the real pipeline logs a failed stage
                try:
                    raise ValueError("bad token")
                except ValueError:
                    logging.getLogger("eventwire.pipeline").exception(
                        "stage eventwire_events failed on %s", art.origin
                    )
            if "FAIL" in art.text:
                yield Failure(art.origin, "could not build the record (boom)")
                continue
            events = []
            for n, m in enumerate(EV.finditer(art.text), 1):
                loc = None
                if m["place"]:
                    loc = Location(
                        text=m["place"],
                        name=m["place"],
                        country=m["pc"],
                        lat=float(m["lat"]),
                        lon=float(m["lon"]),
                    )
                events.append(
                    Event(
                        id=f"v{n}",
                        type=m["type"],  # type: ignore[arg-type]
                        cameo="190" if m["type"] == "ASSAULT" else None,
                        actor=_actor(m["actor"]),
                        target=_actor(m["target"]),
                        date=None if m["date"] == "-" else m["date"],
                        date_source="explicit",
                        location=loc,
                        factuality=m["fact"],  # type: ignore[arg-type]
                        trigger=Trigger(text=m["type"], span=(m.start("type"), m.end("type"))),
                        sentence_span=(m.start(), _sentence_end(art.text, m.end())),
                        confidence=float(m["conf"]),
                    )
                )
            quotes = [
                Quote(
                    id=f"q{n}",
                    text=q.group(1),
                    span=(q.start(1), q.end(1)),
                    speaker=Speaker(text=q.group(2), name=q.group(2)),
                    cue="said",
                    events=["v1"] if events else [],
                )
                for n, q in enumerate(QUOTE.finditer(art.text), 1)
            ]
            yield ArticleRecord(
                id=art.id,
                title=art.title,
                date=art.date.isoformat() if art.date else None,
                source=art.source,
                url=art.url,
                text=art.text,
                events=events,
                quotes=quotes,
                warnings=list(art.warnings),
            )


def art(text: str, id: str = "a", date: str = "2024-03-04", source: str | None = None,
        url: str | None = None) -> ArticleInput:  # fmt: skip
    return ArticleInput(
        text=text, id=id, date=parse_date(date), source=source, url=url, origin=f"{id}.txt"
    )


FILLER = (
    "The statement was issued after a long meeting of officials in the capital where "
    "several ministers discussed the security situation and the humanitarian needs of "
    "people displaced by the fighting in the north of the country during the past weeks "
    "while aid agencies warned that supplies of food water and medicine were running low "
    "and that roads to the affected towns remained closed to convoys for most of the time "
)


def corpus() -> list[ArticleInput]:
    return [
        art(
            "[ASSAULT USA>IRQ 2024-03-02 asserted 0.9 @Baghdad,33.34,44.40,IRQ] Strike. "
            '"We hit them", said Esper. ' + FILLER,
            "a1",
            source="Reuters",
            url="https://reuters.example/a1",
        ),
        art(
            "[ASSAULT USA>IRQ 2024-03-02 asserted 0.7 @Baghdad airport,33.26,44.23,IRQ] "
            "Drone attack near the airport.",
            "a2",
            source="AP",
            url="https://ap.example/a2",
        ),
        art(
            "[ASSAULT RUS>UKR 2024-03-02 asserted 0.8 @Kharkiv,49.99,36.23,UKR] Shelling.",
            "a3",
            source="AP",
        ),
        art(
            "[PROTEST ->IRQ 2024-03-03 negated 0.4] No protest took place.", "a4", date="2024-03-03"
        ),
        art("[SANCTION USA>RUS - future 0.6] Sanctions may come.", "a5", date="2024-04-10"),
        art(
            "[ASSAULT USA>IRQ 2024-03-09 asserted 0.95 @Baghdad,33.34,44.40,IRQ] Later strike.",
            "a6",
            source="Reuters",
        ),
    ]


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "t.duckdb")
    yield s
    s.close()


def counts(s: Store) -> dict[str, int]:
    return {
        t: int(s.scalar(f"SELECT count(*) FROM {t}"))
        for t in ("articles", "events", "quotes", "failures", "article_bands")
    }


def content(s: Store) -> list[tuple[Any, ...]]:
    """Everything stored about articles and events, minus run ids and timestamps."""
    arts = s.execute(
        "SELECT id, record_id, text, pipeline_version, n_events, duplicate_of "
        "FROM articles ORDER BY id"
    ).fetchall()
    evs = s.execute(
        "SELECT article_id, event_id, type, actor_country, target_country, day, location_name, "
        "factuality, confidence, trigger_start, sentence FROM events ORDER BY 1, 2"
    ).fetchall()
    return [*arts, *evs]


# ----------------------------------------------------------------------------- schema


def test_new_store_has_current_schema(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    Store(path).close()
    with Store(path) as s:  # reopening applies nothing twice
        assert s.scalar("SELECT count(*) FROM schema_version") == 1
        assert s.scalar("SELECT max(version) FROM schema_version") == SCHEMA_VERSION
        tables = {
            r[0] for r in s.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
    assert {"articles", "segments", "entities", "mentions", "places", "times", "events",
            "quotes", "ingest_runs", "failures", "clusters"} <= tables  # fmt: skip


def test_migration_applies_missing_versions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.duckdb"
    Store(path).close()
    migrations = dict(store_db.MIGRATIONS)
    migrations[SCHEMA_VERSION + 1] = ["ALTER TABLE articles ADD COLUMN topic VARCHAR"]
    monkeypatch.setattr(store_db, "MIGRATIONS", migrations)
    monkeypatch.setattr(store_db, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(StoreError, match="open it once for writing"):
        Store(path, read_only=True)
    with Store(path) as s:
        assert s.scalar("SELECT max(version) FROM schema_version") == SCHEMA_VERSION + 1
        s.execute("SELECT topic FROM articles").fetchall()  # the new column exists


def test_newer_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    with Store(path) as s:
        s.execute("INSERT INTO schema_version VALUES (?, current_timestamp)", [SCHEMA_VERSION + 5])
    with pytest.raises(StoreError, match="newer than this eventwire supports"):
        Store(path)


def test_read_only_open_of_missing_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such store"):
        Store(tmp_path / "nope.duckdb", read_only=True)


# ----------------------------------------------------------------------------- ingest


def test_ingest_stores_flattened_events_and_quotes(store: Store) -> None:
    stats = ingest(store, FakePipeline(), corpus(), batch_size=4)
    assert (stats.read, stats.stored, stats.failed, stats.events) == (6, 6, 0, 6)
    row = store.execute(
        "SELECT e.type, e.cameo, e.cameo_root, e.actor_name, e.actor_country, e.target_country, "
        "e.day, e.location_name, e.location_lat, e.factuality, e.trigger_text, e.sentence, "
        "a.record_id, a.source, a.id FROM events e JOIN articles a ON a.id = e.article_id "
        "WHERE a.record_id = 'a1'"
    ).fetchall()[0]
    text = corpus()[0].text
    assert row[:11] == ("ASSAULT", "190", "19", "United States", "USA", "IRQ",
                        parse_date("2024-03-02"), "Baghdad", 33.34, "asserted", "ASSAULT")  # fmt: skip
    assert row[11] == text[: text.index("Strike.") + 7]
    assert row[12:14] == ("a1", "Reuters")
    assert row[14] == content_hash(text)
    # an event without a date falls back to the article's date for `day`
    assert store.scalar("SELECT day FROM events WHERE type = 'SANCTION'") == parse_date(
        "2024-04-10"
    )
    q = store.execute(
        "SELECT text, speaker_name, events, span_start, span_end FROM quotes"
    ).fetchall()
    assert q == [("We hit them", "Esper", ["v1"], text.index("We"), text.index("We") + 11)]
    run = store.execute("SELECT status, n_read, n_stored, n_events FROM ingest_runs").fetchall()
    assert run == [("done", 6, 6, 6)]


def test_ingest_is_idempotent(store: Store) -> None:
    pipe = FakePipeline()
    ingest(store, pipe, corpus(), batch_size=4)
    before, rows = counts(store), content(store)
    seen = pipe.seen
    stats = ingest(store, pipe, corpus(), batch_size=4)
    assert (stats.stored, stats.skipped) == (0, 6)
    assert pipe.seen == seen  # nothing was re-processed
    assert counts(store) == before
    assert content(store) == rows
    assert store.scalar("SELECT count(DISTINCT id) FROM articles") == 6
    assert store.scalar("SELECT count(*) FROM ingest_runs") == 2


def test_same_text_twice_is_stored_once(store: Store) -> None:
    a = corpus()[0]
    b = art(a.text, "copy-with-other-id")
    stats = ingest(store, FakePipeline(), [a, b])
    assert (stats.stored, stats.skipped) == (1, 1)
    assert store.scalar("SELECT record_id FROM articles") == "a1"


def test_failures_are_recorded_and_the_run_goes_on(store: Store) -> None:
    items: list[ArticleInput | InputError] = [
        corpus()[0],
        InputError("batch.jsonl:2", "malformed JSON (Expecting value)"),
        art("This one will FAIL to build.", "bad"),
        corpus()[1],
    ]
    seen: list[str] = []
    stats = ingest(
        store, FakePipeline(), items, batch_size=2, on_failure=lambda f: seen.append(f.location)
    )
    assert (stats.stored, stats.failed) == (2, 2)
    rows = store.execute(
        "SELECT run_id, location, error FROM failures ORDER BY location"
    ).fetchall()
    assert rows == [
        (stats.run_id, "bad.txt", "could not build the record (boom)"),
        (stats.run_id, "batch.jsonl:2", "malformed JSON (Expecting value)"),
    ]
    assert sorted(seen) == ["bad.txt", "batch.jsonl:2"]
    assert store.scalar("SELECT n_failed FROM ingest_runs") == 2


def test_other_pipeline_version_needs_recode(store: Store) -> None:
    ingest(store, FakePipeline("fake-1"), corpus())
    rows = content(store)
    stats = ingest(store, FakePipeline("fake-2"), corpus())
    assert (stats.stored, stats.stale, stats.recoded) == (0, 6, 0)
    assert content(store) == rows
    stats = ingest(store, FakePipeline("fake-2"), corpus(), recode=True)
    assert (stats.stored, stats.recoded) == (0, 6)
    assert store.scalar("SELECT DISTINCT pipeline_version FROM articles") == "fake-2"
    assert counts(store)["events"] == 6  # replaced, not added


def test_recode_from_the_store_without_inputs(store: Store) -> None:
    ingest(store, FakePipeline("fake-1"), corpus())
    pipe = FakePipeline("fake-2")
    inputs = list(stored_inputs(store, pipe.version, batch=4))
    assert sorted(a.id for a in inputs) == ["a1", "a2", "a3", "a4", "a5", "a6"]
    assert {a.text for a in inputs} == {a.text for a in corpus()}
    stats = ingest(store, pipe, inputs, recode=True)
    assert stats.recoded == 6
    assert list(stored_inputs(store, pipe.version)) == []


# ----------------------------------------------------------------------------- resume

RESUME_SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
from test_store import FakePipeline, big_corpus
from eventwire.store import Store, ingest

store = Store(sys.argv[1])
def tick(stats):
    print("batch", stats.stored, flush=True)
ingest(store, FakePipeline(delay=float(sys.argv[2])), big_corpus(), batch_size=10, on_batch=tick)
store.close()
print("done", flush=True)
"""


def big_corpus(n: int = 200) -> list[ArticleInput]:
    out = []
    for i in range(n):
        typ = ("ASSAULT", "PROTEST", "AID")[i % 3]
        out.append(
            art(
                f"[{typ} USA>IRQ 2024-03-{1 + i % 28:02d} asserted 0.{i % 9 + 1}] Report number {i}. "
                f"Article {i} words {i * 7} {i * 13}.",
                f"r{i}",
            )
        )
    return out


def test_resume_after_kill_matches_an_uninterrupted_run(tmp_path: Path) -> None:
    script = tmp_path / "ingest.py"
    script.write_text(RESUME_SCRIPT.format(tests=str(Path(__file__).parent)), encoding="utf-8")
    killed = tmp_path / "killed.duckdb"
    proc = subprocess.Popen(
        [sys.executable, str(script), str(killed), "0.01"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    batches = 0
    for line in proc.stdout:
        if line.startswith("batch"):
            batches += 1
            if batches == 4:
                break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    with Store(killed) as s:
        partial = int(s.scalar("SELECT count(*) FROM articles"))
        assert 40 <= partial < 200  # whole batches only, and not finished
        assert partial % 10 == 0
        # every stored article has all its events: no half-written batch
        assert s.scalar("SELECT count(*) FROM events") == partial
        pipe = FakePipeline()
        stats = ingest(s, pipe, big_corpus(), batch_size=10)
        assert stats.skipped == partial
        assert pipe.seen == 200 - partial  # only the rest was processed
        assert s.execute("SELECT status FROM ingest_runs ORDER BY run_id").fetchall() == [
            ("interrupted",),
            ("done",),
        ]
        resumed = content(s)
    with Store(tmp_path / "whole.duckdb") as s:
        ingest(s, FakePipeline(), big_corpus(), batch_size=10)
        assert content(s) == resumed


def test_second_writer_gets_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "locked.duckdb"
    Store(path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import duckdb, sys, time
            con = duckdb.connect({str(path)!r})
            print("locked", flush=True)
            time.sleep(float(sys.argv[1]))
        """), "2.5"],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(store_db.StoreLockedError, match=rf"in use by process {holder.pid}"):
            Store(path)
        with pytest.raises(store_db.StoreLockedError):
            Store(path, read_only=True)
        with Store(path, wait=20) as s:  # waits for the holder to finish
            assert holder.poll() is not None
            assert s.scalar("SELECT count(*) FROM articles") == 0
    finally:
        holder.kill()
        holder.wait()


# ----------------------------------------------------------------------------- dedup


def test_minhash_error_bound_and_estimate() -> None:
    assert miss_probability(0.8) < 0.003
    assert miss_probability(0.9) < 1e-6
    a = shingles(FILLER * 2 + " alpha beta gamma delta")
    b = shingles(FILLER * 2 + " alpha beta gamma epsilon")
    j = jaccard(a, b)
    est = float((signature(a) == signature(b)).sum()) / NUM_PERM
    assert 0.5 < j < 1.0
    assert abs(est - j) < 0.15


def test_near_duplicates_are_linked_to_the_canonical_article(store: Store) -> None:
    base = corpus()[0]
    copy = art(base.text.replace("several ministers", "many ministers"), "copy", source="AFP")
    copy2 = art(base.text.replace("past weeks", "last weeks"), "copy2", source="BBC")
    stats = ingest(store, FakePipeline(), [base, corpus()[1]], batch_size=2)
    stats = ingest(store, FakePipeline(), [copy, corpus()[2], copy2], batch_size=2)
    assert stats.duplicates == 2
    rows = dict(store.execute("SELECT record_id, duplicate_of FROM articles").fetchall())
    canonical = content_hash(base.text)
    assert rows["copy"] == canonical and rows["copy2"] == canonical
    assert rows["a1"] is None and rows["a2"] is None and rows["a3"] is None
    sim = store.scalar("SELECT similarity FROM articles WHERE record_id = 'copy'")
    assert 0.8 <= sim < 1.0
    # copies' events are left out of queries unless asked for
    sql, params = events_sql(EventFilter(types=["ASSAULT"]), ("article_id",))
    assert len(store.execute(sql, params).fetchall()) == 3
    sql, params = events_sql(
        EventFilter(types=["ASSAULT"], include_duplicates=True), ("article_id",)
    )
    assert len(store.execute(sql, params).fetchall()) == 5


def test_recode_keeps_duplicate_links(store: Store) -> None:
    base = corpus()[0]
    copy = art(base.text.replace("several ministers", "many ministers"), "copy")
    ingest(store, FakePipeline("fake-1"), [base, copy])
    links = store.execute("SELECT id, duplicate_of FROM articles ORDER BY id").fetchall()
    assert sorted(d for _, d in links if d) == [content_hash(base.text)]
    # both re-coded in one batch, the copy possibly first: the links stay as they were
    for order in ([copy, base], [base, copy]):
        pipe = FakePipeline(f"fake-{len(order)}-{order[0].id}")
        stats = ingest(store, pipe, order, recode=True)
        assert stats.recoded == 2
        assert (
            store.execute("SELECT id, duplicate_of FROM articles ORDER BY id").fetchall() == links
        )


def test_dedup_can_be_turned_off(store: Store) -> None:
    base = corpus()[0]
    copy = art(base.text.replace("several ministers", "many ministers"), "copy")
    ingest(store, FakePipeline(), [base, copy], dedup_threshold=None)
    assert store.scalar("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL") == 0


# ----------------------------------------------------------------------------- clustering


def test_story_clusters(store: Store) -> None:
    ingest(store, FakePipeline(), corpus())
    n = cluster_store(store, days=1, km=100)
    cid = dict(
        store.execute(
            "SELECT a.record_id, e.cluster_id FROM events e JOIN articles a ON a.id = e.article_id"
        ).fetchall()
    )
    # a1 and a2: same type, actors, day, places 12 km apart, two sources → one story
    assert cid["a1"] == cid["a2"]
    # a3: other actors and country; a6: a week later → their own stories
    assert len({cid["a1"], cid["a3"], cid["a6"]}) == 3
    # only asserted mentions are clustered
    assert cid["a4"] is None and cid["a5"] is None
    assert n == 3
    row = store.execute(
        "SELECT c.n_mentions, c.n_articles, c.n_sources, a.record_id FROM clusters c "
        "JOIN articles a ON a.id = c.rep_article_id WHERE c.cluster_id = ?",
        [cid["a1"]],
    ).fetchall()
    assert row == [(2, 2, 2, "a1")]  # representative: the most confident mention
    # a tolerance of 7 days joins the later strike to the story
    cluster_store(store, days=7, km=100)
    cid = dict(
        store.execute(
            "SELECT a.record_id, e.cluster_id FROM events e JOIN articles a ON a.id = e.article_id"
        ).fetchall()
    )
    assert cid["a1"] == cid["a2"] == cid["a6"] != cid["a3"]


def test_clustering_keeps_far_places_apart(store: Store) -> None:
    items = [
        art("[ASSAULT USA>IRQ 2024-03-02 asserted 0.9 @Baghdad,33.34,44.40,IRQ] x.", "b1"),
        art("[ASSAULT USA>IRQ 2024-03-02 asserted 0.9 @Basra,30.51,47.78,IRQ] y.", "b2"),
    ]
    ingest(store, FakePipeline(), items)
    cluster_store(store, days=1, km=100)
    assert store.scalar("SELECT count(DISTINCT cluster_id) FROM events") == 2
    cluster_store(store, days=1, km=1000)
    assert store.scalar("SELECT count(DISTINCT cluster_id) FROM events") == 1


# ----------------------------------------------------------------------------- query


def _ids(s: Store, flt: EventFilter) -> list[str]:
    sql, params = events_sql(flt, ("article_id",), extra=", a.record_id")
    return sorted(r[1] for r in s.execute(sql, params).fetchall())


def test_query_filters(store: Store) -> None:
    ingest(store, FakePipeline(), corpus())
    d = parse_date
    assert _ids(store, EventFilter()) == ["a1", "a2", "a3", "a6"]  # asserted by default
    assert _ids(store, EventFilter(factuality=["any"])) == ["a1", "a2", "a3", "a4", "a5", "a6"]
    assert _ids(store, EventFilter(factuality=["negated", "future"])) == ["a4", "a5"]
    assert _ids(store, EventFilter(types=["assault"], actor_country=["rus"])) == ["a3"]
    assert _ids(store, EventFilter(target_country=["IRQ"], factuality=["any"])) == [
        "a1", "a2", "a4", "a6"]  # fmt: skip
    assert _ids(store, EventFilter(actor_sector=["GOV"])) == ["a1", "a2", "a3", "a6"]
    assert _ids(store, EventFilter(actor_sector=["MIL"])) == []
    assert _ids(store, EventFilter(name="ukrain")) == ["a3"]
    assert _ids(store, EventFilter(since=d("2024-03-03"), factuality=["any"])) == ["a4", "a5", "a6"]
    assert _ids(store, EventFilter(until=d("2024-03-02"))) == ["a1", "a2", "a3"]
    assert _ids(store, EventFilter(country=["UKR"])) == ["a3"]
    assert _ids(store, EventFilter(location="airport")) == ["a2"]
    assert _ids(store, EventFilter(min_confidence=0.85)) == ["a1", "a6"]
    assert _ids(store, EventFilter(text="DRONE attack")) == ["a2"]
    assert _ids(store, EventFilter(text="100%_")) == []  # user text is literal, not a pattern
    with pytest.raises(StoreError, match="unknown factuality"):
        _ids(store, EventFilter(factuality=["maybe"]))


# ----------------------------------------------------------------------------- export


@pytest.fixture()
def filled(store: Store) -> Store:
    ingest(store, FakePipeline(), corpus())
    cluster_store(store)
    return store


def test_export_parquet_csv_jsonl(filled: Store, tmp_path: Path) -> None:
    con = filled.con
    n = export(con, "parquet", tmp_path / "e.parquet")
    table = pq.read_table(tmp_path / "e.parquet")
    assert n == table.num_rows == 4
    assert sorted(table.column("type").to_pylist()) == ["ASSAULT"] * 4
    assert set(table.column("url").to_pylist()) >= {"https://reuters.example/a1"}

    n = export(con, "csv", tmp_path / "e.csv", flt=EventFilter(factuality=["any"]))
    with (tmp_path / "e.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert n == len(rows) == 6
    a1 = next(r for r in rows if r["url"] == "https://reuters.example/a1")
    assert (a1["actor_country"], a1["location_lat"], a1["day"]) == ("USA", "33.34", "2024-03-02")

    n = export(con, "jsonl", tmp_path / "e.jsonl", flt=EventFilter(types=["SANCTION"],
                                                                    factuality=["any"]))  # fmt: skip
    recs = [json.loads(x) for x in (tmp_path / "e.jsonl").read_text().splitlines()]
    assert n == len(recs) == 1
    assert recs[0]["type"] == "SANCTION" and recs[0]["factuality"] == "future"
    assert recs[0]["day"] == "2024-04-10" and recs[0]["date"] is None


def test_export_articles_and_quotes(filled: Store, tmp_path: Path) -> None:
    con = filled.con
    assert export(con, "jsonl", tmp_path / "a.jsonl", what="articles") == 6
    arts = [json.loads(x) for x in (tmp_path / "a.jsonl").read_text().splitlines()]
    assert {a["text"] for a in arts} == {a.text for a in corpus()}
    assert export(con, "csv", tmp_path / "q.csv", what="quotes") == 1
    with (tmp_path / "q.csv").open(encoding="utf-8") as fh:
        (q,) = list(csv.DictReader(fh))
    assert (q["text"], q["speaker_name"], json.loads(q["events"])) == (
        "We hit them",
        "Esper",
        ["v1"],
    )
    assert export(con, "parquet", tmp_path / "q.parquet", what="quotes") == 1
    assert pq.read_table(tmp_path / "q.parquet").column("events").to_pylist() == [["v1"]]
    with pytest.raises(StoreError, match="exports events only"):
        export(con, "plover", tmp_path / "x", what="articles")


def test_export_plover(filled: Store, tmp_path: Path) -> None:
    n = export(filled.con, "plover", tmp_path / "p.jsonl")
    recs = {r["id"]: r for r in map(json.loads, (tmp_path / "p.jsonl").read_text().splitlines())}
    assert n == len(recs) == 4
    aid = content_hash(corpus()[0].text)
    r = recs[f"{aid}-v1"]
    assert r["date"] == "2024-03-02" and r["event"] == "ASSAULT"
    assert r["source"] == [{"actorText": "USA", "code": "USA", "name": "United States",
                            "sector": "GOV"}]  # fmt: skip
    assert r["target"][0]["code"] == "IRQ"
    assert r["eventText"] == "ASSAULT" and r["text"].startswith("[ASSAULT USA>IRQ")
    assert r["location"] == {
        "placeName": "Baghdad",
        "countryCode": "IRQ",
        "lat": 33.34,
        "lon": 44.4,
    }
    assert r["publication"] == "Reuters" and r["url"] == "https://reuters.example/a1"


def test_export_gdelt(filled: Store, tmp_path: Path) -> None:
    n = export(filled.con, "gdelt", tmp_path / "g.tsv", flt=EventFilter(factuality=["any"]))
    with (tmp_path / "g.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert n == len(rows) == 6
    assert sorted(int(r["GLOBALEVENTID"]) for r in rows) == [1, 2, 3, 4, 5, 6]
    by_url = {r["SOURCEURL"]: r for r in rows}
    a1 = by_url["https://reuters.example/a1"]
    assert (a1["SQLDATE"], a1["Actor1Name"], a1["Actor1CountryCode"], a1["Actor2CountryCode"]) == (
        "20240302", "United States", "USA", "IRQ")  # fmt: skip
    assert (a1["EventCode"], a1["EventRootCode"], a1["QuadClass"]) == ("190", "19", "4")
    assert float(a1["GoldsteinScale"]) == -10.0  # CAMEO root 19
    # a1 and a2 are one story: two articles, two sources
    assert (a1["NumMentions"], a1["NumArticles"], a1["NumSources"]) == ("2", "2", "2")
    assert (a1["ActionGeo_Lat"], a1["ActionGeo_Long"]) == ("33.34", "44.4")
    sanction = next(r for r in rows if r["PLOVERType"] == "SANCTION")
    # no CAMEO code: the per-type default root and its Goldstein value
    assert (sanction["EventRootCode"], float(sanction["GoldsteinScale"])) == ("16", -4.0)
    assert (sanction["NumArticles"], sanction["Factuality"]) == ("1", "future")


def test_export_reports_unwritable_path(filled: Store, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="cannot write"):
        export(filled.con, "jsonl", tmp_path / "file" / "out.jsonl")


def test_stats(filled: Store) -> None:
    st = store_stats(filled.con)
    assert (st["articles"], st["events"], st["asserted_events"], st["quotes"]) == (6, 6, 4, 1)
    assert st["by_type"] == {"ASSAULT": 4, "PROTEST": 1, "SANCTION": 1}
    assert st["by_month"] == {"2024-03": 5, "2024-04": 1}
    assert st["by_actor_country"]["USA"] == 4
    assert st["clusters"] == 3 and st["multi_article_clusters"] == 1
    assert st["runs"][0]["status"] == "done"


def test_sql_through_read_only_connection_cannot_write(filled: Store, tmp_path: Path) -> None:
    path = filled.path
    filled.close()
    with Store(path, read_only=True) as ro:
        assert ro.scalar("SELECT count(*) FROM events") == 6
        with pytest.raises(duckdb.Error, match="read-only"):
            ro.execute("DELETE FROM events")


# ----------------------------------------------------------------------------- real pipeline


def test_real_pipeline_records_round_trip(pipeline: Any, tmp_path: Path) -> None:
    """Records of the real pipeline are stored whole: counts and exact spans survive."""
    from eventwire.read import read_paths

    examples = Path(__file__).resolve().parents[1] / "examples" / "articles"
    paths = sorted(examples.glob("*.txt"))[:3]
    items = [a for a in read_paths(paths) if isinstance(a, ArticleInput)]
    records = [r for r in pipeline.process(items) if isinstance(r, ArticleRecord)]
    assert len(records) == 3
    with Store(tmp_path / "real.duckdb") as s:
        stats = ingest(s, pipeline, [a for a in read_paths(paths) if isinstance(a, ArticleInput)])
        assert stats.stored == 3
        for rec in records:
            aid = content_hash(rec.text)
            got = {
                t: s.scalar(f"SELECT count(*) FROM {t} WHERE article_id = ?", [aid])
                for t in ("events", "quotes", "entities", "places", "times", "segments")
            }
            assert got == {
                "events": len(rec.events), "quotes": len(rec.quotes),
                "entities": len(rec.entities), "places": len(rec.places),
                "times": len(rec.times), "segments": len(rec.segments),
            }  # fmt: skip
        # spans index the stored text exactly (DuckDB substr counts code points, as Python)
        bad = s.scalar(
            "SELECT count(*) FROM mentions m JOIN articles a ON a.id = m.article_id "
            "WHERE substr(a.text, m.span_start + 1, m.span_end - m.span_start) <> m.text"
        )
        assert bad == 0
        assert s.scalar("SELECT count(*) FROM mentions") > 0
        bad = s.scalar(
            "SELECT count(*) FROM events e JOIN articles a ON a.id = e.article_id "
            "WHERE substr(a.text, e.trigger_start + 1, e.trigger_end - e.trigger_start) "
            "<> e.trigger_text"
        )
        assert bad == 0
