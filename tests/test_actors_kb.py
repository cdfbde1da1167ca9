"""The actor knowledge base: bundled data and user files."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventwire.actors import ActorKB
from eventwire.actors.kb import DATA_DIR, normalize


@pytest.fixture(scope="module")
def kb() -> ActorKB:
    return ActorKB.load()


def test_bundled_files_load_cleanly(kb: ActorKB) -> None:
    assert kb.warnings == []
    assert len(kb.countries) > 190


@pytest.mark.parametrize(
    ("form", "country", "kind"),
    [
        ("US", "USA", "country"),
        ("U.S.", "USA", "country"),
        ("the United States", "USA", "country"),
        ("America’s", "USA", "country"),
        ("American", "USA", "demonym"),
        ("Iranians", "IRN", "demonym"),
        ("Iraqis", "IRQ", "demonym"),
        ("Tehran", "IRN", "seat"),
        ("the Kremlin", "RUS", "institution"),
        ("Kosovo", "KOS", "country"),
        ("Hong Kong", "HKG", "country"),
        ("State of Palestine", "PSE", "country"),
        ("Puerto Rico", "USA", "country"),
        ("Islamic Republic of Iran", "IRN", "country"),
        ("Hezbollah", "LBN", "actor"),
        ("IRGC", "IRN", "actor"),
        ("ISIL", "IMG", "actor"),
        ("NATO", "IGO", "actor"),
        ("U.N.", "UNO", "actor"),
    ],
)
def test_lookup(kb: ActorKB, form: str, country: str, kind: str) -> None:
    entry = kb.lookup(form)
    assert entry is not None, form
    assert (entry.country, entry.kind) == (country, kind)


def test_lookup_is_case_aware(kb: ActorKB) -> None:
    assert kb.lookup("us") is None  # the pronoun is not the country
    assert kb.lookup("who") is None  # nor is "who" the WHO
    entry = kb.lookup("Quds force")  # long names match case-insensitively
    assert entry is not None and entry.name == "Quds Force"


def test_canonical_country_names(kb: ActorKB) -> None:
    assert kb.country_name("USA") == "United States"
    assert kb.country_name("IRN") == "Iran"
    assert kb.country_name("GBR") == "United Kingdom"
    assert kb.country_name("XXX") is None


def test_sector_lexicon_phrases(kb: ActorKB) -> None:
    entry = kb.sector_phrase(["security", "force"])
    assert entry is not None and entry.sector == "COP"
    entry = kb.sector_phrase(["troop"])
    assert entry is not None and entry.sector == "MIL"
    entry = kb.sector_phrase(["ayatollah"])
    assert entry is not None and entry.kind == "honorific" and entry.sector is None


def test_normalize() -> None:
    assert normalize("the  Islamic State’s") == "Islamic State"
    assert (
        normalize("Combined Joint Task Force – Operation")
        == "Combined Joint Task Force - Operation"
    )


def test_generated_table_matches_generator(tmp_path: Path) -> None:
    from eventwire.actors import build_countries

    out = tmp_path / "countries.tsv"
    build_countries.main([str(out)])
    assert out.read_text(encoding="utf-8") == (DATA_DIR / "countries.tsv").read_text(
        encoding="utf-8"
    )


def test_user_file_adds_actors_and_reports_bad_lines(tmp_path: Path) -> None:
    user = tmp_path / "my_actors.tsv"
    user.write_text(
        "# my actors\n"
        "Northern Valley Front\tORG\tNGA\tREB\tNVF|Valley Front\n"
        "Bad Country Group\tORG\tZZZ\tREB\n"
        "Bad Sector Group\tORG\tNGA\tXXX\n"
        "Too Short\tORG\n"
        "Weird Type\tTHING\tNGA\tREB\n",
        encoding="utf-8",
    )
    kb = ActorKB.load([user])
    entry = kb.lookup("NVF")
    assert entry is not None and (entry.name, entry.country, entry.sector) == (
        "Northern Valley Front",
        "NGA",
        "REB",
    )
    assert ("ORG", "Valley Front") in kb.ruler_patterns
    assert len(kb.warnings) == 4
    assert f"{user}:3" in kb.warnings[0] and "ZZZ" in kb.warnings[0]
    assert f"{user}:4" in kb.warnings[1] and "XXX" in kb.warnings[1]
    assert f"{user}:5" in kb.warnings[2]
    assert f"{user}:6" in kb.warnings[3] and "THING" in kb.warnings[3]
    assert kb.lookup("Bad Country Group") is None
    # the bundled knowledge is still there, and the default KB is untouched
    assert kb.lookup("Hezbollah") is not None
    assert ActorKB.load().lookup("NVF") is None


def test_user_sector_and_country_files(tmp_path: Path) -> None:
    sectors = tmp_path / "sectors.tsv"
    sectors.write_text(
        "# format: sectors\nforest ranger\tCOP\tgroup\nbad\tNOPE\tgroup\n", encoding="utf-8"
    )
    countries = tmp_path / "countries.tsv"
    countries.write_text(
        "# format: countries\nNGA\tseat\tLagos\nQQQ\tdemonym\tQuux\n", encoding="utf-8"
    )
    kb = ActorKB.load([sectors, countries])
    entry = kb.sector_phrase(["forest", "ranger"])
    assert entry is not None and entry.sector == "COP"
    seat = kb.lookup("Lagos")
    assert seat is not None and seat.country == "NGA" and seat.kind == "seat"
    assert any(f"{sectors}:3" in w and "NOPE" in w for w in kb.warnings)
    assert any(f"{countries}:3" in w and "QQQ" in w for w in kb.warnings)


def test_missing_user_file_and_unknown_format(tmp_path: Path) -> None:
    odd = tmp_path / "odd.tsv"
    odd.write_text("# format: nonsense\nx\ty\n", encoding="utf-8")
    kb = ActorKB.load([tmp_path / "nope.tsv", odd])
    assert any("nope.tsv" in w and "no such file" in w for w in kb.warnings)
    assert any(f"{odd}:1" in w and "nonsense" in w for w in kb.warnings)
    assert kb.lookup("Iraq") is not None


def test_user_file_in_pipeline(tmp_path: Path) -> None:
    import spacy

    from eventwire.actors import add_to_pipeline
    from eventwire.nlp import load_model, resolve_model_name

    load_model()
    user = tmp_path / "extra.tsv"
    user.write_text("Northern Valley Front\tORG\tNGA\tREB\tNVF\n", encoding="utf-8")
    user.write_text(
        "Northern Valley Front\tORG\tNGA\tREB\tNVF\nBroken Line\tORG\tNOWHERE\tREB\n",
        encoding="utf-8",
    )
    nlp = spacy.load(resolve_model_name())
    with pytest.warns(UserWarning, match=r"extra\.tsv:2: unknown country code 'NOWHERE'"):
        add_to_pipeline(nlp, {"actor_files": [str(user)]})
    doc = nlp("The NVF attacked a convoy near the river.")
    assert any(e.text == "NVF" and e.label_ == "ORG" for e in doc.ents)
    actor = doc._.actors.resolve(doc[1:2])
    assert actor is not None and (actor.name, actor.country, actor.sector) == (
        "Northern Valley Front",
        "NGA",
        "REB",
    )
