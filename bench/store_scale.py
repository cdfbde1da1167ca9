"""Corpus store at scale: ingest memory and throughput, query latency, export time.

1. Ingest: N synthetic articles (N = 1,000 / 10,000 / 50,000 by default) go
   through ``eventwire.store.ingest`` in a fresh process each, and the peak
   RSS of that process is printed. The NLP is replaced by a synthetic
   pipeline that builds a realistic record per article (3 events, 2 quotes,
   6 entities with mentions, 3 places, 2 times) from the article text, so the
   figures measure the store (rows, transactions, dedup bands), not spaCy.
2. Queries: M synthetic event rows (default 1,000,000, over M/5 articles)
   are generated inside DuckDB; typical ``eventwire query`` filters are run
   through the same SQL builder (median of 5 runs, warm), plus a Parquet
   export of everything.
3. Stories (``--stories S``, run alone): a store of S asserted synthetic
   mentions (three reports per story, each story its own actor, place, trigger
   and sentence words, over two years) is clustered in full (``--no-full``: stored
   with the stories it was generated with), then B batches of 10,000 new
   mentions (new stories, a new day each, so each batch is also compared with
   the previous batch's day) are added with ``update_clusters`` in a child
   process: wall and CPU seconds per batch and that process's peak RSS.

    .venv/bin/python bench/store_scale.py [--sizes 1000,10000,50000] [--events 1000000]
        [--stories 1000000 [--story-batches 5] [--no-full]]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

TYPES = ["ASSAULT", "PROTEST", "CONSULT", "AID", "ACCUSE", "SANCTION", "THREATEN", "AGREE"]
COUNTRIES = ["USA", "IRQ", "RUS", "UKR", "FRA", "NGA", "KEN", "IND", "CHN", "BRA", "SDN", "MMR"]
WORDS = [
    "government",
    "officials",
    "said",
    "the",
    "ministry",
    "police",
    "army",
    "protesters",
    "village",
    "capital",
    "region",
    "talks",
    "agreement",
    "ceasefire",
    "aid",
    "convoy",
    "election",
    "court",
    "minister",
    "president",
    "report",
    "spokesman",
    "on",
    "monday",
    "tuesday",
    "after",
    "before",
    "during",
    "week",
    "forces",
    "attack",
    "strike",
    "meeting",
]


def synthetic_text(i: int, rng: random.Random) -> str:
    body = " ".join(rng.choice(WORDS) for _ in range(300))
    return f"Report {i}. " + body + f" Reference {i}-{rng.random():.12f}."


class SyntheticPipeline:
    """Builds a plausible record for any article without NLP."""

    version = "synthetic-1"

    def process(self, articles: Iterable[object]) -> Iterator[object]:
        from eventwire.record import (
            Actor,
            ArticleRecord,
            Entity,
            Event,
            Location,
            Place,
            Quote,
            Speaker,
            Time,
            Trigger,
        )

        for a in articles:
            text: str = a.text  # type: ignore[attr-defined]
            h = hash(text)
            rng = random.Random(h)
            n = len(text)

            def span(k: int, width: int = 8, n: int = n) -> tuple[int, int]:
                s = (k * 97) % max(1, n - width)
                return (s, s + width)

            ents = [
                Entity(id=f"e{k}", name=f"Actor {k}", type="ORG", country=rng.choice(COUNTRIES),
                       sector="GOV", mentions=[span(k), span(k + 7)])
                for k in range(6)
            ]  # fmt: skip
            places = [
                Place(text=text[slice(*span(k + 20))], span=span(k + 20), name=f"Town {k}",
                      country=rng.choice(COUNTRIES), lat=rng.uniform(-40, 60),
                      lon=rng.uniform(-100, 120), feature="city")
                for k in range(3)
            ]  # fmt: skip
            times = [
                Time(text=text[slice(*span(k + 40))], span=span(k + 40), value="2024-03-01")
                for k in range(2)
            ]
            events = []
            for k in range(3):
                t = span(k + 60)
                events.append(
                    Event(
                        id=f"v{k + 1}",
                        type=rng.choice(TYPES),  # type: ignore[arg-type]
                        actor=Actor(text="Actor", name=f"Actor {k}",
                                    country=rng.choice(COUNTRIES), sector="GOV"),
                        target=Actor(text="Target", name=f"Target {k}",
                                     country=rng.choice(COUNTRIES), sector="MIL"),
                        date=f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                        date_source="explicit",
                        location=Location(name=f"Town {k}", country=rng.choice(COUNTRIES),
                                          lat=rng.uniform(-40, 60), lon=rng.uniform(-100, 120)),
                        trigger=Trigger(text=text[t[0] : t[1]], span=t),
                        sentence_span=(t[0], min(n, t[1] + 120)),
                        confidence=rng.random(),
                    )
                )  # fmt: skip
            quotes = [
                Quote(id=f"q{k}", text=text[slice(*span(k + 80, 40))], span=span(k + 80, 40),
                      speaker=Speaker(text="Actor", name="Actor 0", entity="e0"), cue="said")
                for k in range(2)
            ]  # fmt: skip
            yield ArticleRecord(
                id=a.id,  # type: ignore[attr-defined]
                date="2024-03-04",
                text=text,
                entities=ents,
                places=places,
                times=times,
                events=events,
                quotes=quotes,
            )


def ingest_child(n: int, db: str, batch: int) -> None:
    """Run in a fresh process: ingest n synthetic articles, print figures."""
    from eventwire.read import ArticleInput
    from eventwire.store import Store, ingest
    from eventwire.store.db import INGEST_MEMORY_LIMIT, set_memory_limit

    rng = random.Random(n)
    items = (
        ArticleInput(text=synthetic_text(i, rng), id=f"s{i}", date=dt.date(2024, 3, 4),
                     origin=f"synthetic:{i}")
        for i in range(n)
    )  # fmt: skip
    store = Store(db)
    set_memory_limit(store.con, INGEST_MEMORY_LIMIT)  # as `eventwire ingest` does
    t0 = time.perf_counter()
    stats = ingest(store, SyntheticPipeline(), items, batch_size=batch)
    secs = time.perf_counter() - t0
    store.close()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size = Path(db).stat().st_size / 2**20
    print(f"{n}\t{stats.stored}\t{stats.events}\t{secs:.1f}\t{rss:.0f}\t{size:.0f}", flush=True)


def bench_ingest(sizes: list[int], batch: int) -> None:
    print(f"== ingest (synthetic records, batch {batch}; each size in a fresh process)")
    print("articles  stored  events  seconds  articles/s  peak RSS MiB  db MiB")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(n), "--db", f"{tmp}/s.duckdb",
                 "--batch", str(batch)],
                capture_output=True, text=True, check=True,
            ).stdout.strip().splitlines()[-1]  # fmt: skip
        n_, stored, events, secs, rss, size = out.split("\t")
        print(f"{int(n_):>8,}  {int(stored):>6,}  {int(events):>6,}  {float(secs):>7.1f}  "
              f"{int(n_) / float(secs):>10,.0f}  {float(rss):>12,.0f}  {float(size):>6,.0f}")  # fmt: skip


def bench_queries(n_events: int) -> None:
    from eventwire.store import EventFilter, Store
    from eventwire.store.cluster import cluster_store
    from eventwire.store.export import export
    from eventwire.store.query import events_sql

    n_articles = max(1, n_events // 5)
    print(f"\n== queries on {n_events:,} synthetic event rows ({n_articles:,} articles)")
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "q.duckdb")
        types = "['" + "','".join(TYPES) + "']"
        ctry = "['" + "','".join(COUNTRIES) + "']"
        t0 = time.perf_counter()
        store.execute(
            f"""INSERT INTO articles (id, record_id, date, source, url, text, status,
                pipeline_version, run_id, n_events)
            SELECT md5(i::VARCHAR), 'r' || i, DATE '2023-01-01' + (i % 730)::INTEGER,
                   'source' || (i % 50), 'https://s' || (i % 50) || '.example/' || i,
                   'text of article ' || i, 'ok', 'synthetic', 1, 5
            FROM range({n_articles}) t(i)"""
        )
        store.execute(
            f"""INSERT INTO events (article_id, event_id, type, cameo, cameo_root, actor_text,
                actor_name, actor_country, actor_sector, target_name, target_country,
                target_sector, date, date_source, day, location_name, location_country,
                location_lat, location_lon, factuality, confidence, trigger_text,
                trigger_start, trigger_end, sentence_start, sentence_end, sentence)
            SELECT md5((i // 5)::VARCHAR), 'v' || (i % 5 + 1),
                   {types}[1 + (hash(i) % {len(TYPES)})::INTEGER], NULL, NULL, 'actor',
                   CASE WHEN i % 97 = 0 THEN 'Prime Minister ' || (i % 1000) ELSE 'Actor ' || (i % 5000) END,
                   {ctry}[1 + (hash(i + 1) % {len(COUNTRIES)})::INTEGER],
                   CASE WHEN i % 3 = 0 THEN 'MIL' ELSE 'GOV' END,
                   'Target ' || (i % 3000),
                   {ctry}[1 + (hash(i + 2) % {len(COUNTRIES)})::INTEGER], 'GOV',
                   NULL, 'article', DATE '2023-01-01' + ((i // 5) % 730)::INTEGER,
                   'Town ' || (i % 2000), {ctry}[1 + (hash(i + 3) % {len(COUNTRIES)})::INTEGER],
                   (i % 180) - 90.0, (i % 360) - 180.0,
                   CASE WHEN i % 10 = 0 THEN 'negated' WHEN i % 10 = 1 THEN 'future' ELSE 'asserted' END,
                   (hash(i + 4) % 1000) / 1000.0, 'trigger', 10, 17, 0, 120,
                   'Sentence ' || i || CASE WHEN i % 500 = 3 THEN ' near the airport' ELSE ' in town' END
            FROM range({n_events}) t(i)"""
        )  # fmt: skip
        print(f"generated in {time.perf_counter() - t0:.1f} s")
        D = dt.date
        cases = [
            ("type + actor country + one month", EventFilter(
                types=["ASSAULT"], actor_country=["USA"], since=D(2024, 3, 1), until=D(2024, 3, 31))),
            ("target country + sector", EventFilter(target_country=["IRQ"], actor_sector=["MIL"])),
            ("name contains 'prime minister'", EventFilter(name="prime minister")),
            ("location country + min confidence", EventFilter(country=["UKR"], min_confidence=0.9)),
            ("text contains 'airport'", EventFilter(text="airport")),
            ("factuality any, one week", EventFilter(factuality=["any"], since=D(2023, 6, 1),
                                                     until=D(2023, 6, 7))),
        ]  # fmt: skip
        print(
            "query                                   rows(limit 100)  ms(limit 100)  count(*)  ms(count)"
        )
        for label, flt in cases:
            sql, params = events_sql(flt, limit=100)
            times, n = [], 0
            for _ in range(5):
                t = time.perf_counter()
                n = len(store.execute(sql, params).fetchall())
                times.append((time.perf_counter() - t) * 1000)
            where, wparams = flt.where()
            csql = f"SELECT count(*) FROM events e WHERE {where}"
            ctimes, total = [], 0
            for _ in range(5):
                t = time.perf_counter()
                total = store.execute(csql, wparams).fetchall()[0][0]
                ctimes.append((time.perf_counter() - t) * 1000)
            print(f"{label:<40}{n:>8}  {statistics.median(times):>13.0f}  {total:>9,}  "
                  f"{statistics.median(ctimes):>8.0f}")  # fmt: skip
        t = time.perf_counter()
        rows = export(store.con, "parquet", Path(tmp) / "all.parquet",
                      flt=EventFilter(factuality=["any"]))  # fmt: skip
        print(f"export parquet: {rows:,} rows in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        rows = export(store.con, "gdelt", Path(tmp) / "all.tsv")
        print(f"export gdelt: {rows:,} rows in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        n = cluster_store(store)
        print(f"clustering: {n:,} clusters in {time.perf_counter() - t:.1f} s")
        store.close()


STORY_TRIGGERS = ["killed", "attacked", "shelled", "bombed", "raided", "seized"]


def _story_rows(
    store: object, lo: int, hi: int, day_sql: str, first_article: int, story_ids: bool = False
) -> None:
    """Insert synthetic mentions ``lo..hi-1`` (mention ``i`` reports story ``i // 3``; each
    story has its own actor, place, trigger and sentence words; each mention varies one
    word) and one article per mention."""
    trig = "['" + "','".join(STORY_TRIGGERS) + "']"
    types = "['" + "','".join(TYPES) + "']"
    words = " || ' ' || ".join(f"'w' || lw(hash(i // 3 * 8 + {j}) % 3000)" for j in range(8))
    store.execute(  # type: ignore[attr-defined]
        f"""INSERT INTO articles (id, record_id, date, source, url, text, status,
            pipeline_version, run_id, n_events)
        SELECT md5('s' || i::VARCHAR), 'r' || i, {day_sql}, 'source' || (i % 50),
               'https://s' || (i % 50) || '.example/' || i, 'text', 'ok', 'synthetic', 1, 1
        FROM range({lo}, {hi}) t(i)"""
    )
    store.execute(  # type: ignore[attr-defined]
        f"""INSERT INTO events (article_id, event_id, type, actor_text, actor_name,
            actor_country, target_name, target_country, date, date_source, day,
            location_name, location_country, location_lat, location_lon, factuality,
            confidence, trigger_text, trigger_start, trigger_end, sentence_start,
            sentence_end, sentence, cluster_id)
        SELECT md5('s' || i::VARCHAR), 'v1', {types}[1 + (hash(i // 3) % {len(TYPES)})::INTEGER],
               'actor', 'the ' || lw(hash(i // 3 + 1) % 5000) || 'ists',
               {_list(COUNTRIES)}[1 + (hash(i // 3 + 2) % {len(COUNTRIES)})::INTEGER],
               CASE WHEN i % 2 = 0 THEN 'President ' || lw(hash(i // 3 + 3) % 3000) END,
               NULL, NULL, 'article', {day_sql},
               'P' || lw(hash(i // 3 + 4) % 2000),
               {_list(COUNTRIES)}[1 + (hash(i // 3 + 2) % {len(COUNTRIES)})::INTEGER],
               (hash(i // 3 + 4) % 2000) / 20.0 - 50.0, (hash(i // 3 + 4) % 2000) / 10.0 - 100.0,
               'asserted', (hash(i + 9) % 1000) / 1000.0,
               {trig}[1 + (hash(i // 3 + 5) % {len(STORY_TRIGGERS)})::INTEGER], 10, 17, 0, 80,
               'The ' || lw(hash(i // 3 + 1) % 5000) || 'ists '
                 || {trig}[1 + (hash(i // 3 + 5) % {len(STORY_TRIGGERS)})::INTEGER] || ' '
                 || {words} || ' w' || lw(hash(i) % 3000) || ' near '
                 || 'P' || lw(hash(i // 3 + 4) % 2000),
               {"i // 3 + 1" if story_ids else "NULL"}
        FROM range({lo}, {hi}) t(i)"""
    )  # fmt: skip


def _list(values: list[str]) -> str:
    return "['" + "','".join(values) + "']"


def stories_child(db: str, base: int, batches: int, size: int) -> None:
    from eventwire.store import Store
    from eventwire.store.cluster import update_clusters

    store = Store(db)
    store.execute(
        "CREATE MACRO IF NOT EXISTS lw(k) AS chr(97 + (k % 26)::INTEGER) "
        "|| chr(97 + ((k // 26) % 26)::INTEGER) || chr(97 + ((k // 676) % 26)::INTEGER)"
    )
    last = store.scalar("SELECT max(day) FROM events")
    times: list[float] = []
    cpu: list[float] = []  # CPU seconds of this process (all threads): the wall time when idle
    for b in range(batches):
        lo = base + b * size
        day = f"DATE '{last.isoformat()}' + {b + 1}"
        _story_rows(store, lo, lo + size, day, lo)
        t, c = time.perf_counter(), time.process_time()
        n = update_clusters(store)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        merged = store.scalar(
            "SELECT count(*) FROM events WHERE cluster_id IS NOT NULL AND day = " + day
        )
        print(f"  batch {b + 1}: {n:,} new mentions clustered in {times[-1]:.2f} s "
              f"(CPU {cpu[-1]:.2f} s) "
              f"({merged:,} clustered on that day; "
              f"{store.scalar('SELECT count(*) FROM clusters'):,} stories in the store)")  # fmt: skip
    store.close()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  per batch: median {statistics.median(times):.2f} s, max {max(times):.2f} s "
          f"(CPU median {statistics.median(cpu):.2f} s, max {max(cpu):.2f} s); "
          f"peak RSS of the batch process {rss:.0f} MiB")  # fmt: skip


def bench_stories(n: int, batches: int, size: int = 10_000, full: bool = True) -> None:
    from eventwire.store import Store
    from eventwire.store.cluster import cluster_store

    print(f"\n== stories: {n:,} stored asserted mentions, {batches} batches of {size:,}")
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "st.duckdb")
        store = Store(db)
        store.execute(
            "CREATE MACRO lw(k) AS chr(97 + (k % 26)::INTEGER) "
            "|| chr(97 + ((k // 26) % 26)::INTEGER) || chr(97 + ((k // 676) % 26)::INTEGER)"
        )
        t = time.perf_counter()
        _story_rows(
            store, 0, n, f"DATE '2023-01-01' + (i * 730 // {n})::INTEGER", 0, story_ids=not full
        )
        print(f"generated in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        if full:
            k = cluster_store(store)
            print(f"full clustering: {k:,} stories in {time.perf_counter() - t:.1f} s")
        else:  # the stories the data was generated with, as a full recompute would find
            from eventwire.store.cluster import _CLUSTER_ROWS

            store.execute("INSERT INTO clusters " + _CLUSTER_ROWS.replace("{cond}", ""))
            k = store.scalar("SELECT count(*) FROM clusters")
            print(f"stored with their generated stories ({k:,}; no full clustering)")
        store.close()
        subprocess.run(
            [sys.executable, __file__, "--stories-child", db, "--stories", str(n),
             "--story-batches", str(batches)],
            check=True,
        )  # fmt: skip


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000,50000")
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--skip-ingest", action="store_true")
    ap.add_argument("--skip-queries", action="store_true")
    ap.add_argument("--stories", type=int, default=0, help="story bench: stored mentions")
    ap.add_argument("--story-batches", type=int, default=5)
    ap.add_argument(
        "--no-full",
        action="store_true",
        help="story bench: store the generated stories instead of a full clustering",
    )
    ap.add_argument("--stories-child", help=argparse.SUPPRESS)
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        ingest_child(args.child, args.db, args.batch)
        return 0
    if args.stories_child:
        stories_child(args.stories_child, args.stories, args.story_batches, 10_000)
        return 0
    if args.stories:
        bench_stories(args.stories, args.story_batches, full=not args.no_full)
        return 0
    if not args.skip_ingest:
        bench_ingest([int(x) for x in args.sizes.split(",")], args.batch)
    if not args.skip_queries:
        bench_queries(args.events)
    return 0


if __name__ == "__main__":
    sys.exit(main())
