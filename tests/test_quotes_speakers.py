"""Speaker attribution across sentences (issue 19): speaker runs, descriptions,
appositions, attribution patterns, outlets and addressees, glued marks.

Sentences are our own (fictional people, outlets and places)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from eventwire import record
from eventwire.errors import DataFileError
from eventwire.nlp import load_model
from eventwire.quotes import find_quotes, load_cues, load_descriptions


@pytest.fixture(scope="session")
def nlp() -> Any:
    return load_model()


def speakers(nlp: Any, text: str) -> dict[str, record.Speaker | None]:
    """Quote text -> speaker, for the direct quotes of ``text``."""
    doc = nlp(text)
    out: dict[str, record.Speaker | None] = {}
    for q in find_quotes(doc):
        assert q.text == doc.text[q.span[0] : q.span[1]]
        if q.speaker is not None and q.speaker.span is not None:
            s, e = q.speaker.span
            assert q.speaker.text == doc.text[s:e]
        if q.kind == "direct":
            out[q.text] = q.speaker
    return out


def name(sp: record.Speaker | None) -> str:
    assert sp is not None
    return sp.name or ""


# --------------------------------------------------------------------------- speaker runs


def test_pronoun_speaker_is_the_previous_speaker(nlp: Any) -> None:
    got = speakers(
        nlp,
        "The neighbour said the suspect was a follower of the preacher Omar Vance and "
        "watched his videos. “He listened to Vance every night,” he told the Daily Courier.",
    )
    sp = got["He listened to Vance every night,"]
    assert sp is not None and sp.text == "he"
    assert "neighbour" in name(sp)


def test_same_pronoun_keeps_its_speaker_across_a_run(nlp: Any) -> None:
    got = speakers(
        nlp,
        "Maria Lopez opened the session on Monday. “We are ready,” she said. “The budget "
        "is balanced.” She added, “And the roads will be fixed.”",
    )
    for quote in ("We are ready,", "The budget is balanced.", "And the roads will be fixed."):
        assert "Lopez" in name(got[quote])


def test_definite_description_takes_the_previous_named_speaker(nlp: Any) -> None:
    got = speakers(
        nlp,
        "Orbex Industries said on Monday that it would close the plant in Tarrow. "
        "The decision was taken after a review.\n\n"
        "“We regret the loss of jobs,” the company said.",
    )
    assert "Orbex" in name(got["We regret the loss of jobs,"])


def test_description_of_a_person(nlp: Any) -> None:
    got = speakers(
        nlp,
        "Senator Dana Whitfield spoke in Dayton on Friday. “We will win this state,” "
        "Whitfield said. The crowd cheered.\n\n"
        "The Republican candidate added: “Turnout will decide it.”",
    )
    assert "Whitfield" in name(got["Turnout will decide it."])


def test_nested_pronoun_cue_speaks_for_the_outer_speaker(nlp: Any) -> None:
    got = speakers(nlp, "Jane Orr said she recalls the colleague being “confused and tired”.")
    assert "Jane Orr" in name(got["confused and tired"])


# --------------------------------------------------------------------------- patterns


def test_named_apposition_is_the_speaker(nlp: Any) -> None:
    got = speakers(
        nlp,
        "“The camps have no water,” said a UN protection officer, Yolande Berg. "
        "“It is a disaster,” said the commissioner for aid, Louis Marten.",
    )
    assert got["The camps have no water,"] is not None
    assert "Yolande Berg" in (got["The camps have no water,"].text or "")  # type: ignore[union-attr]
    assert "Louis Marten" in name(got["It is a disaster,"])


def test_name_before_an_apposition_without_a_parsed_subject(nlp: Any) -> None:
    got = speakers(
        nlp, "“We were wrong from the start,” Ramos, 58, told the Courier in an interview."
    )
    assert "Ramos" in name(got["We were wrong from the start,"])


def test_quoted_as_saying_gives_the_quoted_person(nlp: Any) -> None:
    got = speakers(nlp, "The Daily Courier quoted Maria Lopez as saying “we are done here”.")
    assert "Maria Lopez" in name(got["we are done here"])


def test_addressee_before_a_colon_is_not_the_speaker(nlp: Any) -> None:
    got = speakers(nlp, "Tom Hale told Channel Nine:\n\n“We will win the vote.”")
    assert "Hale" in name(got["We will win the vote."])
    assert "Channel" not in name(got["We will win the vote."])


def test_statement_noun_cue(nlp: Any) -> None:
    got = speakers(
        nlp,
        "In response, Governor John Doe issued the following statement:\n\n"
        "“Our prayers are with all those affected.”",
    )
    assert "John Doe" in name(got["Our prayers are with all those affected."])


def test_possessive_speech_noun(nlp: Any) -> None:
    got = speakers(nlp, "Roe's allegations of “fraud and theft” were denied by the board.")
    assert "Roe" in name(got["fraud and theft"])


def test_as_x_put_it(nlp: Any) -> None:
    got = speakers(nlp, "Or, as Tom Ridge put it: “The barbarians are inside the gate.”")
    assert "Tom Ridge" in name(got["The barbarians are inside the gate."])


def test_reply_verbs(nlp: Any) -> None:
    got = speakers(
        nlp,
        "“Look at all these people here,” Paula Grant said.\n\n"
        "“They are all here for the free food,” Jim Bennett shot back with a laugh.",
    )
    assert "Bennett" in name(got["They are all here for the free food,"])


def test_tail_that_introduces_the_next_quote(nlp: Any) -> None:
    got = speakers(
        nlp,
        "Ivan Sorel spoke at the forum. “No matter what, we stay,” he said. "
        "“Conflicts continue.” Paula Grant added, “And we must talk.”",
    )
    # the second quote continues Sorel's run; "Paula Grant added" introduces the third
    assert "Grant" not in name(got["Conflicts continue."])
    assert "Grant" in name(got["And we must talk."])


# --------------------------------------------------------------------------- not speakers


def test_glued_closing_mark_is_not_part_of_the_speaker(nlp: Any) -> None:
    got = speakers(
        nlp,
        "“It is a lot of the prejudice and paranoia,”Clinton said. "
        "The deal was signed in the Town.”He said it was late.",
    )
    sp = got["It is a lot of the prejudice and paranoia,"]
    assert sp is not None and sp.text == "Clinton"
    for found in speakers(nlp, "The deal was signed in Mill Town.”He said “it was late”.").values():
        if found is not None:
            assert "”" not in (found.text or "") and "”" not in (found.name or "")


def test_clock_time_and_dateline_are_not_speakers(nlp: Any) -> None:
    got = speakers(
        nlp,
        "2:40 p.m.\n\nWith her husband by her side, Hillary Orr has told her supporters "
        "that “we are in this together.”",
    )
    assert "Orr" in name(got["we are in this together."])


# --------------------------------------------------------------------------- data files


def test_shipped_descriptions_load() -> None:
    desc = load_descriptions()
    assert desc["company"][0] == "body"
    assert desc["spokeswoman"] == ("person", "f")


def test_malformed_descriptions_raise(tmp_path: Path) -> None:
    bad = tmp_path / "descriptions.tsv"
    bad.write_text("company\tbody\nnewspaper\tpaper\n", encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        load_descriptions(str(bad))
    assert "descriptions.tsv:2" in str(err.value)


def test_cue_uses_object_and_noun() -> None:
    lex = load_cues()
    assert "object" in lex.verbs["quote"]
    assert "statement" in lex.nouns


def test_bad_noun_cue_raises(tmp_path: Path) -> None:
    bad = tmp_path / "cues.tsv"
    bad.write_text("say\tdirect,indirect\nin a statement\tnoun\n", encoding="utf-8")
    with pytest.raises(DataFileError):
        load_cues(str(bad))
