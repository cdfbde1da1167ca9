"""Tests for the event coder (eventwire.events): types, arguments, factuality, dates,
coreference, captions, attribution, precision guards, --explain and user trigger files.

Every sentence is our own (fictional people; real countries and organisations where
natural). The records come from the session ``pipeline`` fixture with explain switched
on for the call, so one spaCy pipeline serves the whole file (plus one small pipeline for
the user trigger file test). Tests marked ``xfail(strict=True)`` state the behaviour
EVENTS.md asks for and the coder does not deliver yet; each reason says what happens now.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from eventwire.record import ArticleRecord, Event

#: a Monday: "on Friday" is 2024-05-03, "on Sunday" 2024-05-05, "on Tuesday" 2024-04-30
DATE = "2024-05-06"

Extract = Callable[..., ArticleRecord]


@pytest.fixture(scope="session")
def extract(pipeline: Any) -> Extract:
    """``pipeline.extract`` with explain on for the call (the shared pipeline is left as it was)."""

    def run(text: str, date: str = DATE) -> ArticleRecord:
        old = pipeline.config.explain
        pipeline.config.explain = True
        try:
            return pipeline.extract(text, date)  # type: ignore[no-any-return]
        finally:
            pipeline.config.explain = old

    return run


def _describe(events: list[Event]) -> str:
    return "; ".join(
        f"{e.id} {e.type} {e.trigger.text!r} actor={e.actor.text if e.actor else None!r} "
        f"target={e.target.text if e.target else None!r} {e.factuality}"
        for e in events
    )


def find(rec: ArticleRecord, type_: str, trigger: str) -> Event:
    """The one event of this type whose trigger text starts with ``trigger``."""
    hits = [
        e
        for e in rec.events
        if e.type == type_ and e.trigger.text.lower().startswith(trigger.lower())
    ]
    assert len(hits) == 1, (
        f"expected one {type_} event on {trigger!r}, got: {_describe(rec.events)}"
    )
    return hits[0]


def triggers(rec: ArticleRecord) -> Iterator[str]:
    return (e.trigger.text.lower() for e in rec.events)


def actor_text(ev: Event) -> str | None:
    return ev.actor.text if ev.actor else None


def target_text(ev: Event) -> str | None:
    return ev.target.text if ev.target else None


# --------------------------------------------------------------------- the 16 types
# (sentence, type, trigger, actor words, target words, mode, cameo); None = not checked
VERBAL = [
    ("Kenya and Uganda agreed to reopen their border.", "AGREE", "agreed", "Kenya", "Uganda", None, "03"),
    ("The Chinese foreign minister visited Jakarta on Thursday.", "CONSULT", "visited", "foreign minister", "Jakarta", "visit", "04"),
    ("President Samuel Oduya praised the security forces for their work.", "SUPPORT", "praised", "Samuel Oduya", "the security forces", None, "05"),
    ("The minister apologized to the victims' families.", "CONCEDE", "apologized", "The minister", "the victims' families", None, "08"),
    ("Ghana and Togo restored diplomatic ties after a decade.", "COOPERATE", "restored", "Ghana", None, None, "06"),
    ("Japan sent humanitarian aid to Bangladesh.", "AID", "sent", "Japan", None, None, "07"),
    ("The rebels released 12 hostages on Sunday.", "RETREAT", "released", "The rebels", "12 hostages", None, "08"),
    ("The opposition urged the government to hold new elections.", "REQUEST", "urged", "The opposition", "the government", None, "02"),
    ("The opposition leader Maria Okafor accused the ruling party of rigging the vote.", "ACCUSE", "accused", "Maria Okafor", "the ruling party", None, "11"),
    ("The president vetoed the bill on Monday.", "REJECT", "vetoed", "The president", None, None, "12"),
    ("The militia threatened the village with reprisals.", "THREATEN", "threatened", "The militia", None, None, "13"),
    ("Protesters marched through the streets of Tunis.", "PROTEST", "marched", "Protesters", None, "demonstration", "14"),
    ("The United States expelled two Russian diplomats.", "SANCTION", "expelled", "The United States", "two Russian diplomats", None, "16"),
    ("Russia deployed 3,000 troops to the border.", "MOBILIZE", "deployed", "Russia", None, None, "15"),
    ("Police arrested 20 protesters in Lagos on Monday.", "COERCE", "arrested", "Police", "20 protesters", "arrest", "17"),
    ("Gunmen killed five villagers in northern Nigeria on Sunday.", "ASSAULT", "killed", "Gunmen", "five villagers", None, "18"),
    ("Militiamen massacred dozens of villagers in Ituri province.", "ASSAULT", "massacred", "Militiamen", None, None, "20"),
    ("Artillery shelled the town overnight.", "ASSAULT", "shelled", None, None, "artillery", "19"),
]  # fmt: skip

NOMINAL = [
    ("Sudan's acceptance of the ceasefire was welcomed.", "AGREE", "acceptance", "Sudan", None, None, "03"),
    ("Turkey held talks with Sweden on Monday.", "CONSULT", "talks", "Turkey", "Sweden", "negotiation", "04"),
    ("Germany's praise for the reforms surprised diplomats.", "SUPPORT", "praise", "Germany", None, None, "05"),
    ("The minister's apology to the victims' families was broadcast on television.", "CONCEDE", "apology", "The minister", "the victims' families", None, "08"),
    ("Cooperation between the two navies expanded.", "COOPERATE", "cooperation", None, "the two navies", None, "06"),
    ("Japan's donation of medical supplies to Bangladesh arrived on Friday.", "AID", "donation", "Japan", "Bangladesh", None, "07"),
    ("The withdrawal of Russian troops from the region began on Tuesday.", "RETREAT", "withdrawal", None, "Russian troops", None, "08"),
    ("Iran's demand for a full withdrawal of foreign troops was rejected.", "REQUEST", "demand", "Iran", None, None, "10"),
    ("France's condemnation of the coup was swift.", "ACCUSE", "condemnation", "France", None, None, "11"),
    ("Hungary's rejection of the proposal angered Brussels.", "REJECT", "rejection", "Hungary", None, None, "12"),
    ("North Korea's threat of a nuclear test alarmed Seoul.", "THREATEN", "threat", "North Korea", None, None, "13"),
    ("A general strike by dockworkers shut the port of Durban.", "PROTEST", "strike", None, None, "strike", "14"),
    ("The European Union imposed sanctions on Belarus.", "SANCTION", "sanctions", "The European Union", "Belarus", None, "16"),
    ("Russia's deployment of troops to the border worried NATO.", "MOBILIZE", "deployment", "Russia", None, None, "15"),
    ("The arrest of the journalist Daniel Mwangi sparked outrage in Nairobi.", "COERCE", "arrest", None, "the journalist", "arrest", "17"),
    ("The Israeli military carried out an air strike on a house in Gaza.", "ASSAULT", "strike", "The Israeli military", None, "aerial", "19"),
]  # fmt: skip


def _check(rec: ArticleRecord, type_: str, trig: str, actor: str | None, target: str | None, mode: str | None, cameo: str) -> None:  # fmt: skip
    ev = find(rec, type_, trig)
    assert ev.factuality == "asserted"
    assert ev.cameo == cameo
    if actor is not None:
        assert actor in (actor_text(ev) or ""), _describe(rec.events)
    if target is not None:
        assert target in (target_text(ev) or ""), _describe(rec.events)
    if mode is not None:
        assert ev.mode == mode


@pytest.mark.parametrize(("text", "type_", "trig", "actor", "target", "mode", "cameo"), VERBAL)
def test_verbal_trigger_codes_type_arguments_mode_and_cameo(extract: Extract, text: str, type_: str, trig: str, actor: str | None, target: str | None, mode: str | None, cameo: str) -> None:  # fmt: skip
    _check(extract(text), type_, trig, actor, target, mode, cameo)


@pytest.mark.parametrize(("text", "type_", "trig", "actor", "target", "mode", "cameo"), NOMINAL)
def test_nominal_trigger_codes_type_arguments_mode_and_cameo(extract: Extract, text: str, type_: str, trig: str, actor: str | None, target: str | None, mode: str | None, cameo: str) -> None:  # fmt: skip
    _check(extract(text), type_, trig, actor, target, mode, cameo)


def test_all_sixteen_types_are_covered() -> None:
    plover = {
        "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
        "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
    }  # fmt: skip
    assert {row[1] for row in VERBAL} == plover
    assert {row[1] for row in NOMINAL} == plover


def test_arrest_is_the_only_event_with_exact_arguments(extract: Extract) -> None:
    rec = extract("Police arrested 20 protesters in Lagos on Monday.")
    assert [e.type for e in rec.events] == ["COERCE"]
    ev = rec.events[0]
    assert (ev.trigger.text, actor_text(ev), target_text(ev)) == (
        "arrested",
        "Police",
        "20 protesters",
    )
    assert rec.text[ev.trigger.span[0] : ev.trigger.span[1]] == "arrested"
    assert rec.text[ev.sentence_span[0] : ev.sentence_span[1]].startswith("Police arrested")


# --------------------------------------------------------------------- phrasal and light verbs
@pytest.mark.parametrize(
    ("text", "type_", "trigger", "actor", "target", "cameo"),
    [
        ("The United Nations called on both sides to end the fighting.", "REQUEST", "called on", "The United Nations", None, "02"),
        ("Washington pulled out of the nuclear deal.", "RETREAT", "pulled out", "Washington", None, "08"),
        ("Security forces cracked down on student protesters in Dhaka.", "COERCE", "cracked down", "Security forces", "student protesters", "17"),
        ("Soldiers opened fire on the crowd in the town square.", "ASSAULT", "opened", "Soldiers", None, "19"),
    ],
)  # fmt: skip
def test_phrasal_verbs(extract: Extract, text: str, type_: str, trigger: str, actor: str, target: str | None, cameo: str) -> None:  # fmt: skip
    ev = find(extract(text), type_, trigger)
    assert ev.trigger.text == trigger  # the particle is part of the trigger span when adjacent
    assert ev.actor is not None and ev.actor.text == actor
    if target is not None:
        assert target_text(ev) == target
    assert ev.cameo == cameo
    assert ev.factuality == "asserted"


def test_open_fire_has_firearms_mode(extract: Extract) -> None:
    ev = find(extract("Soldiers opened fire on the crowd in the town square."), "ASSAULT", "opened")
    assert ev.mode == "firearms"


def test_open_fire_on_takes_the_object_of_on_as_target(extract: Extract) -> None:
    ev = find(extract("Soldiers opened fire on the crowd in the town square."), "ASSAULT", "opened")
    assert target_text(ev) == "the crowd"


@pytest.mark.parametrize(
    ("text", "type_", "noun", "actor", "target", "mode"),
    [
        ("The Israeli military carried out an air strike on a house in Gaza.", "ASSAULT", "strike", "The Israeli military", None, "aerial"),
        ("Turkey held talks with Sweden on Monday.", "CONSULT", "talks", "Turkey", "Sweden", "negotiation"),
        ("Farmers staged a protest outside the ministry.", "PROTEST", "protest", "Farmers", None, "demonstration"),
        ("The government imposed a curfew on the city of Jos.", "COERCE", "curfew", "The government", None, "curfew"),
    ],
)  # fmt: skip
def test_light_verb_subject_is_the_actor_of_the_noun(extract: Extract, text: str, type_: str, noun: str, actor: str, target: str | None, mode: str) -> None:  # fmt: skip
    rec = extract(text)
    ev = find(rec, type_, noun)
    assert ev.trigger.text == noun  # the trigger stays the noun
    assert actor_text(ev) == actor
    if target is not None:
        assert target_text(ev) == target
    assert ev.mode == mode
    assert ev.explain is not None and ev.explain["actor_path"] == "dobj<head>nsubj"
    assert len(rec.events) == 1  # the light verb is not an event of its own


@pytest.mark.xfail(
    strict=True,
    reason="'went on strike' is coded ASSAULT (noun 'strike', cameo 19, actor None): the go-on light verb "
    "types the noun PROTEST only when a PROTEST row already fits, and 'Thousands of workers' is not read",
)
def test_went_on_strike_is_a_labour_protest(extract: Extract) -> None:
    rec = extract("Thousands of workers went on strike in Buenos Aires on Wednesday.")
    ev = find(rec, "PROTEST", "strike")
    assert ev.mode == "strike"
    assert "workers" in (actor_text(ev) or "")


# --------------------------------------------------------------------- modes
@pytest.mark.parametrize(
    ("text", "type_", "trigger", "mode"),
    [
        ("A drone strike killed three militants in Somalia.", "ASSAULT", "killed", "aerial"),
        ("The commander was killed by an Israeli drone in southern Lebanon.", "ASSAULT", "killed", "aerial"),
        ("A car bomb exploded near a market in Mogadishu, killing eight people.", "ASSAULT", "exploded", "explosives"),
        ("Gunmen shot dead two police officers in Karachi.", "ASSAULT", "shot", "firearms"),
        ("Five civilians killed by gunmen in Zamfara were buried on Sunday.", "ASSAULT", "killed", "firearms"),
        ("A man stabbed two police officers in Paris.", "ASSAULT", "stabbed", "melee"),
        ("Police detained the activist Ruth Banda at her home.", "COERCE", "detained", "arrest"),
        ("The court banned the opposition party.", "COERCE", "banned", "ban"),
        ("The rebels managed to seize the town of Kidal.", "COERCE", "seize", "seizure"),
        ("The government imposed a curfew on the city of Jos.", "COERCE", "curfew", "curfew"),
        ("The minister met his Chinese counterpart in Beijing.", "CONSULT", "met", "meeting"),
        ("The Chinese foreign minister visited Jakarta on Thursday.", "CONSULT", "visited", "visit"),
        ("President Samuel Oduya spoke by phone with the Kenyan president on Monday.", "CONSULT", "spoke", "phone"),
        ("A general strike by dockworkers shut the port of Durban.", "PROTEST", "strike", "strike"),
    ],
)  # fmt: skip
def test_mode(extract: Extract, text: str, type_: str, trigger: str, mode: str) -> None:
    assert find(extract(text), type_, trigger).mode == mode


def test_air_strike_and_killing_merge_into_one_mention(extract: Extract) -> None:
    rec = extract("A drone strike killed three militants in Somalia.")
    assert [e.type for e in rec.events] == ["ASSAULT"]
    ev = rec.events[0]
    assert ev.trigger.text == "killed"
    assert target_text(ev) == "three militants"
    assert ev.explain is not None and ev.explain["merged"] == ["strike"]


# --------------------------------------------------------------------- argument structure
def test_passive_agent_is_the_actor_and_subject_the_target(extract: Extract) -> None:
    ev = find(
        extract("The commander was killed by an Israeli drone in southern Lebanon."),
        "ASSAULT",
        "killed",
    )
    assert actor_text(ev) == "an Israeli drone"
    assert target_text(ev) == "The commander"
    assert ev.explain is not None and ev.explain["actor_path"] == "agent>pobj"


@pytest.mark.parametrize(
    ("text", "type_", "trigger", "actor", "target"),
    [
        ("The 20 protesters arrested by police on Monday were released on bail.", "COERCE", "arrested", "police", "The 20 protesters"),
        ("Five civilians killed by gunmen in Zamfara were buried on Sunday.", "ASSAULT", "killed", "gunmen", "Five civilians"),
    ],
)  # fmt: skip
def test_reduced_relative_modifies_its_target(extract: Extract, text: str, type_: str, trigger: str, actor: str, target: str) -> None:  # fmt: skip
    ev = find(extract(text), type_, trigger)
    assert actor_text(ev) == actor
    assert target_text(ev) == target
    assert ev.factuality == "asserted"


def test_reduced_relative_on_a_nominal_event_gives_its_actor(extract: Extract) -> None:
    ev = find(
        extract("An air strike ordered by the defence minister hit a school in Khan Younis."),
        "ASSAULT",
        "strike",
    )
    assert actor_text(ev) == "the defence minister"


@pytest.mark.parametrize(
    ("text", "trigger", "actor", "target"),
    [
        ("Hezbollah mourned the commander, who was killed in a drone strike on Tuesday.", "killed", None, "the commander"),
        ("The police commissioner, who was shot by gunmen on Monday, died in hospital.", "shot", "gunmen", "The police commissioner"),
    ],
)  # fmt: skip
def test_relative_clause_target_is_the_antecedent(extract: Extract, text: str, trigger: str, actor: str | None, target: str) -> None:  # fmt: skip
    rec = extract(text)
    ev = find(rec, "ASSAULT", trigger)
    assert target_text(ev) == target
    assert actor_text(ev) == actor
    assert ev.explain is not None and ev.explain["target_path"] == "nsubjpass<relcl<head"
    assert "Hezbollah" not in [actor_text(e) for e in rec.events]


def test_coordinated_subjects_of_agree_are_actor_and_target(extract: Extract) -> None:
    ev = find(extract("Rwanda and Burundi agreed to hold joint border patrols."), "AGREE", "agreed")
    assert (actor_text(ev), target_text(ev)) == ("Rwanda", "Burundi")
    assert ev.explain is not None and ev.explain["target_path"] == "nsubj>conj"


def test_coordinated_subjects_of_a_transitive_agree(extract: Extract) -> None:
    ev = find(extract("Kenya and Uganda signed an agreement on trade."), "AGREE", "signed")
    assert (actor_text(ev), target_text(ev)) == ("Kenya", "Uganda")


@pytest.mark.parametrize(
    ("text", "type_", "trigger", "actor"),
    [
        (
            "Iran's demand for a full withdrawal of foreign troops was rejected.",
            "REQUEST",
            "demand",
            "Iran",
        ),
        ("Germany's praise for the reforms surprised diplomats.", "SUPPORT", "praise", "Germany"),
        (
            "Russia's deployment of troops to the border worried NATO.",
            "MOBILIZE",
            "deployment",
            "Russia",
        ),
    ],
)
def test_possessor_of_a_nominal_trigger_is_the_actor(extract: Extract, text: str, type_: str, trigger: str, actor: str) -> None:  # fmt: skip
    ev = find(extract(text), type_, trigger)
    assert actor_text(ev) == actor
    assert ev.explain is not None and ev.explain["actor_path"] == "poss"


def test_controlled_infinitive_takes_the_governor_subject_and_is_future(extract: Extract) -> None:
    ev = find(
        extract("The army plans to withdraw its troops from the region."), "RETREAT", "withdraw"
    )
    assert actor_text(ev) == "The army"
    assert ev.factuality == "future"
    assert ev.explain is not None and ev.explain["actor_path"] == "xcomp<nsubj"


def test_claimed_responsibility_gives_the_actor_of_the_bombing(extract: Extract) -> None:
    rec = extract(
        "The Islamic State claimed responsibility for the bombing of a church in Baghdad."
    )
    ev = find(rec, "ASSAULT", "bombing")
    assert actor_text(ev) == "The Islamic State"
    assert target_text(ev) == "a church"
    assert ev.mode == "explosives"
    assert ev.factuality == "asserted"


@pytest.mark.parametrize(
    ("text", "trigger", "actor"),
    [
        ("A man stabbed two police officers in Paris.", "stabbed", "A man"),
        ("Protesters clashed with police in Santiago.", "clashed", "Protesters"),
        ("Thousands of teachers rallied in Nairobi on Friday.", "rallied", "Thousands of teachers"),
    ],
)
def test_place_of_the_action_is_never_its_actor(
    extract: Extract, text: str, trigger: str, actor: str
) -> None:
    rec = extract(text)
    ev = next(e for e in rec.events if e.trigger.text == trigger)
    assert actor_text(ev) == actor


def test_unresolved_object_phrase_is_kept_as_target(extract: Extract) -> None:
    ev = find(extract("Police arrested two men in Lahore on Friday."), "COERCE", "arrested")
    assert target_text(ev) == "two men"


@pytest.mark.xfail(
    strict=True,
    reason="'Gunmen shot dead two police officers': target text is 'dead two police officers' (the "
    "resultative 'dead' is included in the noun phrase)",
)
def test_shot_dead_target_excludes_the_resultative(extract: Extract) -> None:
    ev = find(extract("Gunmen shot dead two police officers in Karachi."), "ASSAULT", "shot")
    assert target_text(ev) == "two police officers"


@pytest.mark.xfail(
    strict=True,
    reason="'Gunmen shot and killed the journalist Amina Diallo': one ASSAULT on 'shot' (merged 'killed') with "
    "target None; the object of the conjoined verb is lost in the merge",
)
def test_shot_and_killed_keeps_the_object_of_the_second_verb(extract: Extract) -> None:
    rec = extract("Gunmen shot and killed the journalist Amina Diallo in Bamako on Friday.")
    ev = next(e for e in rec.events if e.type == "ASSAULT")
    assert "Amina Diallo" in (target_text(ev) or "")


def test_accused_action_belongs_to_the_accused(extract: Extract) -> None:
    rec = extract("Ukraine accused Russia of shelling the power plant.")
    acc = find(rec, "ACCUSE", "accused")
    assert (actor_text(acc), target_text(acc)) == ("Ukraine", "Russia")
    assert actor_text(find(rec, "ASSAULT", "shelling")) == "Russia"


@pytest.mark.parametrize(
    ("text", "condemner"),
    [
        ("Human rights groups condemned the killings.", "Human rights groups"),
        ("Militants attacked a police station in Peshawar on Friday.\n\nThe governor condemned the attack.", "The governor"),
    ],
)  # fmt: skip
def test_object_of_a_condemnation_does_not_take_the_condemner_as_actor(extract: Extract, text: str, condemner: str) -> None:  # fmt: skip
    rec = extract(text)
    assert actor_text(find(rec, "ACCUSE", "condemned")) == condemner
    assert all(actor_text(e) != condemner for e in rec.events if e.type == "ASSAULT")


def test_condemned_attack_targets_the_attacker(extract: Extract) -> None:
    rec = extract(
        "Militants attacked a police station in Peshawar on Friday.\n\nThe governor condemned the attack."
    )
    assert target_text(find(rec, "ACCUSE", "condemned")) == "Militants"


def test_quantity_of_people_is_the_actor(extract: Extract) -> None:
    ev = find(
        extract("Hundreds of farmers staged a protest outside the ministry."), "PROTEST", "protest"
    )
    assert "farmers" in (actor_text(ev) or "")


# --------------------------------------------------------------------- factuality
@pytest.mark.parametrize(
    ("text", "type_", "trigger", "label", "cue"),
    [
        ("The rebels did not attack the convoy.", "ASSAULT", "attack", "negated", "negated:not@attack"),
        ("The government has no plans to withdraw its troops from the region.", "RETREAT", "withdraw", "negated", "negated:no@plans"),
        ('"There is no decision to leave Iraq," the defence minister said.', "RETREAT", "leave", "negated", "negated:no@decision"),
        ("No one was killed, police said.", "ASSAULT", "killed", "negated", "negated:no one@killed"),
        ("Two rockets hit the base, and no soldiers were wounded.", "ASSAULT", "wounded", "negated", "negated:no soldiers@wounded"),
        ("The militia denied attacking the village.", "ASSAULT", "attacking", "negated", "negated:denied"),
        ("The protesters refused to leave the country.", "RETREAT", "leave", "negated", "negated:refused"),
        ('"We will not withdraw our forces from the border," the minister said.', "RETREAT", "withdraw", "negated", "negated:not@withdraw"),
        ("The European Union could impose sanctions on Minsk.", "SANCTION", "sanctions", "hypothetical", "hypothetical:could@impose"),
        ("If the talks fail, the rebels would attack the city.", "ASSAULT", "attack", "hypothetical", "hypothetical:if+would@attack"),
        ("The government will deploy soldiers to the border next week.", "MOBILIZE", "deploy", "future", "future:will@deploy"),
        ("The militia vowed to retaliate against the army.", "SANCTION", "retaliate", "future", "future:vowed"),
        ("Residents issued a demand for troops to withdraw from the village.", "RETREAT", "withdraw", "future", "future:demand"),
        ("Iran's demand for a full withdrawal of foreign troops was rejected.", "RETREAT", "withdrawal", "future", "future:demand"),
        ("Police closed roads ahead of protests planned for Friday.", "PROTEST", "protests", "future", "future:ahead of"),
        ("The rebels threatened to attack the capital.", "ASSAULT", "attack", "future", "future:threatened"),
        ("The government said it would lift the curfew.", "CONCEDE", "lift", "future", "future:would@lift"),
        ("The United Nations called on both sides to withdraw their forces.", "RETREAT", "withdraw", "future", "future:call on"),
    ],
)  # fmt: skip
def test_non_asserted_events_stay_in_the_output_with_their_label(extract: Extract, text: str, type_: str, trigger: str, label: str, cue: str) -> None:  # fmt: skip
    ev = find(extract(text), type_, trigger)
    assert ev.factuality == label
    assert ev.explain is not None and cue in ev.explain["factuality_cues"]


@pytest.mark.parametrize(
    ("text", "type_", "trigger"),
    [
        ("The rebels managed to seize the town of Kidal.", "COERCE", "seize"),
        ("The rebels tried to capture the airport.", "COERCE", "capture"),
        ("Soldiers had to fire warning shots to disperse the crowd.", "ASSAULT", "fire"),
        ("Officials said troops withdrew from the town on Saturday.", "RETREAT", "withdrew"),
        ('"Our forces attacked the rebel camp at dawn," the general said.', "ASSAULT", "attacked"),
        ("Police arrested 20 protesters in Lagos on Monday.", "COERCE", "arrested"),
    ],
)
def test_implicatives_and_reported_content_stay_asserted(extract: Extract, text: str, type_: str, trigger: str) -> None:  # fmt: skip
    ev = find(extract(text), type_, trigger)
    assert ev.factuality == "asserted"
    assert ev.explain is not None and ev.explain["factuality_cues"] == []


def test_demand_is_asserted_while_the_demanded_action_is_not(extract: Extract) -> None:
    rec = extract("Residents issued a demand for troops to withdraw from the village.")
    demand = find(rec, "REQUEST", "demand")
    assert demand.factuality == "asserted"
    assert actor_text(demand) == "Residents"
    assert find(rec, "RETREAT", "withdraw").factuality == "future"


def test_refusal_is_asserted_and_the_refused_action_negated(extract: Extract) -> None:
    rec = extract("The protesters refused to leave the country.")
    assert find(rec, "REJECT", "refused").factuality == "asserted"
    leave = find(rec, "RETREAT", "leave")
    assert leave.factuality == "negated"
    assert actor_text(leave) == "The protesters"


def test_denial_is_a_rejection_and_the_denied_attack_negated(extract: Extract) -> None:
    rec = extract("The militia denied attacking the village.")
    assert find(rec, "REJECT", "denied").factuality == "asserted"
    assert actor_text(find(rec, "ASSAULT", "attacking")) == "The militia"


def test_if_clause_makes_both_the_condition_and_the_consequence_hypothetical(
    extract: Extract,
) -> None:
    rec = extract("If the talks fail, the rebels would attack the city.")
    assert {e.factuality for e in rec.events} == {"hypothetical"}
    assert actor_text(find(rec, "ASSAULT", "attack")) == "the rebels"


def test_a_bomb_that_exploded_is_asserted_even_when_nobody_was_hurt(extract: Extract) -> None:
    rec = extract("A bomb exploded in the market, but no one was hurt.")
    ev = find(rec, "ASSAULT", "exploded")
    assert ev.factuality == "asserted"
    assert ev.mode == "explosives"


@pytest.mark.xfail(
    strict=True,
    reason="'vowed to retaliate against the army': 'vowed' is coded AGREE (weight 0.32); a vow whose infinitive "
    "is a hostile action is THREATEN (EVENTS.md: 'vowed revenge'), the README's HARM rule only reads objects",
)
def test_vow_to_retaliate_is_a_threat(extract: Extract) -> None:
    rec = extract("The militia vowed to retaliate against the army.")
    ev = find(rec, "THREATEN", "vowed")
    assert actor_text(ev) == "The militia"
    assert "AGREE" not in [e.type for e in rec.events]


# --------------------------------------------------------------------- dates
@pytest.mark.parametrize(
    ("text", "trigger", "date", "source"),
    [
        ("Troops withdrew from the town on Friday.", "withdrew", "2024-05-03", "relative"),
        ("Police arrested 20 protesters in Lagos on Monday.", "arrested", "2024-05-06", "relative"),
        ("The rebels released 12 hostages on Sunday.", "released", "2024-05-05", "relative"),
        (
            "Rebels attacked an army base near Goma on March 12, 2024.",
            "attacked",
            "2024-03-12",
            "explicit",
        ),
        ("Rebels attacked an army base near Goma.", "attacked", DATE, "article"),
    ],
)
def test_event_date(extract: Extract, text: str, trigger: str, date: str, source: str) -> None:
    ev = next(e for e in extract(text).events if e.trigger.text == trigger)
    assert (ev.date, ev.date_source) == (date, source)


def test_same_weekday_depends_on_the_article_date(extract: Extract) -> None:
    ev = extract("Troops withdrew from the town on Friday.", "2024-05-13").events[0]
    assert ev.date == "2024-05-10"


KILLING = (
    "Gunmen killed the journalist Amina Diallo in Bamako on Friday.\n\n"
    "Diallo was killed outside her office in the city centre."
)


def test_coreferent_mention_takes_the_date_of_the_other(extract: Extract) -> None:
    rec = extract(KILLING)
    first, second = (e for e in rec.events if e.type == "ASSAULT")
    assert (first.date, first.date_source) == ("2024-05-03", "relative")
    assert (second.date, second.date_source) == ("2024-05-03", "coreference")


def test_two_mentions_of_one_killing_share_coref(extract: Extract) -> None:
    rec = extract(KILLING)
    first, second = (e for e in rec.events if e.type == "ASSAULT")
    assert target_text(second) == "Diallo"
    assert first.coref is not None and first.coref == second.coref


def test_nominal_repeat_of_a_killing_is_coreferent(extract: Extract) -> None:
    rec = extract(
        "Gunmen killed the journalist Amina Diallo in Bamako on Friday.\n\n"
        "The killing of Diallo was condemned by the government."
    )
    verb = find(rec, "ASSAULT", "killed")
    noun = find(rec, "ASSAULT", "killing")
    assert noun.coref is not None and noun.coref == verb.coref
    assert noun.date == "2024-05-03"
    assert find(rec, "ACCUSE", "condemned").coref is None


def test_different_victims_are_not_coreferent(extract: Extract) -> None:
    rec = extract(
        "Gunmen killed the journalist Amina Diallo in Bamako on Friday.\n\n"
        "Soldiers killed the rebel commander Ibrahim Toure in Gao on Sunday."
    )
    a, b = (e for e in rec.events if e.type == "ASSAULT")
    assert a.coref is None or a.coref != b.coref
    assert (a.date, b.date) == ("2024-05-03", "2024-05-05")


# --------------------------------------------------------------------- captions, quotes
CAPTIONED = (
    "Protesters marched through the streets of Tunis on Sunday.\n\n"
    "Riot police detain a protester in central Tunis on Sunday.\n"
    "Fethi Belaid / AFP\n\n"
    "The march ended peacefully in the evening."
)


def test_event_in_a_photo_caption_is_marked_caption(extract: Extract) -> None:
    rec = extract(CAPTIONED)
    caption = find(rec, "COERCE", "detain")
    assert caption.segment == "caption"
    assert actor_text(caption) == "Riot police"
    assert find(rec, "PROTEST", "marched").segment is None


def test_caption_confidence_is_discounted(extract: Extract) -> None:
    body = find(
        extract("Riot police detain a protester in central Tunis on Sunday."), "COERCE", "detain"
    )
    caption = find(extract(CAPTIONED), "COERCE", "detain")
    assert caption.confidence < body.confidence


def test_event_inside_a_direct_quote_is_attributed_to_the_quote(extract: Extract) -> None:
    rec = extract(
        '"Our forces attacked the rebel camp at dawn," General Joseph Kamau said on Sunday.'
    )
    ev = find(rec, "ASSAULT", "attacked")
    assert len(rec.quotes) == 1
    quote = rec.quotes[0]
    assert ev.source is not None and ev.source.quote == quote.id
    assert ev.id in quote.events
    assert "Kamau" in (ev.source.text or "")


def test_event_outside_any_quote_has_no_quote_source(extract: Extract) -> None:
    rec = extract('Rebels attacked an army base near Goma. "We will respond," the army said.')
    ev = find(rec, "ASSAULT", "attacked")
    assert ev.source is None or ev.source.quote is None
    assert all(ev.id not in q.events for q in rec.quotes)


# --------------------------------------------------------------------- precision guards
@pytest.mark.parametrize(
    "text",
    [
        "Army attack helicopters flew over the city.",
        "Elections will be held in March.",
        "The minister told reporters that the economy was growing.",
        "The spokesman said the talks had been useful, he added.",
    ],
)
def test_no_event_in_modifiers_dates_and_speech(extract: Extract, text: str) -> None:
    rec = extract(text)
    if "talks" in text:
        # the talks are a CONSULT; the speech verbs are not events
        assert [e.type for e in rec.events] == ["CONSULT"]
        assert set(triggers(rec)) == {"talks"}
    else:
        assert rec.events == []


def test_protest_as_a_modifier_is_not_a_protest(extract: Extract) -> None:
    rec = extract("The protest leaders met reporters at a hotel.")
    assert [e.type for e in rec.events] == ["CONSULT"]
    assert actor_text(rec.events[0]) == "The protest leaders"


@pytest.mark.parametrize(
    ("text", "type_", "first", "repeat"),
    [
        ("Police arrested two men in Lahore on Friday. The arrests followed a raid on a warehouse.", "COERCE", "arrested", "arrests"),
        ("Protesters marched through the streets of Tunis on Sunday.\n\nThe protests continued into the night.", "PROTEST", "marched", "protests"),
    ],
)  # fmt: skip
def test_bare_nominal_repeat_has_lower_confidence(extract: Extract, text: str, type_: str, first: str, repeat: str) -> None:  # fmt: skip
    rec = extract(text)
    a = find(rec, type_, first)
    repeats = [e for e in rec.events if e.type == type_ and e.trigger.text == repeat]
    # a definite reference with no date of its own falls below the output threshold
    for b in repeats:
        assert (b.actor is None or b.actor.text is None) and b.target is None  # names no one
        assert b.confidence < a.confidence / 1.5


@pytest.mark.parametrize(
    ("text", "type_", "noun"),
    [
        ("The government lifted the curfew in the capital on Thursday.", "COERCE", "curfew"),
        ("Canada suspended aid to Haiti.", "AID", "aid"),
    ],
)
def test_object_of_lift_or_suspend_is_not_a_new_event(
    extract: Extract, text: str, type_: str, noun: str
) -> None:
    rec = extract(text)
    assert not [
        e
        for e in rec.events
        if e.type == type_ and e.trigger.text == noun and e.factuality == "asserted"
    ]


def test_lifting_a_curfew_is_a_concession(extract: Extract) -> None:
    ev = find(
        extract("The government lifted the curfew in the capital on Thursday."), "CONCEDE", "lifted"
    )
    assert actor_text(ev) == "The government"
    assert ev.date == "2024-05-02"


@pytest.mark.xfail(
    strict=True,
    reason="'had to fire warning shots': 'warning' (a modifier of 'shots', parsed as VERB 'warn') is coded "
    "THREATEN with actor 'Soldiers'",
)
def test_warning_shots_are_not_a_threat(extract: Extract) -> None:
    rec = extract("Soldiers had to fire warning shots to disperse the crowd.")
    assert "THREATEN" not in [e.type for e in rec.events]


def test_send_a_quantity_of_aid_is_aid(extract: Extract) -> None:
    ev = find(extract("Japan sent 200 tonnes of food aid to Bangladesh."), "AID", "sent")
    assert actor_text(ev) == "Japan"


def test_aid_recipient_is_the_target(extract: Extract) -> None:
    ev = find(extract("Japan sent humanitarian aid to Bangladesh."), "AID", "sent")
    assert target_text(ev) == "Bangladesh"


# --------------------------------------------------------------------- explain
def test_explain_fields(extract: Extract) -> None:
    rec = extract("The army plans to withdraw its troops from the region.")
    ev = find(rec, "RETREAT", "withdraw")
    assert ev.explain is not None
    assert ev.explain["rule"] == "RETREAT verb 'withdraw'"
    assert ev.explain["source_file"].startswith("triggers.tsv:")
    assert ev.explain["actor_path"] == "xcomp<nsubj"
    assert isinstance(ev.explain["target_path"], str)
    assert ev.explain["merged"] == []
    assert "future:plans" in ev.explain["factuality_cues"]


def test_explain_rule_names_the_phrasal_particle(extract: Extract) -> None:
    ev = find(
        extract("Security forces cracked down on student protesters in Dhaka."), "COERCE", "cracked"
    )
    assert ev.explain is not None
    assert ev.explain["rule"] == "COERCE verb 'crack' + down"
    assert ev.explain["target_path"] == "prep:on>pobj"


def test_explain_is_absent_without_the_option(pipeline: Any) -> None:
    rec = pipeline.extract("Police arrested 20 protesters in Lagos on Monday.", DATE)
    assert rec.events and all(e.explain is None for e in rec.events)


# --------------------------------------------------------------------- user trigger files
def test_user_trigger_file_adds_a_trigger(tmp_path: Path, pipeline: Any) -> None:
    from eventwire.pipeline import Pipeline

    text = "Opposition leader Maria Okafor harangued the finance minister in parliament on Tuesday."
    assert pipeline.extract(text, DATE).events == []

    path = tmp_path / "my_triggers.tsv"
    path.write_text(
        "type\tlemma\tpos\twith\tmode\tcameo\tintensity\tobj_class\tnot_obj_class\tweight\tnote\n"
        "# a word the shipped lexicon does not have\n"
        "ACCUSE\tharangue\tVERB\t\t\t11\t-2.0\t\t\t0.8\ttest word\n",
        encoding="utf-8",
    )
    custom = Pipeline(explain=True, stage_config={"events": {"trigger_files": [str(path)]}})
    rec = custom.extract(text, DATE)
    ev = find(rec, "ACCUSE", "harangued")
    assert ev.cameo == "11"
    assert actor_text(ev) == "Opposition leader Maria Okafor"
    assert target_text(ev) == "the finance minister"
    assert ev.date == "2024-04-30"
    assert ev.explain is not None and ev.explain["source_file"] == "my_triggers.tsv:3"
    # the shipped lexicon is still there
    assert find(
        custom.extract("Police arrested 20 protesters in Lagos.", DATE), "COERCE", "arrested"
    )


def test_agentless_passive_gets_an_implicit_actor_without_text(extract: Extract) -> None:
    text = (
        "NAIROBI, March 3 (Wire) - Police in Kenya said on Monday that 40 people were arrested "
        "in Nairobi after the protests in Kenya's capital."
    )
    ev = find(extract(text, "2025-03-03"), "COERCE", "arrested")
    assert ev.actor is not None
    assert ev.actor.text is None  # nothing in the text names the arresting side
    assert ev.actor.sector == "COP"
    assert ev.actor.country == "KEN"


def test_a_weapon_is_not_the_actor(extract: Extract) -> None:
    ev = find(
        extract("Two small bombs exploded near the market in Kano.", "2024-05-06"),
        "ASSAULT",
        "exploded",
    )
    assert ev.actor is None or ev.actor.text is None
    assert ev.actor is not None and ev.actor.sector == "UAF"


def test_first_person_in_a_quote_is_the_speaker(extract: Extract) -> None:
    text = (
        'Interior Minister Amina Yusuf of Nigeria spoke on Tuesday. "We arrested 20 suspects '
        'in Kano last night," Yusuf told reporters.'
    )
    ev = find(extract(text, "2024-05-06"), "COERCE", "arrested")
    assert ev.actor is not None and ev.actor.text == "We"
    assert ev.actor.name is not None and "Yusuf" in ev.actor.name


def test_passive_controller_does_the_infinitive(extract: Extract) -> None:
    ev = find(
        extract("Lina Moreau was forced to resign on Friday.", "2024-05-06"),
        "CONCEDE",
        "resign",
    )
    assert actor_text(ev) is not None and "Moreau" in (actor_text(ev) or "")


def test_a_role_names_the_country_of_a_person(extract: Extract) -> None:
    rec = extract(
        "Tomas Varga visited Brussels on Monday as Slovakia's foreign minister. "
        "Varga met NATO officials.",
        "2024-05-06",
    )
    visit = find(rec, "CONSULT", "visited")
    assert visit.actor is not None and visit.actor.country == "SVK"
    met = find(rec, "CONSULT", "met")
    assert met.actor is not None and met.actor.country == "SVK"  # the same person


def test_a_since_phrase_does_not_date_the_next_action(extract: Extract) -> None:
    text = (
        "Villagers clashed with police on Sunday. Activists had camped near the station since "
        "Friday. Then the crowd attacked the police station with stones."
    )
    ev = find(extract(text, "2024-05-06"), "ASSAULT", "attacked")
    assert ev.date == "2024-05-05"  # Sunday, not the Friday that bounds the camp


def test_passive_agent_hung_on_the_retained_object(extract: Extract) -> None:
    # the parser attaches "by police" to "permission", not to the passive verb
    rec = extract(
        "Hundreds of farmers started a sit-in on Friday after being denied permission by "
        "police to march to the capital.",
        "2024-05-06",
    )
    ev = find(rec, "REJECT", "denied")
    assert actor_text(ev) == "police"


def test_first_person_plural_without_a_known_speaker_takes_the_home_country(
    extract: Extract,
) -> None:
    rec = extract(
        "Police in Mumbai, India, arrested 20 protesters on Friday. India's home ministry "
        "said the arrests were lawful. Indian officials said the city was calm. We have "
        "deployed extra police in the city since Friday, an official said.",
        "2024-05-06",
    )
    ev = find(rec, "MOBILIZE", "deployed")
    assert ev.actor is not None and ev.actor.text == "We" and ev.actor.country == "IND"


def test_members_of_a_group_are_people_of_the_home_country(extract: Extract) -> None:
    rec = extract(
        "Members of the association marched through Lagos, Nigeria, on Friday. Nigerian "
        "police watched the crowd. Nigeria's labour minister met the organisers.",
        "2024-05-06",
    )
    ev = find(rec, "PROTEST", "marched")
    assert ev.actor is not None and ev.actor.country == "NGA" and ev.actor.sector == "CVL"


@pytest.mark.parametrize(
    ("sentence", "actor", "sector"),
    [
        ("A soldier was killed by sniper fire from the rebels on Tuesday.", "rebels", "REB"),
        ("Two policemen were wounded in a rebel attack near the border.", "rebel", "REB"),
    ],
)
def test_the_means_of_an_agentless_attack_names_its_actor(
    extract: Extract, sentence: str, actor: str, sector: str
) -> None:
    rec = extract(sentence, "2024-05-06")
    ev = next(e for e in rec.events if e.type == "ASSAULT")
    assert ev.actor is not None and ev.actor.text is not None, _describe(rec.events)
    assert actor in ev.actor.text and ev.actor.sector == sector


@pytest.mark.parametrize(
    "sentence",
    [
        "The ministry declined to comment on the raid on Friday.",
        "A police source, who declined to be named, said the raid was over.",
        "The army refused to comment on Friday.",
    ],
)
def test_sourcing_formulas_are_no_refusal(extract: Extract, sentence: str) -> None:
    rec = extract(sentence, "2024-05-06")
    assert not [e for e in rec.events if e.type == "REJECT"], _describe(rec.events)


def test_a_refusal_to_act_is_still_a_refusal(extract: Extract) -> None:
    rec = extract("The opposition refused to attend the talks on Friday.", "2024-05-06")
    assert find(rec, "REJECT", "refused").factuality == "asserted"


@pytest.mark.parametrize(
    "sentence",
    [
        "Speaking to the Daily Nation, the district commissioner said the curfew would stay.",
        "A senior police officer, when contacted, said the curfew would stay.",
    ],
)
def test_an_interview_that_frames_a_statement_is_no_meeting(
    extract: Extract, sentence: str
) -> None:
    rec = extract(sentence, "2024-05-06")
    assert not [e for e in rec.events if e.type == "CONSULT"], _describe(rec.events)


def test_a_meeting_before_a_statement_is_still_a_meeting(extract: Extract) -> None:
    rec = extract(
        "The minister spoke to his Kenyan counterpart on Friday, his office said.", "2024-05-06"
    )
    assert find(rec, "CONSULT", "spoke").factuality == "asserted"


def test_a_definite_reference_back_to_a_reported_blast_is_not_a_new_event(
    extract: Extract,
) -> None:
    text = (
        "A car bomb exploded outside a police station in Quetta on Friday, killing four "
        "officers. Witnesses said the blast shattered windows across the street. Shopkeepers "
        "described the blast as deafening."
    )
    rec = extract(text, "2024-05-06")
    blasts = [e for e in rec.events if e.trigger.text == "blast"]
    assert len(blasts) < 2, _describe(rec.events)


def test_a_reference_that_adds_its_own_date_stays(extract: Extract) -> None:
    text = (
        "Thousands of traders protested against new taxes in Nairobi on Monday. "
        "The protests began on Thursday after the government raised fuel prices."
    )
    rec = extract(text, "2024-05-06")
    ev = find(rec, "PROTEST", "protests")
    assert ev.date == "2024-05-02"


@pytest.mark.parametrize(
    ("sentence", "trigger", "label"),
    [
        (
            "Parliament has two ways to stop the deal: by suing the government, or by "
            "asking judges to arrest the minister.",
            "asking",
            "hypothetical",
        ),
        (
            "Among the measures recommended by the security council is a ban on night rallies.",
            "ban",
            "future",
        ),
    ],
)
def test_actions_listed_as_options_or_plans_are_not_facts(
    extract: Extract, sentence: str, trigger: str, label: str
) -> None:
    rec = extract(sentence, "2024-05-06")
    hits = [e for e in rec.events if e.trigger.text.lower().startswith(trigger)]
    assert hits, _describe(rec.events)
    assert all(e.factuality == label for e in hits), _describe(rec.events)


def test_conjoined_actions_in_sequence_are_two_events(extract: Extract) -> None:
    rec = extract(
        "Police beat the protesters at first and then fired teargas to disperse the mob.",
        "2024-05-06",
    )
    assaults = [e for e in rec.events if e.type == "ASSAULT"]
    assert {e.trigger.text for e in assaults} >= {"fired"}, _describe(rec.events)
    assert len(assaults) == 2, _describe(rec.events)


def test_conjoined_verbs_of_one_action_are_still_merged(extract: Extract) -> None:
    rec = extract("Gunmen shot and killed a shopkeeper in Kano on Friday.", "2024-05-06")
    assert len([e for e in rec.events if e.type == "ASSAULT"]) == 1, _describe(rec.events)


def test_agent_of_a_support_verb_in_the_passive_acts(extract: Extract) -> None:
    rec = extract("A peace march was taken out by students in Ahmedabad on Friday.", "2024-05-06")
    assert actor_text(find(rec, "PROTEST", "march")) == "students"


def test_a_clause_presupposed_true_keeps_its_own_factuality(extract: Extract) -> None:
    rec = extract(
        "It is not clear who was behind the killings, as villagers have blamed the militia.",
        "2024-05-06",
    )
    assert find(rec, "ACCUSE", "blamed").factuality == "asserted"


def test_a_person_declining_is_a_refusal_but_falling_exports_are_not(extract: Extract) -> None:
    rec = extract("Ruiz asked the chairman to delay the vote, but the chairman declined.")
    assert find(rec, "REJECT", "declined").factuality == "asserted"
    assert not extract("Coffee exports declined in March.").events


@pytest.mark.parametrize(
    ("sentence", "type_", "trigger"),
    [
        ("Hundreds of farmers blocked the main highway into Nairobi on Friday.", "PROTEST", "blocked"),
        ("The governor shortened the nightly curfew by two hours on Friday.", "CONCEDE", "shortened"),
        ("The government accepted the rebels' demands on Friday.", "CONCEDE", "accepted"),
        ("Opposition leaders said they forgave the president.", "SUPPORT", "forgave"),
    ],
)  # fmt: skip
def test_yielding_blocking_and_forgiving(
    extract: Extract, sentence: str, type_: str, trigger: str
) -> None:
    assert find(extract(sentence, "2024-05-06"), type_, trigger).factuality == "asserted"


def test_an_accepted_offer_is_still_agreement(extract: Extract) -> None:
    find(
        extract("The rebels accepted the government's offer of talks.", "2024-05-06"),
        "AGREE",
        "accepted",
    )


def test_a_definite_institution_without_country_is_the_actors_own(extract: Extract) -> None:
    rec = extract(
        "Kenyan opposition leader Ruth Wambui urged the administration to free the detainees.",
        "2024-05-06",
    )
    ev = find(rec, "REQUEST", "urged")
    assert ev.target is not None and ev.target.country == "KEN", _describe(rec.events)


def test_trigger_words_inside_descriptive_modifiers_are_not_events(extract: Extract) -> None:
    rec = extract(
        "Aid workers reached the riot-torn town of Kawali on Friday to help a frightened and "
        "intimidated population.",
        "2024-05-06",
    )
    assert not [e for e in rec.events if e.type in ("PROTEST", "THREATEN")], _describe(rec.events)


def test_witnesses_during_a_raid_are_not_its_actors(extract: Extract) -> None:
    rec = extract(
        "Police raided three houses in Leeds on Monday. Local residents reported hearing "
        "gunshots during the raids.",
        "2024-05-06",
    )
    for ev in rec.events:
        if ev.type == "COERCE":
            assert ev.actor is None or "residents" not in (ev.actor.text or ""), _describe(
                rec.events
            )


def test_a_date_possessor_is_not_an_actor_and_adds_no_detail(extract: Extract) -> None:
    text = (
        "Gunmen attacked a bus station in Kano on Saturday, killing five people. Parents of "
        "one of the gunmen said they were shocked by Saturday's attack."
    )
    rec = extract(text, "2024-05-06")
    refs = [e for e in rec.events if e.trigger.text == "attack"]
    assert all(e.actor is None or e.actor.text != "Saturday" for e in refs)
    assert not refs, _describe(rec.events)  # a reference back to the reported attack


def test_a_visited_place_is_where_the_visit_was(extract: Extract) -> None:
    rec = extract("Prime Minister Lina Moreau paid a visit to Rangoon on Wednesday.", "2024-05-06")
    ev = find(rec, "CONSULT", "visit")
    assert ev.location is not None and ev.location.text == "Rangoon"
    assert ev.location_source == "sentence"


def test_a_persons_state_or_possessor_does_not_place_the_event(extract: Extract) -> None:
    rec = extract("Senator Ray Hill (Ky.) met Burma's foreign minister on Thursday.", "2024-05-06")
    ev = find(rec, "CONSULT", "met")
    # neither the senator's state nor the minister's country says where they met
    assert ev.location_source != "sentence", ev.location


@pytest.mark.parametrize(
    ("sentence", "type_", "trigger"),
    [
        ("The former aide failed to appear before the committee on Tuesday.", "REJECT", "failed"),
        ("The envoy had breakfast with the rebel leaders on Monday.", "CONSULT", "breakfast"),
    ],
)  # fmt: skip
def test_defiance_and_working_meals(extract: Extract, sentence: str, type_: str, trigger: str) -> None:  # fmt: skip
    assert find(extract(sentence, "2024-05-06"), type_, trigger).factuality == "asserted"


def test_failing_to_win_is_no_refusal(extract: Extract) -> None:
    assert not extract("The ruling party failed to win a majority.", "2024-05-06").events
