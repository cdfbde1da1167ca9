"""Factuality scope and "one action, one event" (issues #17 part 4 and #18 error classes
4 and 5), on sentences we wrote: epistemic adverbs and governors, shared auxiliaries
of conjoined verbs, a demanded noun reached through its preposition, deferral verbs,
headline infinitives, commitments; an event noun and the relative clause that tells its
action; a name split off its sentence by a stray full stop; lexicon phrases added for
unseen news."""

from __future__ import annotations

from typing import Any

import pytest

from eventwire.record import ArticleRecord, Event

DATE = "2024-05-06"  # a Monday


@pytest.fixture(scope="module")
def extract(pipeline: Any) -> Any:
    def run(text: str) -> ArticleRecord:
        return pipeline.extract(text, DATE)  # type: ignore[no-any-return]

    return run


def events_on(rec: ArticleRecord, trigger: str) -> list[Event]:
    return [e for e in rec.events if e.trigger.text.lower().startswith(trigger)]


def one(rec: ArticleRecord, type_: str, trigger: str) -> Event:
    hits = [e for e in events_on(rec, trigger) if e.type == type_]
    assert len(hits) == 1, [(e.type, e.trigger.text, e.factuality) for e in rec.events]
    return hits[0]


@pytest.mark.parametrize(
    ("text", "type_", "trigger", "label"),
    [
        # an epistemic adverb on the event's verb
        ("Investigators said the engineer had probably been killed by the rebels.",
         "ASSAULT", "killed", "hypothetical"),
        # the content of a belief
        ("The family said they believed the engineer had been kidnapped by the rebels.",
         "ASSAULT", "kidnapped", "hypothetical"),
        # a modal shared by conjoined bare verbs
        ("The governor may lift or relax the curfew in the northern districts.",
         "CONCEDE", "relax", "hypothetical"),
        # the demanded action, reached through "call for"
        ("The resolution calls for the army's withdrawal from the border zone.",
         "RETREAT", "withdrawal", "future"),
        # deferral: the visit has not happened
        ("The minister deferred his visit to Lagos because of the floods.",
         "CONSULT", "visit", "negated"),
        # a headline infinitive: a plan
        ("To withdraw troops from the capital.", "RETREAT", "withdraw", "future"),
        # the second preposition of "call for"
        ("The resolution calls for a ceasefire, and for the deployment of troops along the border.",
         "MOBILIZE", "deployment", "future"),
        # a wish, a suggestion, nearness
        ("The ministry indicated its interest in resuming talks with the union.",
         "CONSULT", "resuming", "future"),
        ("The company is close to completing a deal with the port authority.",
         "AGREE", "deal", "future"),
        ("Officials warned of a pending invasion of the island.",
         "ASSAULT", "invasion", "future"),
        # a commitment is not the act
        ("The council said it was committed to opposing the new militia.",
         "REJECT", "opposing", "future"),
    ],
)  # fmt: skip
def test_not_asserted(extract: Any, text: str, type_: str, trigger: str, label: str) -> None:
    rec = extract(text)
    hits = [e for e in events_on(rec, trigger) if e.type == type_]
    assert hits, [(e.type, e.trigger.text, e.factuality) for e in rec.events]
    assert all(e.factuality == label for e in hits), [(e.trigger.text, e.factuality) for e in hits]


@pytest.mark.parametrize(
    ("text", "type_", "trigger"),
    [
        ("Police said the rebels killed the engineer and wounded his driver.", "ASSAULT", "killed"),
        ("The governor lifted the curfew and relaxed the restrictions.", "CONCEDE", "lifted"),
        ("The army withdrew its troops from the border zone.", "RETREAT", "withdrew"),
    ],
)  # fmt: skip
def test_asserted_acts_stay_asserted(extract: Any, text: str, type_: str, trigger: str) -> None:
    assert one(extract(text), type_, trigger).factuality == "asserted"


def test_event_noun_and_its_relative_clause_are_one_event(extract: Any) -> None:
    rec = extract(
        "The army condemned a rocket attack ordered by a militia commander who killed "
        "three guards at the depot on Friday."
    )
    assaults = [e for e in rec.events if e.type == "ASSAULT" and e.factuality == "asserted"]
    assert len(assaults) == 1, [(e.trigger.text, e.date) for e in assaults]
    assert assaults[0].trigger.text == "killed"


def test_name_split_off_its_sentence_continues_it(extract: Any) -> None:
    # a stray full stop after a title splits "the President. Jane Roe who ..." in two
    rec = extract(
        "The talks come after an air strike ordered by the President. Jane Roe who "
        "killed the rebel commander on Friday."
    )
    assaults = [e for e in rec.events if e.type == "ASSAULT" and e.factuality == "asserted"]
    assert len(assaults) == 1, [(e.trigger.text, e.date) for e in assaults]
    assert assaults[0].trigger.text == "killed"
    assert assaults[0].date == "2024-05-03"


def test_separate_sentences_stay_separate_events(extract: Any) -> None:
    rec = extract(
        "Rebels shelled the town on Friday. On Sunday, soldiers killed two rebel fighters."
    )
    assaults = [e for e in rec.events if e.type == "ASSAULT" and e.factuality == "asserted"]
    assert len(assaults) == 2


@pytest.mark.parametrize(
    ("text", "type_", "trigger"),
    [
        ("Thousands of students took to the streets of Accra on Saturday.", "PROTEST", "took"),
        ("The senator lashed out at the governor over the budget.", "ACCUSE", "lashed"),
        ("The suspect was held without bail after the hearing.", "COERCE", "held"),
        ("A crowd broke through a police cordon outside parliament.", "PROTEST", "broke"),
    ],
)  # fmt: skip
def test_added_phrases(extract: Any, text: str, type_: str, trigger: str) -> None:
    assert one(extract(text), type_, trigger).factuality == "asserted"


def test_who_names_the_person_not_the_organisation_he_heads(extract: Any) -> None:
    rec = extract(
        "Protesters carried posters of General Amir Rostami, the head of the elite border "
        "force, who was killed in an air strike on Friday."
    )
    ev = one(rec, "ASSAULT", "killed")
    assert ev.target is not None
    assert "Rostami" in (ev.target.name or ev.target.text or "")
