"""Name normalization shared by the gazetteer index and the lookups.

A name is folded to lower case ASCII words: accents are stripped (``Kyjiw`` and
``Kyjiw`` with a diacritic fold together), periods and apostrophes vanish
(``U.S.`` -> ``us``, ``Côte d'Ivoire`` -> ``cote divoire``), every other
non-alphanumeric run becomes one space, and a leading article ``the`` is dropped.
"""

from __future__ import annotations

import re
import unicodedata

_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# Latin letters that Unicode does not decompose into a base letter and a mark
_LETTERS = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae",
     "Æ": "AE", "œ": "oe", "Œ": "OE", "ı": "i", "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D", "ħ": "h"}
)  # fmt: skip
_DROP = re.compile(r"[.'’‘`´ʼ]")
_NON_WORD = re.compile(r"[^0-9a-z]+")
_LEADING_THE = re.compile(r"^the\s+")


def fold(text: str) -> str:
    """Strip accents and case: ``"Ürümqi"`` -> ``"urumqi"`` (non-Latin letters are kept)."""
    if text.isascii():
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    return _COMBINING.sub("", decomposed).casefold()


def normalize(name: str) -> str:
    """The lookup key of a place name; ``""`` for a name with no letters or digits."""
    if not isinstance(name, str):
        return ""
    key = _DROP.sub("", fold(name))
    key = _NON_WORD.sub(" ", key).strip()
    return _LEADING_THE.sub("", key)


def is_latin(name: str) -> bool:
    """True when the name folds to ASCII (worth indexing for English text)."""
    folded = fold(name)
    return bool(folded) and folded.isascii()
