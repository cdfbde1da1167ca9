"""Places: gazetteer lookups, toponym resolution, trigger linking, the spaCy component."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from spacy.tokens import Doc

from conftest import GOLD_DEV, require
from eventwire import record
from eventwire.errors import DataFileError
from eventwire.nlp import register_extensions
from eventwire.places import (
    COMPONENT,
    Gazetteer,
    add_to_pipeline,
    find_places,
    linked_place,
    resolve_doc,
)
from eventwire.places.gazetteer import (
    _add_curated,
    _Builder,
    distance_km,
    load_country_codes,
    load_country_points,
)
from eventwire.places.normalize import normalize


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.default()


def places_of(nlp, text: str, segments: list[record.Segment] | None = None):  # type: ignore[no-untyped-def]
    doc = nlp(text)
    doc._.segments = segments
    places = find_places(doc)
    for p in places:  # spans are exact, always
        assert doc.text[p.span[0] : p.span[1]] == p.text
    return doc, places


def by_text(places: list[record.Place], text: str) -> record.Place:
    found = [p for p in places if p.text == text]
    assert found, f"{text!r} not among {[p.text for p in places]}"
    return found[0]


# ---------------------------------------------------------------- normalization


def test_normalize_folds_case_accents_periods_and_article() -> None:
    assert normalize("Bogotá") == normalize("BOGOTA") == "bogota"
    assert normalize("U.S.") == "us"
    assert normalize("Côte d'Ivoire") == "cote divoire"
    assert normalize("the Gaza Strip") == "gaza strip"
    assert normalize("Baden-Württemberg") == "baden wurttemberg"
    assert normalize("") == "" and normalize("...") == ""
    assert normalize(None) == ""  # type: ignore[arg-type]


# ---------------------------------------------------------------- gazetteer


def test_lookup_is_case_and_accent_insensitive(gaz: Gazetteer) -> None:
    a = gaz.lookup("Bogotá")
    b = gaz.lookup("bogota")
    assert a and a == b
    assert a[0].country == "COL" and a[0].feature == "city"


def test_lookup_alternate_spellings_reach_one_entry(gaz: Gazetteer) -> None:
    kiev = [c for c in gaz.lookup("Kiev") if c.feature == "city"]
    kyiv = [c for c in gaz.lookup("Kyiv") if c.feature == "city"]
    assert kiev and kyiv and kiev[0].id == kyiv[0].id and kiev[0].country == "UKR"


def test_lookup_bad_input_gives_nothing(gaz: Gazetteer) -> None:
    assert gaz.lookup("") == []
    assert gaz.lookup("   ") == []
    assert gaz.lookup(None) == []  # type: ignore[arg-type]
    assert gaz.lookup("Xqzzyvillezz") == []


def test_country_codes_follow_plover(gaz: Gazetteer) -> None:
    codes = load_country_codes()
    assert codes["XK"] == "KOS" and codes["PS"] == "PSE" and codes["HK"] == "HKG"
    assert codes["PR"] == "USA" and codes["GL"] == "DNK" and codes["FR"] == "FRA"
    kosovo = [c for c in gaz.lookup("Kosovo") if c.feature == "country"]
    assert kosovo and kosovo[0].country == "KOS"
    # a city of a dependency belongs to its state
    san_juan = gaz.lookup("San Juan")  # the capital of Puerto Rico
    assert any(c.country == "USA" and 17 < c.lat < 19 for c in san_juan)
    assert not any(c.country == "PRI" for c in san_juan)


def test_airports_and_curated_entries(gaz: Gazetteer) -> None:
    air = [c for c in gaz.lookup("Baghdad airport") if c.feature == "airport"]
    assert air and air[0].country == "IRQ" and air[0].code == "BGW"
    assert gaz.by_iata("bgw") is not None and gaz.by_iata("ZZZ") is None
    assert gaz.by_iata(None) is None  # type: ignore[arg-type]
    zone = gaz.lookup("Green Zone")
    assert zone and zone[0].feature == "landmark" and zone[0].country == "IRQ"
    donbass = gaz.lookup("Donbass")
    assert donbass and donbass[0].name == "Donbas"


def test_index_lives_in_the_cache_keyed_by_sources(gaz: Gazetteer) -> None:
    assert gaz.path.exists() and gaz.path.suffix == ".sqlite"
    assert gaz.path.name.startswith("gazetteer-cities")


def test_missing_index_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DataFileError):
        Gazetteer(tmp_path / "absent.sqlite")


def test_bad_curated_file_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "places.tsv").write_text(
        "# comment\nGood Place\tregion\t\t\t10\t20\nBad Place\tregion\t\t\tnorth\t20\n",
        encoding="utf-8",
    )
    (tmp_path / "aliases.tsv").write_text("", encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        _add_curated(_Builder(), tmp_path)
    assert "places.tsv:3" in str(err.value)


def test_alias_to_missing_target_is_reported(tmp_path: Path) -> None:
    (tmp_path / "places.tsv").write_text("Somewhere\tregion\t\t\t1\t2\n", encoding="utf-8")
    (tmp_path / "aliases.tsv").write_text(
        "Lugdunum\tLyon\tcity\tFRA\t1\nElsewhere\tNowhere\tcity\tFRA\t1\n", encoding="utf-8"
    )
    builder = _Builder()
    builder.add("Lyon", "city", "FRA", "FR", None, 45.75, 4.85, 500_000)
    with pytest.raises(DataFileError) as err:
        _add_curated(builder, tmp_path)
    assert "aliases.tsv:2" in str(err.value)


def test_distance() -> None:
    assert distance_km((0.0, 0.0), (0.0, 1.0)) == pytest.approx(111.2, abs=0.5)


# ---------------------------------------------------------------- resolution


def test_qualifier_selects_the_country(nlp) -> None:  # type: ignore[no-untyped-def]
    _, places = places_of(nlp, "Thousands rallied in Saada, Yemen, on Monday.")
    saada = by_text(places, "Saada")
    assert saada.country == "YEM" and saada.feature == "city"
    assert by_text(places, "Yemen").feature == "country"


def test_qualifier_selects_the_state(nlp) -> None:  # type: ignore[no-untyped-def]
    _, places = places_of(nlp, "The storm flooded the centre of Paris, Texas, on Sunday.")
    paris = by_text(places, "Paris")
    assert paris.country == "USA" and paris.admin1 == "Texas"
    _, places = places_of(nlp, "The minister flew to Paris for talks on Sunday.")
    assert by_text(places, "Paris").country == "FRA"


def test_article_context_disambiguates(nlp) -> None:  # type: ignore[no-untyped-def]
    _, places = places_of(
        nlp, "Voters in Atlanta lined up for hours. Georgia is a swing state, officials said."
    )
    assert by_text(places, "Georgia").country == "USA"
    _, places = places_of(
        nlp, "Protesters gathered in Tbilisi. Georgia applied to join the European Union."
    )
    assert by_text(places, "Georgia").country == "GEO"


def test_airport_span_extension(nlp) -> None:  # type: ignore[no-untyped-def]
    _doc, places = places_of(nlp, "He was killed by a drone at Baghdad airport on Friday.")
    ap = by_text(places, "Baghdad airport")
    assert ap.feature == "airport" and ap.country == "IRQ"
    assert ap.name == "Baghdad International Airport"
    assert ap.lat is not None and distance_km((ap.lat, ap.lon or 0.0), (33.26, 44.23)) < 5


def test_namesake_city_beats_its_province_unless_named_so(nlp) -> None:  # type: ignore[no-untyped-def]
    _, places = places_of(nlp, "A bomb exploded in Kabul on Tuesday.")
    assert by_text(places, "Kabul").feature == "city"
    _, places = places_of(nlp, "Rebels shelled villages in Idlib province on Tuesday.")
    assert by_text(places, "Idlib").feature == "admin1"


def test_demonyms_are_not_places(nlp) -> None:  # type: ignore[no-untyped-def]
    _, places = places_of(nlp, "Iraqi and Syrian officials met Americans in the capital.")
    assert not any(p.text in ("Iraqi", "Syrian", "Americans") for p in places)


def test_person_names_are_not_places(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Coach Michael Jordan praised the team. Later Mr. Jordan said the season was long."
    _, places = places_of(nlp, text)
    assert not any(p.text == "Jordan" for p in places)


def test_misread_capital_is_rescued(nlp) -> None:  # type: ignore[no-untyped-def]
    # the small model tags "Kyiv" here as a PERSON; it is exactly a capital's name
    doc, places = places_of(nlp, "Mr. Smith visited Kyiv and met officials in Odessa.")
    kyiv = [p for p in places if p.text == "Kyiv"]
    if not any(e.text == "Kyiv" for e in doc.ents):
        pytest.skip("the model did not tag Kyiv at all")
    assert kyiv and kyiv[0].country == "UKR"
    assert by_text(places, "Odessa").country == "UKR"


def test_unknown_places_keep_text_and_span(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("Crowds gathered at the Zorblax Memorial Stadium.")
    ents = [e for e in doc.ents if e.label_ in ("FAC", "GPE", "LOC")]
    if not ents:
        from spacy.tokens import Span

        doc.set_ents([Span(doc, 4, 7, label="FAC")])
    places = find_places(doc)
    assert places and places[0].name is None and places[0].lat is None
    assert doc.text[places[0].span[0] : places[0].span[1]] == places[0].text


def test_dateline_places(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "BAGHDAD / DUBAI – Militias said they struck a base in Anbar on Sunday."
    seg = record.Segment(span=(0, 17), kind="dateline")
    _, places = places_of(nlp, text, [seg])
    assert by_text(places, "BAGHDAD").country == "IRQ"
    assert by_text(places, "DUBAI").country == "ARE"
    assert [p.text for p in places].count("BAGHDAD") == 1


def test_dateline_as_the_analysis_copy_writes_it(nlp) -> None:  # type: ignore[no-untyped-def]
    # cleaning turns the dateline dash into a period in the analysis text
    text = "BAGHDAD / DUBAI . Militias said they struck a base on Sunday."
    _, places = places_of(nlp, text, [record.Segment(span=(0, 17), kind="dateline")])
    assert [p.text for p in places][:2] == ["BAGHDAD", "DUBAI"]


def test_dateline_with_date_and_agency(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "NAIROBI, March 3 (Agency) - Police fired tear gas at students on Monday."
    seg = record.Segment(span=(0, 27), kind="dateline")
    _, places = places_of(nlp, text, [seg])
    nairobi = by_text(places, "NAIROBI")
    assert nairobi.country == "KEN" and nairobi.feature == "city"
    assert not any(p.text.startswith("March") for p in places)


def test_dateline_qualifier(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "LONDON, Ontario – Police said a man was arrested overnight."
    seg = record.Segment(span=(0, 17), kind="dateline")
    _, places = places_of(nlp, text, [seg])
    assert by_text(places, "LONDON").country == "CAN"
    assert by_text(places, "Ontario").feature == "admin1"


def test_dateline_country_breaks_ties(nlp) -> None:  # type: ignore[no-untyped-def]
    _, places = places_of(nlp, "Police arrested a man in Kingston overnight.")
    assert by_text(places, "Kingston").country == "JAM"  # the capital, without context
    text = "TORONTO – Police arrested a man in Kingston overnight."
    _, places = places_of(nlp, text, [record.Segment(span=(0, 9), kind="dateline")])
    assert by_text(places, "TORONTO").country == "CAN"
    assert by_text(places, "Kingston").country == "CAN"


def test_direction_word_in_front_falls_back_to_the_place(nlp) -> None:  # type: ignore[no-untyped-def]
    from spacy.tokens import Span

    doc = nlp("Patrols were seen in East Belfast and in northern Syria.")
    east = next(t.i for t in doc if t.text == "East")
    north = next(t.i for t in doc if t.text == "northern")
    doc.set_ents([Span(doc, east, east + 2, label="GPE"), Span(doc, north, north + 2, label="GPE")])
    places = find_places(doc)
    assert [(p.text, p.name, p.country) for p in places] == [
        ("East Belfast", "Belfast", "GBR"),
        ("northern Syria", "Syria", "SYR"),
    ]


def test_generic_words_are_not_places(nlp) -> None:  # type: ignore[no-untyped-def]
    from spacy.tokens import Span

    doc = nlp("The troops were told to leave the country and go west.")
    country = next(t for t in doc if t.text == "country")
    west = next(t for t in doc if t.text == "west")
    doc.set_ents(
        [
            Span(doc, country.i, country.i + 1, label="GPE"),
            Span(doc, west.i, west.i + 1, label="LOC"),
        ]
    )
    assert find_places(doc) == []


def test_resolve_doc_pairs_places_with_entries(nlp) -> None:  # type: ignore[no-untyped-def]
    pairs = resolve_doc(nlp("Rescuers reached Nairobi."))
    assert pairs and pairs[0][1] is not None and pairs[0][1].name == pairs[0][0].name


def test_bad_input_never_raises(nlp) -> None:  # type: ignore[no-untyped-def]
    assert find_places(None) == []  # type: ignore[arg-type]
    assert find_places("Baghdad") == []  # type: ignore[arg-type]
    assert find_places(nlp("")) == []
    doc = nlp("Troops entered Mosul.")
    doc._.segments = [record.Segment(span=(500, 900), kind="dateline")]
    assert [p.text for p in find_places(doc)] == ["Mosul"]
    doc._.segments = None
    assert [p.text for p in find_places(doc)] == ["Mosul"]


# ---------------------------------------------------------------- linking


def _trigger(doc: Doc, word: str):  # type: ignore[no-untyped-def]
    return next(t for t in doc if t.text == word)


@pytest.mark.parametrize(
    ("text", "trigger", "expected"),
    [
        (
            "He was killed by an American drone at Baghdad airport on Friday.",
            "killed",
            "Baghdad airport",
        ),
        ("Thousands rallied in Saada, Yemen, on Monday.", "rallied", "Saada"),
        ("The minister told the embassy in Baghdad that talks would resume.", "told", "Baghdad"),
        ("Police arrested 20 protesters near Lagos on Monday.", "arrested", "Lagos"),
        ("Protesters marched through the Green Zone on Friday.", "marched", "Green Zone"),
        ("Police condemned the London protest on Sunday.", "protest", "London"),
        ("It was the deadliest attack in the heart of London in years.", "attack", "London"),
        ("Police launched raids in east London on Monday.", "raids", "London"),
        ("Her aide accompanied her to Burma in 2011.", "accompanied", "Burma"),
    ],
)
def test_linked_place(nlp, text: str, trigger: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    doc, places = places_of(nlp, text)
    place = linked_place(_trigger(doc, trigger), places)
    assert place is not None and place.text == expected


@pytest.mark.parametrize(
    ("text", "trigger"),
    [
        ("The ministers agreed on sanctions on Burma last week.", "sanctions"),  # a target
        ("The mayor of Paris condemned the decision.", "condemned"),  # "of": no location
        ("Unlike in Cuba, the president restored relations quickly.", "restored"),
    ],
)
def test_linked_place_declines(nlp, text: str, trigger: str) -> None:  # type: ignore[no-untyped-def]
    doc, places = places_of(nlp, text)
    assert places, "the sentence should hold a place"
    assert linked_place(_trigger(doc, trigger), places) is None


def test_linked_place_stays_in_the_trigger_clause(nlp) -> None:  # type: ignore[no-untyped-def]
    doc, places = places_of(
        nlp, "Speaking in Paris, the minister said that rebels attacked the convoy."
    )
    assert linked_place(_trigger(doc, "attacked"), places) is None
    assert linked_place(_trigger(doc, "Speaking"), places) is not None


def test_linked_place_bad_input(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("Troops entered Mosul.")
    assert linked_place(doc[1], []) is None
    assert linked_place(None, find_places(doc)) is None  # type: ignore[arg-type]
    odd = [record.Place(text="x", span=(900, 901))]
    assert linked_place(doc[1], odd) is None


def test_linked_place_without_a_parser() -> None:
    import spacy

    doc = spacy.blank("en")("Troops entered Mosul.")
    assert linked_place(doc[1], [record.Place(text="Mosul", span=(15, 20))]) is None


# ---------------------------------------------------------------- component


def test_component_sets_doc_places() -> None:
    import spacy

    register_extensions()
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "GPE", "pattern": "Mosul"}])  # type: ignore[attr-defined]
    add_to_pipeline(nlp, {})
    add_to_pipeline(nlp, {"places": {}})  # idempotent
    assert nlp.pipe_names.count(COMPONENT) == 1
    doc = nlp("Troops entered Mosul.")
    assert [(p.text, p.country) for p in doc._.places] == [("Mosul", "IRQ")]


# ---------------------------------------------------------------- shared gold


def test_gold_dev_locations_are_found(nlp) -> None:  # type: ignore[no-untyped-def]
    """Most countries of the dev gold's event locations appear among the article's places."""
    require(GOLD_DEV)
    hit = total = 0
    for path in sorted(GOLD_DEV.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        wanted = {
            (e.get("location") or {}).get("country")
            for e in data.get("events", [])
            if not e.get("optional")
        } - {None}
        if not wanted:
            continue
        found = {p.country for p in find_places(nlp(data["text"]))}
        hit += len(wanted & found)
        total += len(wanted)
    if total == 0:
        pytest.skip("no located events in the dev gold")
    assert hit / total >= 0.8


# ---------------------------------------------------------------- country points, subdivisions, counties


def test_countries_stand_at_their_geonames_point(gaz: Gazetteer) -> None:
    us = next(c for c in gaz.lookup("United States") if c.feature == "country")
    assert us.lat == pytest.approx(39.76, abs=0.01) and us.lon == pytest.approx(-98.5, abs=0.01)
    canada = next(c for c in gaz.lookup("Canada") if c.feature == "country")
    assert canada.lon == pytest.approx(-113.64, abs=0.01)
    # countries without an entry in country_points.tsv keep the packaged point
    france = next(c for c in gaz.lookup("France") if c.feature == "country")
    assert (france.lat, france.lon) == (46.0, 2.0)


def test_country_points_file_is_checked(tmp_path: Path) -> None:
    (tmp_path / "country_points.tsv").write_text("# c\nUS\t39.76\t-98.5\tok\n", encoding="utf-8")
    assert load_country_points(tmp_path) == {"US": (39.76, -98.5)}
    (tmp_path / "country_points.tsv").write_text("USA\t39.76\t-98.5\n", encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        load_country_points(tmp_path)
    assert "country_points.tsv:1" in str(err.value)
    assert load_country_points(tmp_path / "absent") == {}


def test_uk_nations_are_subdivisions_with_population(gaz: Gazetteer) -> None:
    for name in ("England", "Scotland", "Wales", "Northern Ireland"):
        best = gaz.lookup(name)[0]
        assert (best.feature, best.country, best.name) == ("admin1", "GBR", name)
        assert best.population > 1_000_000


def test_cities_take_the_subdivision_of_their_own_match(gaz: Gazetteer) -> None:
    # GeoNames cuts England in one admin1 code, countrystatecity in counties: each city
    # gets its county, and the county its cities' population
    kent = gaz.lookup("Kent")[0]
    assert (kent.feature, kent.country) == ("admin1", "GBR") and kent.population > 500_000
    lyon = next(c for c in gaz.lookup("Lyon") if c.feature == "city")
    assert lyon.admin1


def test_us_counties(gaz: Gazetteer) -> None:
    pytest.importorskip("zipcodes")
    orange = gaz.lookup("Orange County")
    assert orange and orange[0].feature == "admin2" and orange[0].admin1 == "California"
    assert {c.admin1 for c in orange} >= {"California", "Florida", "New York"}
    assert 33 < orange[0].lat < 34.5 and -118.5 < orange[0].lon < -117
    saint = [c.id for c in gaz.lookup("Saint Croix County") if c.feature == "admin2"]
    assert saint and saint == [
        c.id for c in gaz.lookup("St. Croix County") if c.feature == "admin2"
    ]


def test_news_abbreviations_and_airport_names(gaz: Gazetteer) -> None:
    assert gaz.lookup("B.C.")[0].name == "British Columbia"
    assert {c.country for c in gaz.lookup("WA")} >= {"USA", "AUS"}
    assert any(c.code == "AMS" for c in gaz.lookup("Schiphol"))
    assert any(c.code == "IAD" for c in gaz.lookup("Dulles International Airport"))


def test_county_in_context(nlp) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("zipcodes")
    _, places = places_of(
        nlp, "Deputies in Orange County, Florida, searched a lake near Orlando on Monday."
    )
    county = by_text(places, "Orange County")
    assert (county.feature, county.admin1) == ("admin2", "Florida")


# ---------------------------------------------------------------- recognition rules


def _with_ents(nlp, text: str, ents: list[tuple[str, str]]) -> Doc:  # type: ignore[no-untyped-def]
    """``text`` parsed, with exactly these (surface, label) entities."""
    doc = nlp(text)
    spans = []
    for surface, label in ents:
        start = text.index(surface)
        span = doc.char_span(start, start + len(surface), label=label)
        assert span is not None
        spans.append(span)
    doc.set_ents(spans, default="outside")
    return doc


def test_split_name_fragments_are_joined(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = _with_ents(
        nlp,
        "The delegation of Trinidad and Tobago left early.",
        [("Trinidad", "GPE"), ("Tobago", "PERSON")],
    )
    places = find_places(doc)
    assert [(p.text, p.country, p.feature) for p in places] == [
        ("Trinidad and Tobago", "TTO", "country")
    ]
    doc = _with_ents(
        nlp, "Rain fell on Baja California today.", [("Baja", "GPE"), ("California", "GPE")]
    )
    assert [(p.text, p.country) for p in find_places(doc)] == [("Baja California", "MEX")]


def test_unknown_name_opening_with_a_place_is_that_place(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = _with_ents(
        nlp, "Crowds filled the Manila Cathedral on Sunday.", [("Manila Cathedral", "FAC")]
    )
    assert [(p.text, p.country) for p in find_places(doc)] == [("Manila", "PHL")]
    # but a street or a river named after a place is not in it
    doc = _with_ents(nlp, "Smoke rose over Hampton Avenue on Sunday.", [("Hampton Avenue", "FAC")])
    assert [(p.text, p.name) for p in find_places(doc)] == [("Hampton Avenue", None)]


def test_trailing_adjective_is_trimmed(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = _with_ents(
        nlp,
        "Cool water spread in the eastern Pacific equatorial region.",
        [("Pacific equatorial", "LOC")],
    )
    places = find_places(doc)
    assert [(p.text, p.feature) for p in places] == [("Pacific", "sea")]


def test_a_name_only_an_airport_has_is_the_airport(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = _with_ents(nlp, "Flights landed at Schiphol overnight.", [("Schiphol", "LOC")])
    assert [(p.feature, p.country) for p in find_places(doc)] == [("airport", "NLD")]


def test_country_acronym_tagged_org_is_rescued(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = _with_ents(nlp, "Investors from the UAE arrived.", [("UAE", "ORG")])
    assert [(p.text, p.country) for p in find_places(doc)] == [("UAE", "ARE")]
    doc = _with_ents(nlp, "Reporters from the BBC arrived.", [("BBC", "ORG")])
    assert find_places(doc) == []


def test_city_of_cue_makes_a_place(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = _with_ents(
        nlp, "Police in the city of Lyon were searching for a man.", [("Lyon", "PERSON")]
    )
    assert [(p.text, p.country) for p in find_places(doc)] == [("Lyon", "FRA")]
    doc = _with_ents(nlp, "Police asked Lyon to stay.", [("Lyon", "PERSON")])
    assert find_places(doc) == []


def test_unknown_place_inside_a_known_one(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = _with_ents(
        nlp,
        "A man was shot on Zorblax Road in Belfast on Friday.",
        [("Zorblax Road", "FAC"), ("Belfast", "GPE")],
    )
    road = by_text(find_places(doc), "Zorblax Road")
    assert (road.name, road.country, road.feature) == ("Zorblax Road, Belfast", "GBR", "locality")
    assert road.lat is not None and abs(road.lat - 54.6) < 0.2
    # "near" is no containment
    doc = _with_ents(
        nlp,
        "A man was shot on Zorblax Road near Belfast on Friday.",
        [("Zorblax Road", "FAC"), ("Belfast", "GPE")],
    )
    assert by_text(find_places(doc), "Zorblax Road").name is None


# ---------------------------------------------------------------- caseless text

_CASELESS = (
    "curfew was imposed in the town of kalol after a mob torched shops near the zorpur bus "
    "stand. police said the mob later gathered near the station. in nadiad, two people were "
    "hurt when police fired teargas. officials in gujarat said the situation was under "
    "control. a shopkeeper who lived in zorpur village in anand was arrested.areas.in surat "
    "stayed calm."
)


def test_caseless_documents_are_detected(nlp) -> None:  # type: ignore[no-untyped-def]
    from eventwire.places.caseless import is_caseless

    assert is_caseless(nlp(_CASELESS))
    assert is_caseless(nlp("POLICE FIRED TEARGAS IN THE TOWN ON MONDAY. " * 3))
    assert not is_caseless(
        nlp("Police fired teargas in Nadiad. Officials said it was calm. It rained.")
    )


def test_caseless_places_are_found_in_the_article_country(nlp) -> None:  # type: ignore[no-untyped-def]
    _, places = places_of(nlp, _CASELESS)
    found = {p.text: p for p in places}
    for name in ("kalol", "nadiad", "gujarat", "anand", "surat"):
        assert found[name].country == "IND", name
    # an unknown name next to a place noun stays, unresolved; words never become places
    assert "zorpur bus stand" in found and found["zorpur bus stand"].name is None
    village = found["zorpur"]
    assert (village.name, village.country, village.feature) == ("Zorpur, Anand", "IND", "locality")
    assert not {"police", "mob", "station", "curfew", "teargas"} & set(found)


def test_caseless_names_stay_in_the_article_countries(nlp) -> None:  # type: ignore[no-untyped-def]
    # "chota" alone is a town in Peru; in an article about India it is no place of Peru
    text = (
        "baroda: police fired teargas in vadodara on monday. a mob gathered near the chota "
        "bazaar. officials in gujarat said the town was calm. curfew stayed in nadiad."
    )
    _, places = places_of(nlp, text)
    assert places and all(p.country in (None, "IND") for p in places)
    assert any(p.text == "chota bazaar" for p in places)


def test_cased_text_gets_no_caseless_places(nlp) -> None:  # type: ignore[no-untyped-def]
    _, places = places_of(
        nlp, "Police said the mob gathered near the Zorpur bus stand. It was calm."
    )
    assert all(p.text != "Zorpur bus stand" or p.name is None for p in places)
    _, places = places_of(
        nlp, "Curfew was imposed in the town. Officials said it was calm. Rain fell."
    )
    assert places == []


def test_linking_through_a_nominal_gerund(nlp) -> None:  # type: ignore[no-untyped-def]
    doc, places = places_of(nlp, "One person was killed in police firing in Surat on Monday.")
    place = linked_place(_trigger(doc, "killed"), places)
    assert place is not None and place.text == "Surat"


def test_a_capitalized_name_before_a_place_noun_is_a_place(nlp) -> None:  # type: ignore[no-untyped-def]
    _, places = places_of(
        nlp, "Two fighter jets bombed Let Pan Hla village in Sagaing region, Myanmar."
    )
    village = by_text(places, "Let Pan Hla")  # the noun is left out
    assert village.name == "Let Pan Hla, Sagaing" and village.country == "MMR"


def test_a_possessive_place_contains_the_name_after_it(nlp) -> None:  # type: ignore[no-untyped-def]
    _, places = places_of(nlp, "Police fired tear gas in Nairobi's Kibera area on Saturday.")
    kibera = by_text(places, "Kibera")
    assert kibera.name == "Kibera, Nairobi" and kibera.country == "KEN"


def test_landmarks_are_named_with_their_city(gaz: Gazetteer) -> None:
    assert gaz.lookup("Downing Street")[0].name == "Downing Street, London"


# ------------------------------------------------ issue 19: local news, cased text
def _with_ents(nlp, text: str, ents: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    """The doc of ``text`` with exactly these (phrase, label) entities."""
    from spacy.tokens import Span

    doc = nlp(text)
    spans = []
    for phrase, label in ents:
        start = text.index(phrase)
        sp = doc.char_span(start, start + len(phrase), alignment_mode="expand")
        assert sp is not None
        spans.append(Span(doc, sp.start, sp.end, label=label))
    doc.set_ents(sorted(spans, key=lambda s: s.start), default="outside")
    doc._.segments = None
    return doc


def test_unknown_name_without_a_place_word_is_no_place(nlp) -> None:  # type: ignore[no-untyped-def]
    """In cased text a name the recognizer calls a place but that resolves nowhere, lies
    in no place and has no place or building noun is dropped (mostly persons and firms);
    with a site noun, or after "the town of", it stays (unresolved)."""
    doc = _with_ents(nlp, "Zorblatt said the plan would work.", [("Zorblatt", "GPE")])
    assert find_places(doc) == []
    doc = _with_ents(
        nlp, "Fans waited outside Zorblatt Stadium for hours.", [("Zorblatt Stadium", "FAC")]
    )
    assert [p.text for p in find_places(doc)] == ["Zorblatt Stadium"]
    doc = _with_ents(
        nlp, "Officials visited the small town of Qervannik on Monday.", [("Qervannik", "GPE")]
    )
    assert [p.text for p in find_places(doc)] == ["Qervannik"]


def test_organisation_named_after_a_building_is_a_site(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = _with_ents(
        nlp,
        "Crowds gathered at Kelvindale Racecourse in Glasgow on Saturday.",
        [("Kelvindale Racecourse", "ORG"), ("Glasgow", "GPE")],
    )
    site = by_text(find_places(doc), "Kelvindale Racecourse")
    assert site.name == "Kelvindale Racecourse, Glasgow" and site.country == "GBR"
    doc = _with_ents(
        nlp, "Students at Glasgow University protested.", [("Glasgow University", "ORG")]
    )
    assert "Glasgow University" not in [p.text for p in find_places(doc)]


def test_upper_case_dateline_without_a_segment(nlp) -> None:  # type: ignore[no-untyped-def]
    _, places = places_of(nlp, "Storm damage\n\nATLANTA (Agency) — Power lines fell overnight.")
    atlanta = by_text(places, "ATLANTA")
    assert atlanta.country == "USA" and atlanta.admin1 == "Georgia"


def test_a_street_placed_nowhere_lies_in_the_dateline_town(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "DENVER (Agency) — Police closed Larkspur Street after a crash on Monday."
    doc = _with_ents(nlp, text, [("DENVER", "GPE"), ("Larkspur Street", "FAC")])
    doc._.segments = [record.Segment(span=(0, 16), kind="dateline")]
    street = by_text(find_places(doc), "Larkspur Street")
    assert street.name == "Larkspur Street, Denver" and street.country == "USA"
    assert street.feature == "locality"


def test_an_institutions_building_is_a_place_only_as_a_place(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = _with_ents(
        nlp,
        "The White House said on Monday that talks would resume.",
        [("White House", "FAC")],
    )
    assert find_places(doc) == []
    doc = _with_ents(
        nlp, "Protesters gathered outside the White House on Monday.", [("White House", "FAC")]
    )
    assert by_text(find_places(doc), "White House").country == "USA"


def test_other_versions_indexes_are_kept_while_in_use(tmp_path: Path) -> None:
    import os
    import time

    from eventwire.places.gazetteer import STALE_AFTER_S, purge_stale

    keep = tmp_path / "gazetteer-c-new.sqlite"
    recent = tmp_path / "gazetteer-c-other.sqlite"
    old = tmp_path / "gazetteer-c-old.sqlite"
    for p in (keep, recent, old):
        p.write_bytes(b"")
    long_ago = time.time() - STALE_AFTER_S - 60
    os.utime(old, (long_ago, long_ago))
    os.utime(keep, (long_ago, long_ago))
    assert purge_stale(tmp_path, "c", keep) == [old]
    assert keep.exists() and recent.exists() and not old.exists()
