"""Which language an article is in, so that English rules code only English text.

eventwire's lexicons, cue lists and parser are English. An article in another
language is still stored (with its ``language``) but not coded: English rules on
French or Arabic text give confident nonsense. Identification uses py3langid (a
naive Bayes model over byte n-grams, shipped inside the package, offline).

A text is declared non-English only when the evidence is strong, because coding an
English article by mistake costs little and skipping one loses its events:

* mostly letters of another script than Latin (Cyrillic, Arabic, Han, ...), at least
  :data:`MIN_SCRIPT_LETTERS` of them: not English, whatever its length; or
* at least :data:`MIN_LETTERS` letters (headlines and one-line briefs are too short
  to tell: "NATO summit ends" comes out Faroese), the most probable language not
  English (nor an English-based variety such as Nigerian Pidgin, which the model
  confuses with English on short texts), and either that language has probability
  at least :data:`MIN_CONFIDENCE` while English keeps at most :data:`MAX_ENGLISH`,
  or English keeps less than :data:`CLEARLY_NOT_ENGLISH` (two close languages such
  as Indonesian and Malay may share the rest).

Otherwise the text counts as English. Figures on our corpora are in
``docs/reliability.md`` (``bench/language.py``).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

ENGLISH = "en"
#: py3langid labels counted as English.
ENGLISH_LIKE = frozenset({"en", "pcm"})
#: Fewer letters than this: too short to tell, taken as English.
MIN_LETTERS = 120
#: Least probability of the top language to declare a text non-English.
MIN_CONFIDENCE = 0.9
#: Most probability English may keep for a text declared non-English.
MAX_ENGLISH = 0.05
#: Below this probability of English a long enough text is not English.
CLEARLY_NOT_ENGLISH = 0.001
#: Letters of a non-Latin script that make a text non-English when they are most of it.
MIN_SCRIPT_LETTERS = 10
#: Characters of the text read (from the start): enough for a reliable decision.
SAMPLE_CHARS = 1_000

_LOCK = threading.Lock()


@dataclass(frozen=True)
class Detection:
    """The outcome of :func:`detect_language`."""

    #: ISO 639-1 code where one exists (else py3langid's ISO 639-3 code); "en" when
    #: the text is English or too short or unclear to tell
    language: str
    #: probability of ``language`` (English: of English and its varieties together);
    #: ``None`` when the text was too short to classify
    confidence: float | None
    #: True when the evidence was strong enough to decide (else English by default)
    decided: bool

    @property
    def english(self) -> bool:
        return self.language == ENGLISH


@lru_cache(maxsize=1)
def _identifier() -> Any:
    """py3langid's model with normalised probabilities, loaded once per process (~1 s)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


_LETTER = re.compile(r"[^\W\d_]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]")


def detect_language(text: str) -> Detection:
    """The language of ``text`` by the rule in the module docstring (never raises)."""
    sample = text[:SAMPLE_CHARS]
    letters = len(_LETTER.findall(sample))
    other_script = letters - len(_LATIN.findall(sample))
    foreign_script = other_script >= MIN_SCRIPT_LETTERS and other_script * 2 > letters
    if letters < MIN_LETTERS and not foreign_script:
        return Detection(ENGLISH, None, False)
    try:
        with _LOCK:  # the identifier is not documented as thread-safe
            ranked: list[tuple[str, float]] = _identifier().rank(sample)
    except Exception:  # identification must never lose an article
        return Detection(ENGLISH, None, False)
    english = sum(p for lang, p in ranked if lang in ENGLISH_LIKE)
    top, confidence = ranked[0]
    if foreign_script:
        return Detection(top if top not in ENGLISH_LIKE else "und", round(confidence, 4), True)
    if top in ENGLISH_LIKE:
        return Detection(ENGLISH, round(english, 4), True)
    if (confidence >= MIN_CONFIDENCE and english <= MAX_ENGLISH) or english < CLEARLY_NOT_ENGLISH:
        return Detection(top, round(confidence, 4), True)
    return Detection(ENGLISH, round(english, 4), False)


def normalize_language(value: object) -> str | None:
    """An ISO 639 code for a declared language ("EN", "en-US", "eng", "French"),
    else ``None``."""
    if not isinstance(value, str):
        return None
    raw = value.strip()
    if not raw or len(raw) > 64:
        return None
    code = raw.lower().replace("_", "-").split("-")[0]
    if len(code) == 2 and code.isascii() and code.isalpha():
        return code
    import pycountry

    lang = pycountry.languages.get(alpha_3=code) if len(code) == 3 else None
    if lang is None:
        try:
            lang = pycountry.languages.lookup(raw)
        except LookupError:
            return None
    return str(getattr(lang, "alpha_2", None) or lang.alpha_3)


def language_name(code: str) -> str:
    """A readable name for a language code ("fr" → "French"); the code if unknown."""
    import pycountry

    key = "alpha_2" if len(code) == 2 else "alpha_3"
    lang = pycountry.languages.get(**{key: code.lower()})
    return str(lang.name) if lang is not None else code
