"""Language identification: non-English articles are stored and flagged, not coded with
English rules; English texts, short ones included, are never flagged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, GOLD_DEV
from eventwire.language import (
    MIN_LETTERS,
    detect_language,
    language_name,
    normalize_language,
)
from eventwire.read import ArticleInput, read_paths
from eventwire.record import ArticleRecord

LANGS = Path(__file__).parent / "data" / "languages"
SAMPLES = sorted(LANGS.glob("*.txt"))

HEADLINES = [
    "Iran vows revenge",
    "NATO summit ends",
    "Merkel meets Macron in Paris",
    "Police arrest 20 in Lagos",
    "Putin, Xi sign accord",
    "Breaking: quake hits Chile",
    "Rebels seize Goma airport; UN condemns attack",
    "Kenya: protesters defy ban",
]


def _article(text: str, n: int = 1, language: str | None = None) -> ArticleInput:
    return ArticleInput(text=text, id=f"l{n}", origin=f"in.jsonl:{n}", language=language, date=None)


# ----------------------------------------------------------------------------- detection


@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_non_english_samples_are_recognised(path: Path) -> None:
    found = detect_language(path.read_text(encoding="utf-8"))
    assert found.decided and found.language == path.stem, found


@pytest.mark.parametrize("headline", HEADLINES)
def test_english_headlines_stay_english(headline: str) -> None:
    found = detect_language(headline)
    assert found.language == "en" and not found.decided  # too short to tell: English


def test_short_latin_texts_are_not_classified_at_all() -> None:
    # under MIN_LETTERS letters of Latin script the model is not even asked
    fr = (LANGS / "fr.txt").read_text(encoding="utf-8")
    short = fr[:60]
    assert sum(c.isalpha() for c in short) < MIN_LETTERS
    assert detect_language(short).language == "en"
    assert detect_language("").language == "en"
    assert detect_language(" \n\t\u200b" * 1000).language == "en"
    assert detect_language("1234 5678 — 90 %" * 100).language == "en"


def test_other_scripts_are_not_english_even_when_short() -> None:
    assert detect_language("Полиция задержала двадцать демонстрантов").language == "ru"
    assert detect_language("اعتقلت الشرطة عشرين متظاهرا في لاغوس").language == "ar"
    # a few foreign words inside an English sentence do not make it foreign
    assert (
        detect_language(
            "The crowd chanted “Слава Україні” outside the embassy in Warsaw on Friday."
        ).language
        == "en"
    )


def test_english_corpora_are_never_flagged() -> None:
    texts: list[str] = []
    for item in read_paths([EXAMPLES / "articles"]):
        assert isinstance(item, ArticleInput)
        texts.append(item.text)
    assert len(texts) >= 8
    if GOLD_DEV.exists():
        texts += [
            json.loads(f.read_text(encoding="utf-8"))["text"] for f in GOLD_DEV.glob("*.json")
        ]
    for text in texts:
        # the whole article and its beginning (a lead paragraph, a headline)
        for sample in (text, text[:400], text[:150], text[:60]):
            found = detect_language(sample)
            assert found.language == "en", (found, sample[:80])


@pytest.mark.parametrize(
    ("value", "code"),
    [("en", "en"), ("EN", "en"), ("en-US", "en"), ("fr_FR", "fr"), ("eng", "en"),
     ("fra", "fr"), ("French", "fr"), ("German", "de"), ("Klingonese", None), ("", None),
     ("x" * 100, None), (None, None), (5, None)],
)  # fmt: skip
def test_normalize_declared_language(value: object, code: str | None) -> None:
    assert normalize_language(value) == code


def test_language_names() -> None:
    assert language_name("fr") == "French"
    assert language_name("zz-not-a-code") == "zz-not-a-code"


# ----------------------------------------------------------------------------- pipeline


def test_non_english_article_is_stored_and_flagged_not_coded(pipeline: Any) -> None:
    text = (LANGS / "fr.txt").read_text(encoding="utf-8")
    english = "Police arrested 20 protesters in Lagos on Monday, officials said."
    out = list(pipeline.process([_article(text, 1), _article(english, 2)]))
    fr, en = out
    assert isinstance(fr, ArticleRecord) and isinstance(en, ArticleRecord)
    assert fr.language == "fr" and fr.text == text
    assert fr.events == [] and fr.entities == [] and fr.quotes == [] and fr.times == []
    assert fr.places == []
    [warning] = fr.warnings
    assert warning.startswith("in.jsonl:1: language 'fr' identified as French")
    assert "not coded" in warning
    # the English article of the same batch is coded as usual
    assert en.language == "en" and en.warnings == []
    assert any(e.type == "ASSAULT" or e.type == "COERCE" for e in en.events), en.events


def test_declared_language_is_used_when_the_text_is_too_short(pipeline: Any) -> None:
    short = "Police arrested 20 protesters in Lagos on Monday."
    [rec] = list(pipeline.process([_article(short, 3, language="fr")]))
    assert isinstance(rec, ArticleRecord)
    assert rec.language == "fr" and rec.events == []
    assert "declared as French" in rec.warnings[0]
    [rec] = list(pipeline.process([_article(short, 4, language="en-GB")]))
    assert isinstance(rec, ArticleRecord) and rec.language == "en" and rec.events


def test_identified_language_wins_over_a_wrong_declaration(pipeline: Any) -> None:
    text = (LANGS / "de.txt").read_text(encoding="utf-8")
    [rec] = list(pipeline.process([_article(text, 5, language="en")]))
    assert isinstance(rec, ArticleRecord) and rec.language == "de" and rec.events == []
    assert "declared language 'en', but the text is German" in rec.warnings[0]
    english = (EXAMPLES / "articles" / "kenya-protests-2025-03-03.txt").read_text("utf-8")
    [rec] = list(pipeline.process([_article(english, 6, language="es")]))
    assert isinstance(rec, ArticleRecord) and rec.language == "en" and rec.events
    assert "declared language 'es', but the text is English" in rec.warnings[0]


def test_unknown_declared_language_is_reported_and_ignored(pipeline: Any) -> None:
    [rec] = list(
        pipeline.process([_article("Police arrested 20 protesters.", 7, language="Klingon?")])
    )
    assert isinstance(rec, ArticleRecord) and rec.language == "en"
    assert rec.warnings == ["in.jsonl:7: unknown language 'Klingon?' ignored"]


def test_detection_can_be_turned_off() -> None:
    from eventwire.pipeline import Pipeline

    bare = Pipeline(stages=(), detect_language=False)
    text = (LANGS / "fr.txt").read_text(encoding="utf-8")
    [rec] = list(bare.process([_article(text, 8)]))
    assert isinstance(rec, ArticleRecord) and rec.language == "en" and rec.warnings == []


def test_extract_cli_reports_non_english_articles(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    import eventwire.cli as cli
    from eventwire.pipeline import Pipeline

    bare = Pipeline(stages=())
    feed = tmp_path / "mixed.jsonl"
    feed.write_text(
        json.dumps({"id": "fr", "text": (LANGS / "fr.txt").read_text(encoding="utf-8")})
        + "\n"
        + json.dumps({"id": "en", "text": "Ministers met in Valmora on Monday."})
        + "\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    original = cli._make_pipeline
    cli._make_pipeline = lambda *a, **k: bare  # type: ignore[assignment]
    try:
        r = runner.invoke(cli.app, ["extract", str(feed)])
    finally:
        cli._make_pipeline = original  # type: ignore[assignment]
    assert r.exit_code == 0, r.stderr
    recs = [json.loads(x) for x in r.stdout.splitlines()]
    assert [(x["id"], x["language"]) for x in recs] == [("fr", "fr"), ("en", "en")]
    err = " ".join(r.stderr.split())
    assert f"warning: {feed}:1: language 'fr' identified as French" in err
    assert "Traceback" not in r.stderr
