"""Place names in caseless text: all lower-case (or all upper-case) wire copy.

spaCy's entity recognizer leans on capital letters, so in text such as
"curfew was clamped in chhota udaipur town in baroda district of gujarat" it
finds few or no places. For such documents (``is_caseless``) this module
proposes name spans from the positions where places stand:

* before or after a generic place noun of ``data/places/place_nouns.tsv``:
  "taldih village", "the town of kawant", "ajwa road", "panigate police station";
* after a locative preposition of ``data/places/linking.tsv``: "in ahmedabad",
  "at limkheda", "in rajkot, surendranagar and kapadvanj".

A name is a run of up to three words that are not stop words, numbers or
months; ``english_words()`` (the model's lemma lexicon) tells plain English
words ("tribal", "violence") from names. The caller (``resolve.py``) decides
which spans to keep: those that the gazetteer resolves inside the article's
countries, and, next to a place noun, unknown names that are no English word.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy
from spacy.attrs import IS_ALPHA, IS_LOWER, IS_UPPER, LENGTH, SENT_START
from spacy.tokens import Doc, Span, Token

from ..errors import DataFileError
from ..nlp import columns_of

#: A document is caseless when at least this share of its sentences starts in lower case ...
_LOWER_STARTS = 0.6
#: ... (counted over at least this many sentences), or this share of its words is upper case.
_MIN_SENTENCES = 3
_UPPER_WORDS = 0.8
_MIN_WORDS = 20
#: Longest name, in words.
_MAX_WORDS = 3
#: Items of a list after one preposition ("in rajkot, surendranagar and kapadvanj").
_MAX_ITEMS = 6

_CALENDAR = frozenset(
    w.lower() for w in (*calendar.month_name[1:], *calendar.month_abbr[1:], *calendar.day_name) if w
)


@dataclass(frozen=True)
class CaselessName:
    """A candidate place name: tokens ``start:end`` of the doc."""

    start: int
    end: int
    #: "area" (next to a settlement/area noun), "site" (the noun is part of the name),
    #: "after" (after a locative preposition)
    kind: str
    #: the place noun next to it names a subdivision ("district", "province")
    admin: bool = False


def _data_file(name: str) -> Path:
    return Path(str(resources.files("eventwire") / "data" / "places" / name))


@lru_cache(maxsize=1)
def place_nouns() -> dict[tuple[str, ...], str]:
    """Place nouns (as word tuples) -> kind ("area", "site" or "natural")."""
    path = _data_file("place_nouns.tsv")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DataFileError(str(path), f"cannot be read: {exc}") from exc
    nouns: dict[tuple[str, ...], str] = {}
    for lineno, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t")]
        if len(cols) < 2 or cols[1] not in ("area", "site", "natural") or not cols[0]:
            raise DataFileError(f"{path}:{lineno}", "expected 'noun <TAB> area|site|natural'")
        nouns[tuple(cols[0].lower().split())] = cols[1]
    return nouns


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Lower-case English lemmas (nouns, verbs, adjectives, adverbs) of the spaCy model.

    Read from the rule lemmatizer's ``lemma_index`` table of the installed model
    (WordNet's lemmas). Empty when the model has no such table; then only names
    that the gazetteer resolves are proposed.
    """
    try:
        import spacy.util
        from spacy.lookups import Lookups

        from ..nlp import resolve_model_name

        root = spacy.util.get_package_path(resolve_model_name().replace("-", "_"))
        for path in sorted(root.glob("**/lemmatizer/lookups/lookups.bin")):
            table = Lookups().from_disk(path.parent).get_table("lemma_index")
            words: set[str] = set()
            for pos in table:
                words.update(w.lower() for w in table[pos])
            return frozenset(words)
    except Exception:  # no model, another layout: no lexicon
        return frozenset()
    return frozenset()


def is_english(tok: Token) -> bool:
    """Whether a token is a plain English word: its form or lemma is in the lexicon, or,
    hyphenated, each of its parts is ("riot-torn")."""
    lexicon = english_words()
    if tok.lower_ in lexicon or tok.lemma_.lower() in lexicon:
        return True
    parts = [p for p in tok.lower_.split("-") if p]
    return len(parts) > 1 and all(p in lexicon or p.rstrip("s") in lexicon for p in parts)


def is_caseless(doc: Doc) -> bool:
    """Whether case says nothing about names in ``doc``: most sentences start in lower
    case, or nearly all words are upper case (read off the doc's attribute arrays)."""
    if len(doc) == 0:
        return False
    cached = doc.user_data.get("eventwire_caseless")
    if isinstance(cached, bool):
        return cached
    arr = doc.to_array([IS_ALPHA, IS_UPPER, IS_LOWER, LENGTH, SENT_START])
    alpha = arr[:, 0] == 1
    words = alpha & (arr[:, 3] > 1)
    n_words = int(words.sum())
    result = False
    if n_words >= _MIN_WORDS and int((words & (arr[:, 1] == 1)).sum()) >= _UPPER_WORDS * n_words:
        result = True
    elif doc.has_annotation("SENT_START"):
        # the first alphabetic token of each sentence
        sent_id = numpy.cumsum(arr[:, 4] == 1)
        firsts: dict[int, int] = {}
        for i in numpy.flatnonzero(alpha):
            firsts.setdefault(int(sent_id[i]), int(i))
        starts = len(firsts)
        lower = sum(int(arr[i, 2] == 1) for i in firsts.values())
        result = starts >= _MIN_SENTENCES and lower >= _LOWER_STARTS * starts
    doc.user_data["eventwire_caseless"] = result
    return result


_FUNCTION_POS = frozenset({"ADP", "DET", "PRON", "CCONJ", "SCONJ", "AUX", "PART", "NUM", "PUNCT"})


def _name_word(tok: Token) -> bool:
    """A word that may belong to a place name (not a stop or function word, number or month)."""
    text = tok.lower_
    if not text.replace("-", "").isalpha() or len(text) < 3 or text.startswith("-"):
        return False
    return not (tok.is_stop or text in _CALENDAR or tok.pos_ in _FUNCTION_POS)


@lru_cache(maxsize=1)
def _nouns_by_first_word() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """Place nouns indexed by their first word, longest first."""
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for words, kind in place_nouns().items():
        index.setdefault(words[0], []).append((words, kind))
    for entries in index.values():
        entries.sort(key=lambda e: -len(e[0]))
    return index


def _noun_at(doc: Doc, i: int) -> tuple[int, str] | None:
    """(length, kind) of the longest place noun starting at token ``i``."""
    cols = columns_of(doc)
    if i >= cols.n:
        return None
    index = _nouns_by_first_word()
    lower = cols.lower
    for words, kind in index.get(lower[i], ()):
        n = len(words)
        if n == 1 or (i + n <= cols.n and tuple(lower[i : i + n]) == words):
            return n, kind
    for words, kind in index.get(cols.lemma[i].lower(), ()):
        if len(words) == 1:
            return 1, kind  # "villages"
    return None


def _run_left(doc: Doc, end: int, floor: int) -> int:
    """Start of the run of name words ending just before token ``end`` (``end`` if none)."""
    start = end
    while start > floor and end - start < _MAX_WORDS and _name_word(doc[start - 1]):
        if _noun_at(doc, start - 1) is not None:  # "town" in "tribal town kawant"
            break
        start -= 1
    return start


def _run_right(doc: Doc, start: int, ceil: int) -> int:
    """End of the run of name words starting at token ``start``."""
    end = start
    while end < ceil and end - start < _MAX_WORDS and _name_word(doc[end]):
        if _noun_at(doc, end) is not None:
            break
        end += 1
    return end


def _after_preposition(doc: Doc, sent: Span, i: int, out: list[CaselessName]) -> None:
    """Names after the locative preposition at token ``i`` (a list of them, too)."""
    j = i + 1
    # determiners and up to two plain modifiers: "in the riot-torn tribal town of ..."
    while j < sent.end and doc[j].lower_ in ("the", "a", "an"):
        j += 1
    skipped = 0
    while (
        j < sent.end
        and skipped < 2
        and (doc[j].pos_ in ("ADJ", "VERB") or "-" in doc[j].text)
        and is_english(doc[j])
    ):
        j += 1
        skipped += 1
    for _item in range(_MAX_ITEMS):
        end = _run_right(doc, j, sent.end)
        if end == j:
            return
        out.append(CaselessName(j, end, "after"))
        k = end
        if k < sent.end and doc[k].text == ",":
            k += 1
        if k < sent.end and doc[k].lower_ in ("and", "or"):
            k += 1
        if k == end:
            return
        j = k


def caseless_names(doc: Doc, prepositions: frozenset[str]) -> list[CaselessName]:
    """Candidate place-name spans of a caseless ``doc`` (possibly overlapping)."""
    out: list[CaselessName] = []
    cols = columns_of(doc)
    sents = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
    for sent in sents:
        i = sent.start
        while i < sent.end:
            noun = _noun_at(doc, i)
            if noun is not None:
                n, kind = noun
                kind = "site" if kind == "natural" else kind  # the noun is part of the name
                admin = cols.lemma[i].lower() in ("district", "province", "state", "county")
                start = _run_left(doc, i, sent.start)
                if start < i:
                    end = i + n if kind == "site" else i
                    out.append(CaselessName(start, end, kind, admin))
                # "the town of kawant"
                if kind == "area" and i + n < sent.end and cols.lower[i + n] == "of":
                    end = _run_right(doc, i + n + 1, sent.end)
                    if end > i + n + 1:
                        out.append(CaselessName(i + n + 1, end, "area", admin))
                i += n
                continue
            # "areas.in sensitive bharuch": scraped copy glues a sentence to the next
            low = cols.lower[i]
            if low in prepositions or (
                "." in cols.text[i][1:-1] and low.rsplit(".", 1)[1] in prepositions
            ):
                _after_preposition(doc, sent, i, out)
            i += 1
    return out
