"""Event dates (issue #19): time-to-event scoping, story-relative offsets, dates shared
between mentions of the same action and the story's day.

All sentences are our own. Records come from the session ``pipeline`` fixture.
"""

from __future__ import annotations

from typing import Any

import pytest

from eventwire.events.coref import share_dates
from eventwire.record import Actor, ArticleRecord, Event, Trigger


def events_of(pipeline: Any, text: str, pub: str) -> list[Event]:
    rec: ArticleRecord = pipeline.extract(text, pub)
    return rec.events


def one(events: list[Event], type_: str, trigger: str) -> Event:
    hits = [e for e in events if e.type == type_ and e.trigger.text.lower() == trigger]
    assert len(hits) == 1, [(e.type, e.trigger.text, e.date) for e in events]
    return hits[0]


def test_a_time_in_a_relative_clause_is_not_the_events(pipeline: Any) -> None:
    evs = events_of(pipeline, "Troops were deployed to the valley where rebels had hidden in 1992.", "2020-01-08")  # fmt: skip
    ev = one(evs, "MOBILIZE", "deployed")
    assert ev.date == "2020-01-08" and ev.date_source == "article"


def test_a_threatened_attacks_time_does_not_date_the_threat(pipeline: Any) -> None:
    # published Wednesday 2020-01-08: the threatened attack is on the coming Friday
    evs = events_of(
        pipeline, "The militants threatened to attack the base on Friday.", "2020-01-08"
    )
    threat = one(evs, "THREATEN", "threatened")
    assert threat.date == "2020-01-08"
    attack = one(evs, "ASSAULT", "attack")
    assert attack.factuality != "asserted"
    assert attack.date == "2020-01-10"  # a future weekday is resolved forwards


def test_a_time_after_a_relation_word_dates_the_other_event(pipeline: Any) -> None:
    evs = events_of(
        pipeline,
        "Protesters gathered outside the hotel ahead of next Tuesday's vote.",
        "2020-01-10",
    )
    assert one(evs, "PROTEST", "gathered").date == "2020-01-10"
    evs = events_of(
        pipeline,
        "The email was sent at 7:19 p.m. on January 2, three hours after the attack on the "
        "consulate.",
        "2020-01-20",
    )
    assert one(evs, "ASSAULT", "attack").date == "2020-01-20"


def test_a_time_inside_a_quote_stays_in_the_quote(pipeline: Any) -> None:
    evs = events_of(
        pipeline,
        '"We attacked the convoy on Monday," the commander said.\n\n'
        "Soldiers later shelled the village.",
        "2020-01-10",
    )
    assert one(evs, "ASSAULT", "attacked").date == "2020-01-06"
    shelled = one(evs, "ASSAULT", "shelled")
    assert shelled.date == "2020-01-10" and shelled.date_source == "article"


def test_three_days_later_counts_from_the_story_time(pipeline: Any) -> None:
    evs = events_of(
        pipeline,
        "Rebels captured the town on Friday. Three days later, government forces shelled the town.",
        "2020-01-08",
    )
    assert one(evs, "COERCE", "captured").date == "2020-01-03"
    shelled = one(evs, "ASSAULT", "shelled")
    assert shelled.date == "2020-01-06" and shelled.date_source == "relative"


def test_clock_time_dates_the_event_not_a_year(pipeline: Any) -> None:
    evs = events_of(pipeline, "Gunmen attacked the post at 1030 am on Monday.", "2020-01-10")
    assert one(evs, "ASSAULT", "attacked").date == "2020-01-06"


def test_undated_reports_take_the_storys_day(pipeline: Any) -> None:
    # published Friday; the story is Wednesday's; the later paragraphs give no time
    evs = events_of(
        pipeline,
        "Protesters marched through the capital on Wednesday.\n\n"
        "The opposition leader accused the government of corruption.\n\n"
        "Police said officers arrested dozens of demonstrators.",
        "2020-01-10",
    )
    for type_, trig in (("PROTEST", "marched"), ("ACCUSE", "accused"), ("COERCE", "arrested")):
        assert one(evs, type_, trig).date == "2020-01-08", trig


def test_a_printed_publication_date_is_not_the_storys_day(pipeline: Any) -> None:
    evs = events_of(
        pipeline,
        "This story is from January 10, 2020.\n\nPolice arrested dozens of demonstrators.",
        "2020-01-10",
    )
    assert one(evs, "COERCE", "arrested").date == "2020-01-10"


def test_without_a_publication_date_relative_times_count_from_the_printed_date(
    pipeline: Any,
) -> None:
    evs = events_of(
        pipeline,
        "Published on July 25, 2005.\n\nThe striker agreed to a six-year deal with the club on Saturday.",
        None,  # type: ignore[arg-type]
    )
    assert one(evs, "AGREE", "agreed").date == "2005-07-23"


def _event(eid: str, trigger: str, start: int, date: str | None, source: str | None) -> Event:
    return Event(
        id=eid,
        type="ASSAULT",
        actor=Actor(text="gunmen"),
        date=date,
        date_source=source,  # type: ignore[arg-type]
        trigger=Trigger(text=trigger, span=(start, start + len(trigger))),
        sentence_span=(start, start + 40),
    )


def test_a_mention_without_a_time_takes_the_date_of_the_same_action() -> None:
    dated = _event("v1", "shootings", 10, "2020-03-03", "relative")
    later = _event("v2", "shootings", 200, "2020-04-01", "article")
    other = _event("v3", "bombing", 300, "2020-04-01", "article")
    share_dates([dated, later, other])
    assert (later.date, later.date_source) == ("2020-03-03", "coreference")
    assert (other.date, other.date_source) == ("2020-04-01", "article")


def test_conflicting_arguments_block_date_sharing() -> None:
    dated = _event("v1", "attack", 10, "2020-03-03", "explicit")
    dated.target = Actor(text="the base", country="IRQ")
    later = _event("v2", "attack", 200, "2020-04-01", "article")
    later.target = Actor(text="the embassy", country="SYR")
    share_dates([dated, later])
    assert later.date == "2020-04-01"


@pytest.mark.parametrize("pub", ["2020-01-08"])
def test_present_tense_states_keep_the_publication_date(pipeline: Any, pub: str) -> None:
    evs = events_of(
        pipeline,
        "Rebels attacked the town on Monday.\n\nThe army continues to deploy troops in the north.",
        pub,
    )
    assert one(evs, "ASSAULT", "attacked").date == "2020-01-06"


def test_an_ongoing_state_keeps_the_publication_date(pipeline: Any) -> None:
    evs = events_of(
        pipeline,
        "Prosecutors investigated Acme Corp last month.\n\n"
        "Acme Corp is being investigated by prosecutors in Ohio.",
        "2020-01-10",
    )
    dates = sorted((e.date, e.date_source) for e in evs if e.type == "ACCUSE")
    assert dates == [("2019-12", "relative"), ("2020-01-10", "article")]
