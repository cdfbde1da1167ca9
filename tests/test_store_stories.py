"""Stories: mention-pair evidence, incremental clustering equal to a full recompute,
``--stories`` outputs and the GDELT counts, on a small corpus we wrote with known
duplicates (the same event reported by several outlets)."""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from eventwire import cli
from eventwire.read import ArticleInput, parse_date
from eventwire.record import Actor, ArticleRecord, Event, Location, Trigger
from eventwire.store import EventFilter, Store, ingest
from eventwire.store.cluster import cluster_store, update_clusters
from eventwire.store.export import export
from eventwire.store.pairs import (
    FEATURES,
    PairModel,
    default_model,
    features,
    make_mention,
    name_key,
    numbers,
    stem,
)
from eventwire.store.query import stories_sql

# ----------------------------------------------------------------------------- pair evidence


def test_stems_and_names() -> None:
    assert stem("killed") == stem("killing") == stem("kills") == stem("kill")
    assert stem("stopped") == stem("stopping") == stem("stop")
    # a group named with or without its article or a group noun
    assert name_key("the Northern Front") & name_key("Northern Front fighters")
    # a person by full name with a title, and by surname
    assert name_key("President Maria Okonkwo") & name_key("Okonkwo")
    # a title alone identifies nobody
    assert not name_key("President Ada Bell") & name_key("President Joe Tam")


def test_numbers_agree() -> None:
    assert numbers("Gunmen killed 12 people") & numbers("at least 12 were killed")
    assert numbers("twelve people died") & numbers("12 people died")
    assert numbers("1,200 troops") == {1200}
    assert not numbers("in 2024 the army left")  # a year is not a count


def _row(**kw: Any) -> dict[str, Any]:
    base = {
        "article_id": "a", "event_id": "v1", "type": "ASSAULT", "dayn": 100, "date": None,
        "date_source": "article", "trigger_text": "attacked", "cameo": None,
        "actor_name": None, "actor_text": None, "actor_country": None, "target_name": None,
        "target_text": None, "target_country": None, "location_name": None,
        "location_country": None, "location_lat": None, "location_lon": None,
        "sentence": "",
    }  # fmt: skip
    base.update(kw)
    return base


def test_features_and_model() -> None:
    a = make_mention(0, _row(
        actor_name="Northern Front", trigger_text="killed", date="2024-05-02",
        date_source="explicit", sentence="Northern Front gunmen killed 12 villagers in Karvala.",
        location_name="Karvala", location_lat=10.0, location_lon=20.0, location_country="XXA",
    ))  # fmt: skip
    b = make_mention(1, _row(
        article_id="b", actor_text="the Northern Front", trigger_text="killing",
        date="2024-05", date_source="explicit",
        sentence="The Northern Front is blamed for killing at least 12 villagers in Karvala.",
        location_name="Karvala", location_lat=10.1, location_lon=20.1, location_country="XXA",
    ))  # fmt: skip
    x = dict(zip(FEATURES, features(a, b, 100.0), strict=True))
    assert x["same_trigger"] == x["actor_agree"] == x["place_agree"] == 1.0
    assert x["date_agree"] == 1.0 and x["date_clash"] == 0.0  # 2024-05-02 within 2024-05
    assert x["numbers_agree"] == 1.0 and x["numbers_clash"] == 0.0
    assert 0.3 < x["sentence_cosine"] < 1.0
    assert x["same_article"] == 0.0
    c = make_mention(2, _row(
        article_id="c", actor_name="Coastal Militia", trigger_text="killed",
        sentence="Coastal Militia fighters killed 3 fishermen near Dorvik.",
        location_name="Dorvik", location_lat=40.0, location_lon=-5.0, location_country="XXB",
    ))  # fmt: skip
    y = dict(zip(FEATURES, features(a, c, 100.0), strict=True))
    assert y["actor_clash"] == y["place_clash"] == y["numbers_clash"] == 1.0
    model = default_model()
    assert model.score(features(a, b, 100.0)) >= model.threshold
    assert model.score(features(a, c, 100.0)) < model.threshold
    # the weights file round-trips and names every feature
    assert PairModel.from_json(model.to_json()) == model
    with pytest.raises(ValueError, match="lack feature"):
        PairModel.from_json({"weights": {}, "bias": 0, "threshold": 0.5})


# ----------------------------------------------------------------------------- our corpus

#: Event specs per article: (type, trigger word, actor, target, place, country, lat, lon, date)
Spec = tuple[str, str, str | None, str | None, str | None, str | None, float, float, str | None]


class SpecPipeline:
    """Records built from per-article event specs; the trigger's span is found in the text."""

    version = "spec-1"

    def __init__(self, specs: dict[str, list[Spec]]) -> None:
        self.specs = specs

    def process(self, articles: Iterable[ArticleInput]) -> Iterator[ArticleRecord]:
        for art in articles:
            events = []
            for n, (typ, trig, actor, target, place, cty, lat, lon, date) in enumerate(
                self.specs.get(art.id or "", []), 1
            ):
                s = art.text.index(trig)
                sent0 = art.text.rfind(".", 0, s) + 1
                sent1 = art.text.find(".", s) + 1 or len(art.text)
                events.append(
                    Event(
                        id=f"v{n}",
                        type=typ,  # type: ignore[arg-type]
                        actor=Actor(text=actor, name=actor) if actor else None,
                        target=Actor(text=target, name=target) if target else None,
                        date=date,
                        date_source="explicit" if date else "article",
                        location=Location(text=place, name=place, country=cty, lat=lat, lon=lon)
                        if place
                        else None,
                        trigger=Trigger(text=trig, span=(s, s + len(trig))),
                        sentence_span=(sent0 + (art.text[sent0 : sent0 + 1] == " "), sent1),
                        confidence=0.8,
                    )
                )
            yield ArticleRecord(
                id=art.id, date=art.date.isoformat() if art.date else None, source=art.source,
                url=art.url, text=art.text, events=events,
            )  # fmt: skip


PAD = (
    " Officials gave no further details. Residents described a tense night, and the "
    "regional council met in the morning to discuss the situation."
)

#: articles: id → (source, text, events). Three real events, reported by several outlets:
#: the Karvala bombing (4 articles, 3 outlets), the Senna protest (2), and an unrelated
#: attack in Dorvik on the same day; plus a reprint of the first article (a near-copy).
CORPUS: dict[str, tuple[str, str, list[Spec]]] = {
    "k1": ("Wire One", "A car bomb killed 12 people at the central market in Karvala on "
           "Tuesday, and the Northern Front claimed the attack." + PAD + " Roads were shut.",
           [("ASSAULT", "killed", "Northern Front", None, "Karvala", "XXA", 10.0, 20.0,
             "2024-05-07")]),
    "k2": ("Daily Two", "At least 12 people were killed when a bomb exploded at a busy market "
           "in Karvala; Northern Front fighters said they carried it out." + PAD,
           [("ASSAULT", "killed", "Northern Front fighters", None, "Karvala", "XXA", 10.01,
             20.02, "2024-05-07")]),
    "k3": ("Radio Three", "The Northern Front bombing of the Karvala market killed twelve "
           "people, the health ministry said." + PAD,
           [("ASSAULT", "killed", "the Northern Front", None, "Karvala", "XXA", 10.0, 20.0,
             None)]),
    "k4": ("Wire One", "Mourners buried the 12 people the Northern Front killed in "
           "Tuesday's market bombing in Karvala." + PAD,
           [("ASSAULT", "killed", "the Northern Front", None, "Karvala", "XXA", 10.0, 20.0,
             "2024-05-07")]),
    "p1": ("Daily Two", "Thousands of teachers protested outside parliament in Senna over "
           "unpaid wages." + PAD,
           [("PROTEST", "protested", "teachers", None, "Senna", "XXB", 30.0, 5.0, None)]),
    "p2": ("Radio Three", "Teachers protested in Senna for a third day, demanding wages owed "
           "since March." + PAD,
           [("PROTEST", "protested", "teachers' union", None, "Senna", "XXB", 30.02, 5.01,
             None)]),
    "d1": ("Wire One", "Coastal Militia gunmen killed 3 fishermen near the port of Dorvik "
           "before dawn." + PAD,
           [("ASSAULT", "killed", "Coastal Militia", None, "Dorvik", "XXC", 40.0, -5.0,
             "2024-05-07")]),
}  # fmt: skip


def corpus_inputs() -> list[ArticleInput]:
    out = [
        ArticleInput(text=text, id=aid, date=parse_date("2024-05-07"), source=src,
                     url=f"https://{src.lower().replace(' ', '')}.example/{aid}", origin=aid)
        for aid, (src, text, _ev) in CORPUS.items()
    ]  # fmt: skip
    reprint = CORPUS["k1"][1].replace("Roads were shut.", "Roads were closed.")
    out.append(
        ArticleInput(text=reprint, id="k1copy", date=parse_date("2024-05-07"),
                     source="Reprint Four", origin="k1copy")
    )  # fmt: skip
    return out


def specs() -> dict[str, list[Spec]]:
    out = {aid: ev for aid, (_s, _t, ev) in CORPUS.items()}
    out["k1copy"] = CORPUS["k1"][2]
    return out


@pytest.fixture()
def stories_store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "s.duckdb")
    ingest(s, SpecPipeline(specs()), corpus_inputs())
    update_clusters(s)
    yield s
    s.close()


def _partition(s: Store) -> set[frozenset[str]]:
    groups: dict[int, set[str]] = {}
    for rid, eid, cid in s.execute(
        "SELECT a.record_id, e.event_id, e.cluster_id FROM events e "
        "JOIN articles a ON a.id = e.article_id WHERE e.cluster_id IS NOT NULL"
    ).fetchall():
        groups.setdefault(cid, set()).add(f"{rid}:{eid}")
    return {frozenset(g) for g in groups.values()}


def test_known_duplicates_are_one_story(stories_store: Store) -> None:
    s = stories_store
    assert s.scalar("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL") == 1
    parts = _partition(s)
    assert frozenset({"k1:v1", "k2:v1", "k3:v1", "k4:v1"}) in parts
    assert frozenset({"p1:v1", "p2:v1"}) in parts
    assert frozenset({"d1:v1"}) in parts
    assert len(parts) == 3  # the reprint's event is not a mention of its own
    sql, params = stories_sql(EventFilter())
    rows = [dict(zip([d[0] for d in s.execute(sql, params).description], r, strict=True))
            for r in s.execute(sql, params).fetchall()]  # fmt: skip
    by_type = {(r["type"], r["n_mentions"]): r for r in rows}
    k = by_type[("ASSAULT", 4)]
    assert (k["n_articles"], k["n_sources"], len(k["mention_ids"])) == (4, 3, 4)
    assert k["first_day"].isoformat() == k["last_day"].isoformat() == "2024-05-07"
    assert by_type[("PROTEST", 2)]["n_sources"] == 2
    assert by_type[("ASSAULT", 1)]["actor_name"] == "Coastal Militia"
    # filters select stories through their mentions
    sql, params = stories_sql(EventFilter(types=["PROTEST"]))
    assert len(s.execute(sql, params).fetchall()) == 1


def test_incremental_equals_full_recompute(tmp_path: Path) -> None:
    """Articles arriving in batches (each batch clustered into the stored stories) give
    the same stories as one full recompute, including stories a later batch merges."""
    rng = random.Random(7)
    groups = ["Northern Front", "Coastal Militia", "River Brigade", "Hill Guard"]
    towns = [("Karvala", 10.0, 20.0), ("Dorvik", 40.0, -5.0), ("Senna", 30.0, 5.0)]
    spec: dict[str, list[Spec]] = {}
    inputs = []
    for i in range(120):
        g, (town, lat, lon) = rng.choice(groups), rng.choice(towns)
        verb = rng.choice(["killed", "attacked", "shelled"])
        n = rng.choice([3, 5, 12])
        day = f"2024-05-{rng.randint(1, 9):02d}"
        text = f"{g} fighters {verb} {n} people in {town} in report {i}." + PAD
        spec[f"r{i}"] = [("ASSAULT", verb, g, None, town, "XXA", lat, lon, day)]
        inputs.append(ArticleInput(text=text, id=f"r{i}", date=parse_date(day),
                                   source=f"S{i % 5}", origin=f"r{i}"))  # fmt: skip
    pipe = SpecPipeline(spec)
    inc = Store(tmp_path / "inc.duckdb")
    for k in range(0, len(inputs), 25):  # batches out of day order
        ingest(inc, pipe, inputs[k : k + 25])
        update_clusters(inc)
    full = Store(tmp_path / "full.duckdb")
    ingest(full, pipe, inputs)
    cluster_store(full)
    p_inc, p_full = _partition(inc), _partition(full)
    assert p_inc == p_full
    assert any(len(g) > 2 for g in p_full)  # the data has real stories
    assert len(p_full) > 5  # and does not collapse into one
    # the clusters table agrees with the events
    for st in (inc, full):
        assert (
            st.scalar(
                "SELECT count(*) FROM clusters c WHERE n_mentions <> "
                "(SELECT count(*) FROM events e WHERE e.cluster_id = c.cluster_id)"
            )
            == 0
        )
        assert st.scalar("SELECT count(*) FROM clusters") == len(p_full)
    inc.close()
    full.close()


def test_gdelt_counts_and_stories_exports(stories_store: Store, tmp_path: Path) -> None:
    con = stories_store.con
    n = export(con, "gdelt", tmp_path / "g.tsv")
    with (tmp_path / "g.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert n == len(rows) == 7  # every mention of a canonical article
    karvala = [r for r in rows if r["ActionGeo_FullName"] == "Karvala"]
    assert len(karvala) == 4
    assert {(r["NumMentions"], r["NumSources"], r["NumArticles"]) for r in karvala} == {
        ("4", "3", "4")
    }
    # one row per story: the representative mention with the story's counts
    n = export(con, "gdelt", tmp_path / "gs.tsv", flt=EventFilter(stories=True))
    with (tmp_path / "gs.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert n == 3
    assert sorted(int(r["NumMentions"]) for r in rows) == [1, 2, 4]
    n = export(con, "jsonl", tmp_path / "s.jsonl", flt=EventFilter(stories=True))
    lines = [json.loads(x) for x in (tmp_path / "s.jsonl").read_text().splitlines()]
    assert n == 3 and sorted(len(x["mention_ids"]) for x in lines) == [1, 2, 4]
    n = export(con, "csv", tmp_path / "s.csv", flt=EventFilter(stories=True))
    with (tmp_path / "s.csv").open(encoding="utf-8") as fh:
        crow = list(csv.DictReader(fh))
    assert n == 3 and all(json.loads(r["mention_ids"]) for r in crow)
    assert export(con, "plover", tmp_path / "p.jsonl", flt=EventFilter(stories=True)) == 3


def test_query_stories_cli(stories_store: Store, tmp_path: Path) -> None:
    db = Path(stories_store.path) if hasattr(stories_store, "path") else tmp_path / "s.duckdb"
    stories_store.close()
    r = CliRunner().invoke(cli.app, ["query", "--stories", "--format", "jsonl", "--db", str(db)])
    assert r.exit_code == 0, r.output
    rows = [json.loads(x) for x in r.stdout.splitlines()]
    assert sorted(x["n_mentions"] for x in rows) == [1, 2, 4]
    r = CliRunner().invoke(cli.app, ["query", "--stories", "--type", "PROTEST", "--db", str(db)])
    assert r.exit_code == 0 and "1 story" in r.output
    out = tmp_path / "g.tsv"
    r = CliRunner().invoke(
        cli.app, ["export", "--stories", "-f", "gdelt", "-o", str(out), "--db", str(db)]
    )
    assert r.exit_code == 0 and "3 story row(s)" in r.output
