"""Direct and indirect quotes and their speakers (EVENTS.md section 6).

``find_quotes(doc)`` returns ``record.Quote`` objects with spans in ``text_of(doc)``
offsets, in text order, ids ``q1``, ``q2``, ...

* **Direct quotes** are found by a character scan of the double quotation
  marks (straight ``"`` and curly/guillemet marks), independent of the parser:
  nested single quotes and apostrophes are plain text, a paragraph that opens a
  quote without closing it continues when the next paragraph reopens with a
  mark (news style), and unbalanced marks are repaired best effort (logged).
* **Speakers** come from speech cues (``data/quotes/cues.tsv``): first the cue
  that governs the quoted words in the parse, then cues in the *tail*
  (``,” Esper told reporters``) and the *head* (``The letter said, “``), then a
  dash or colon before a name (``” ― Jane Doe``, ``Pew Research: “``). The
  speaker is the cue's syntactic subject (or the object of "according to"),
  with a positional fallback. A quote with no cue continues the speaker of a
  quote in the same or the previous paragraph, else takes the speech cue of the
  sentence just before it.
* **Indirect speech** is the clausal complement of a speech verb
  ("X said (that) CLAUSE", "X told Y that CLAUSE"), the clause next to
  "according to X", or the clause around a parenthetical cue ("The bridge, the
  mayor said, will open"); clauses that are mostly a direct quote are not
  repeated.

See ``docs/quotes.md`` for the rules and figures.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import logging
import re
from collections.abc import Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from . import record
from .errors import DataFileError
from .nlp import columns_of, register_extensions, sentence_of, text_of

log = logging.getLogger(__name__)

__all__ = [
    "CueLexicon",
    "QuotesComponent",
    "add_to_pipeline",
    "find_marked_spans",
    "find_quotes",
    "load_cues",
    "quote_at",
]

# --------------------------------------------------------------------------- marks

#: Double marks that open / close by their shape; ``"`` is decided by context.
_OPEN_MARKS = "“„‟«"
_CLOSE_MARKS = "”»"
_STRAIGHT = '"＂'
#: UTF-8 curly quotes read as cp1252 (mojibake common in scraped news).
_MOJIBAKE_OPEN = "â€œ"
_MOJIBAKE_CLOSE = ("â€\x9d", "â€\ufffd")
#: Two apostrophes stand for a straight double mark in some archives ('' ... '').
_MARK_RE = re.compile(r"â€œ|â€[\x9d\ufffd]|''|[\"＂“”„‟«»]|\n")
#: Characters after which a mark is an opener ("said (“yes”)").
_BEFORE_OPEN = "([{—–-/"
#: Characters before which a mark is a closer ("“yes”, he said").
_AFTER_CLOSE = ".,;:!?)]}—–-…'’"
_SENT_END = ".!?…"
#: Characters of double quotation marks (never part of a speaker's words).
_MARK_CHARS = '"＂“”„‟«»'

#: Quotes with at most this many words need a cue of their own (scare quotes).
SCARE_MAX_WORDS = 3

#: Pronouns that refer to one person (fallback coreference when no actors layer).
_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
_ORG_LABELS = frozenset({"ORG", "GPE", "NORP"})
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
#: Dependencies through which a participial or coordinated cue inherits its subject.
_INHERIT_DEPS = frozenset({"advcl", "conj", "xcomp", "pcomp", "acomp", "prep", "advmod"})


@dataclass(frozen=True)
class MarkedSpan:
    """A stretch of text between quotation marks (marks excluded).

    ``parts`` > 1 when the quote runs over several paragraphs (each reopened
    with a mark); the span then covers the paragraph breaks and reopening marks.
    """

    start: int
    end: int
    parts: int = 1
    repaired: bool = False


def _glyph(mark: str) -> str | None:
    """'open' / 'close' by the mark's shape; None for a straight mark."""
    if mark in _OPEN_MARKS or mark == _MOJIBAKE_OPEN:
        return "open"
    if mark in _CLOSE_MARKS or mark in _MOJIBAKE_CLOSE:
        return "close"
    return None


def _role(text: str, i: int, j: int | None = None) -> str | None:
    """'open' / 'close' for the mark ``text[i:j]`` from its neighbours, else by shape."""
    j = i + 1 if j is None else j
    prev = text[i - 1] if i > 0 else " "
    nxt = text[j] if j < len(text) else " "
    opener = (prev.isspace() or prev in _BEFORE_OPEN) and not nxt.isspace()
    closer = not prev.isspace() and (nxt.isspace() or nxt in _AFTER_CLOSE or nxt in _CLOSE_MARKS)
    if opener and not closer:
        return "open"
    if closer and not opener:
        return "close"
    return _glyph(text[i:j])


def _is_mark(tok: Token) -> bool:
    """Is the token a double quotation mark (of any form)?"""
    return tok.text != "\n" and _MARK_RE.fullmatch(tok.text) is not None


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _nested(text: str, i: int) -> bool:
    """Is the opener at ``i`` (inside an open quote) a nested quote?

    Yes when, before the end of its line, the next two marks both close (the
    nested quote's closer, then the outer one's).
    """
    end = text.find("\n", i)
    end = len(text) if end < 0 else end
    start = _MARK_RE.match(text, i)
    after = start.end() if start else i + 1
    # only the next two marks matter: looking further made a line of thousands of marks
    # quadratic
    roles = [
        _role(text, m.start(), m.end())
        for m in itertools.islice(_MARK_RE.finditer(text, after, end), 2)
    ]
    return len(roles) >= 2 and roles[0] != "open" and roles[1] != "open"


def find_marked_spans(text: str) -> list[MarkedSpan]:
    """Spans of text inside double quotation marks, in order (never raises).

    Single marks (nested quotes, apostrophes) are ordinary characters. A quote
    still open at a paragraph end continues if the next paragraph starts with a
    quotation mark; otherwise it is closed at the paragraph end (logged).
    """
    spans: list[MarkedSpan] = []
    open_at: int | None = None
    parts = 1
    skip: int | None = None
    depth = 0  # double quotes nested inside an open double quote
    n = len(text)

    def emit(s: int, e: int, repaired: bool) -> None:
        s, e = _trim(text, s, e)
        if e > s and re.search(r"\w", text[s:e]):
            spans.append(MarkedSpan(s, e, parts, repaired))

    glued: int | None = None  # end of the last closing mark that could also open
    for m in _MARK_RE.finditer(text):
        i, k = m.start(), m.end()
        ch = m.group()
        if ch == "\n":
            glued = None
            if open_at is None or i < open_at:
                continue
            j = i
            while j < n and text[j].isspace():
                j += 1
            if j >= n:
                continue  # handled at the end of the text
            if skip is not None and skip > i:
                continue  # already decided at the first newline of this run
            blank = text.count("\n", i, j) >= 2
            reopen = _MARK_RE.match(text, j)
            if reopen and reopen.group() != "\n" and _glyph(reopen.group()) != "close":
                skip = j  # news style: the next paragraph reopens the same quote
                parts += 1
                continue
            line_end = text[open_at:i].rstrip()
            if blank or (line_end and line_end[-1] in _SENT_END + '”"'):
                log.warning(
                    "unclosed quotation mark at offset %d (closed at paragraph end)", open_at - 1
                )
                emit(open_at, i, True)
                open_at, parts, skip, depth = None, 1, None, 0
            continue
        if skip is not None and i == skip:
            skip = None
            continue
        if ch in _STRAIGHT and i > 0 and text[i - 1] == "=" and open_at is None:
            markup = text.find(ch, k)  # markup attribute: author="..."
            skip = markup if markup >= 0 else None
            continue
        prev_ch = text[i - 1] if i > 0 else " "
        next_ch = text[k] if k < n else " "
        if ch == "''" and prev_ch.isalnum() and next_ch.isalnum():
            continue  # a doubled apostrophe: "Wednesday''s"
        role = _role(text, i, k)
        if open_at is not None and prev_ch.isspace() and next_ch.isspace():
            role = "close"  # a lone mark between spaces ends the open quote
        if open_at is None:
            if role == "close":
                if glued is not None:
                    # '...hours."This will be ..." He': a glued mark closed one
                    # quote and opened the next.
                    log.warning(
                        "glued quotation mark at offset %d (closed and reopened)", glued - 1
                    )
                    emit(glued, i, True)
                    glued = None
                else:
                    log.warning("closing quotation mark without opening at offset %d (ignored)", i)
                continue
            open_at, parts, skip, depth, glued = k, 1, None, 0, None
            continue
        if role == "open" and text[open_at:i].strip():
            if _nested(text, i):  # “... what he calls “hell” than ...”
                depth += 1
                continue
            # An opener while a quote is open: the previous opener was never closed.
            log.warning("unclosed quotation mark at offset %d (dropped)", open_at - 1)
            open_at, parts, skip, depth = k, 1, None, 0
            continue
        if depth:
            depth -= 1
            continue
        emit(open_at, i, False)
        glued = k if role is None and k < n and text[k].isalnum() else None
        open_at, parts, skip, depth = None, 1, None, 0
    if open_at is not None:
        log.warning("unclosed quotation mark at offset %d (closed at end of text)", open_at - 1)
        emit(open_at, n, True)
    return spans


# --------------------------------------------------------------------------- cue lexicon


@dataclass(frozen=True)
class CueLexicon:
    """Speech cues: verb lemmas, phrasal verbs and fixed phrases, each with its uses."""

    verbs: dict[str, frozenset[str]]
    phrasal: dict[tuple[str, str], frozenset[str]]
    phrases: dict[tuple[str, ...], frozenset[str]]
    #: speech nouns ("issued a statement: “…”", "her remarks: “…”")
    nouns: frozenset[str] = frozenset()

    def _lemma(self, tok: Token) -> str:
        """The verb's lemma; for a form the lemmatizer missed ("Tweeted"), a
        lexicon entry reached by stripping a regular inflection."""
        lemma = tok.lemma_.lower()
        if lemma in self.verbs:
            return lemma
        low = tok.lower_
        for suffix, repl in _INFLECTIONS:
            if low.endswith(suffix) and low[: -len(suffix)] + repl in self.verbs:
                return low[: -len(suffix)] + repl
        return lemma

    @functools.cached_property
    def phrases_by_first(self) -> dict[str, list[tuple[tuple[str, ...], frozenset[str]]]]:
        """The fixed phrases by their first word, in file order."""
        index: dict[str, list[tuple[tuple[str, ...], frozenset[str]]]] = {}
        for words, uses in self.phrases.items():
            index.setdefault(words[0], []).append((words, uses))
        return index

    def match_form(self, tok: Token, use: str) -> tuple[str, Span] | None:
        """A one-word verb cue recognised by its form alone, whatever its tag (the
        tagger reads "the editorial read." as a noun phrase)."""
        v_uses = self.verbs.get(self._lemma(tok))
        if tok.is_alpha and v_uses and use in v_uses:
            return tok.text, tok.doc[tok.i : tok.i + 1]
        return None

    def match(self, tok: Token, use: str) -> tuple[str, Span] | None:
        """If ``tok`` starts a cue usable for ``use``, return (cue text, cue span)."""
        doc = tok.doc
        low = tok.lower_
        for words, uses in self.phrases_by_first.get(low, ()):
            if (
                use in uses
                and tok.i + len(words) <= len(doc)
                and all(doc[tok.i + k].lower_ == w for k, w in enumerate(words))
            ):
                span = doc[tok.i : tok.i + len(words)]
                return span.text, span
        if tok.pos_ not in ("VERB", "AUX") and not tok.tag_.startswith("VB"):
            return None
        lemma = self._lemma(tok)
        for child in _children(tok):
            if child.dep_ in ("prt", "dobj", "advmod"):  # "point out", "put it", "shot back"
                p_uses = self.phrasal.get((lemma, child.lower_))
                if p_uses and use in p_uses:
                    return tok.text, doc[tok.i : tok.i + 1]
        v_uses = self.verbs.get(lemma)
        if v_uses and use in v_uses:
            return tok.text, doc[tok.i : tok.i + 1]
        return None


_USES = frozenset({"direct", "indirect", "object", "noun"})
_INFLECTIONS = (
    ("ied", "y"),
    ("ed", ""),
    ("ed", "e"),
    ("es", ""),
    ("s", ""),
    ("ing", ""),
    ("ing", "e"),
)


def _cues_path() -> Path:
    return Path(str(resources.files("eventwire") / "data" / "quotes" / "cues.tsv"))


@lru_cache(maxsize=8)
def load_cues(path: str | None = None) -> CueLexicon:
    """Read a cue lexicon (default: the shipped ``data/quotes/cues.tsv``).

    Raises ``DataFileError`` naming the file and line for a malformed entry.
    """
    file = Path(path) if path else _cues_path()
    verbs: dict[str, frozenset[str]] = {}
    phrasal: dict[tuple[str, str], frozenset[str]] = {}
    phrases: dict[tuple[str, ...], frozenset[str]] = {}
    nouns: set[str] = set()
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DataFileError(str(file), f"cannot read cue lexicon: {exc}") from exc
    for lineno, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split("\t")
        where = f"{file}:{lineno}"
        if len(fields) != 2:
            raise DataFileError(where, f"expected 'cue<TAB>uses', got {line!r}")
        cue, uses_field = fields[0].strip().lower(), fields[1].strip()
        uses = frozenset(u.strip() for u in uses_field.split(",") if u.strip())
        if not cue or not uses or not uses <= _USES:
            raise DataFileError(where, f"bad entry {line!r}: uses must be among {sorted(_USES)}")
        words = tuple(cue.split())
        if "noun" in uses:
            if len(words) != 1 or uses != {"noun"}:
                raise DataFileError(
                    where, f"bad entry {line!r}: a noun cue is one word, 'noun' only"
                )
            nouns.add(cue)
        elif len(words) == 1:
            verbs[cue] = uses
        elif words[-1] in ("to", "from", "by") or len(words) > 2:
            phrases[words] = uses
        else:
            phrasal[(words[0], words[1])] = uses
    return CueLexicon(verbs, phrasal, phrases, frozenset(nouns))


# --------------------------------------------------------------------------- helpers


@dataclass
class _Direct:
    start: int
    end: int
    tok_start: int  # first token index inside the quote
    tok_end: int  # one past the last token inside
    para: int
    opens_para: bool
    speaker: record.Speaker | None = None
    cue: str | None = None
    own: bool = False  # attributed by a cue or dash of its own (not inherited)


def _paragraph_starts(text: str) -> list[int]:
    """Start offsets of the text's non-empty lines (a line is a paragraph)."""
    starts = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            starts.append(pos)
        pos += len(line) + 1
    return starts


def _para_index(starts: Sequence[int], offset: int) -> int:
    lo, hi = 0, len(starts)
    while lo < hi:
        mid = (lo + hi) // 2
        if starts[mid] <= offset:
            lo = mid + 1
        else:
            hi = mid
    return lo - 1


def _tail_tokens(doc: Doc, q: _Direct, next_start: int) -> list[Token]:
    """Words after a quote up to the end of its sentence (or the next quote).

    A quote ending a sentence with a full stop has no tail, and
    one ending with ? or ! only a short one ("“Why?” asked Smith.").
    """
    out: list[Token] = []
    i = q.tok_end
    reached_next = False
    while i < len(doc):
        tok = doc[i]
        if tok.idx >= next_start - 1 and tok.idx >= q.end + 1 and _is_mark(tok):
            reached_next = True
            break
        if tok.idx >= next_start:
            reached_next = True
            break
        if "\n" in tok.text:
            break
        if tok.idx > q.end + 1 and tok.text in _SENT_END:
            break
        out.append(tok)
        i += 1
    inner = text_of(doc)[q.start : q.end].rstrip("'’‘ ")
    words = [t for t in out if t.is_alpha]
    if (
        reached_next
        and inner.endswith(tuple(_SENT_END))
        and words
        and not words[0].is_lower
        and [t.text for t in out if not _is_mark(t) and not t.is_space][-1:] in ([","], [":"])
    ):
        return []  # “… continue.” He added, “…”: the words introduce the next quote
    if inner.endswith(".") and words and not words[0].is_lower and len(words) > 4:
        return []  # “... the end.” The next sentence is not the attribution.
    if inner.endswith(("?", "!")) and words and not words[0].is_lower:
        return out[:6]  # “Why?” asked Smith. / “Why?” The question ...
    return out


def _head_tokens(doc: Doc, q: _Direct, prev_end: int) -> list[Token]:
    """Words before a quote back to the start of its sentence (or the previous quote).

    Returned nearest first. A quote that opens a paragraph after a line ending
    with a colon ("Esper told reporters:") looks into that line.
    """
    out: list[Token] = []
    i = q.tok_start - 1
    while i >= 0:
        tok = doc[i]
        if tok.idx + len(tok) <= prev_end:
            break
        if "\n" in tok.text:
            j = i - 1
            while j >= 0 and doc[j].is_space:
                j -= 1
            if out or j < 0 or doc[j].text != ":":
                break
            i = j
            continue
        if tok.idx < q.start - 1 and tok.text in _SENT_END:
            break
        if not out and _MARK_RE.fullmatch(tok.text):
            i -= 1  # the quote's own opening mark
            continue
        out.append(tok)
        i -= 1
    return out


class _Ranges:
    """A set of ``[start, end)`` character ranges (quotes) with O(log n) look-ups.

    A linear scan per token made texts with thousands of quotes quadratic.
    """

    __slots__ = ("_ends", "_starts")

    def __init__(self, ranges: Iterable[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for s, e in sorted(r for r in ranges if r[1] > r[0]):
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        self._starts = [s for s, _ in merged]
        self._ends = [e for _, e in merged]

    def __contains__(self, offset: int) -> bool:
        k = bisect.bisect_right(self._starts, offset) - 1
        return k >= 0 and offset < self._ends[k]

    def overlap(self, span: tuple[int, int]) -> int:
        """How many characters of ``span`` lie in the ranges."""
        s, e = span
        k = max(0, bisect.bisect_right(self._starts, s) - 1)
        total = 0
        while k < len(self._starts) and self._starts[k] < e:
            total += _overlap(span, (self._starts[k], self._ends[k]))
            k += 1
        return total


def _in_ranges(offset: int, ranges: _Ranges) -> bool:
    return offset in ranges


def _subject_of(cue: Token) -> Token | None:
    """The cue's subject, inherited through participles and coordination.

    A participle modifying a noun ("a statement saying", "footage of Clinton
    asking") takes that noun. Dates parsed as subjects ("said Monday") are not
    speakers.
    """
    tok: Token | None = cue
    seen = 0
    lex = _LEX.get()
    while tok is not None and seen < 4:
        if seen and lex is not None and "object" in lex.verbs.get(tok.lemma_.lower(), ()):
            # "the paper quoted Smith as saying": the quoted person speaks, not the paper
            obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
            if obj is not None:
                return obj
        for child in tok.children if seen == 0 else ():
            if child.dep_ == "agent":  # passive: "was said by X"
                pobj = next((g for g in child.children if g.dep_ == "pobj"), None)
                if pobj is not None:
                    return pobj
        subjects = [c for c in tok.children if c.dep_ in _SUBJECT_DEPS]
        for child in subjects:
            if seen == 0 and child.dep_ == "nsubjpass":
                return None  # "the claims were denied": what was said, not who said it
            if child.ent_type_ in ("DATE", "TIME") and child.pos_ in ("PROPN", "NOUN"):
                continue  # "said Monday", not "said the 46-year-old"
            return child
        if subjects:
            return None
        if tok.dep_ == "acl" and tok.head.pos_ in ("NOUN", "PROPN", "PRON"):
            return tok.head
        if tok.dep_ in _INHERIT_DEPS and tok.head.i != tok.i:
            tok = tok.head
            seen += 1
            continue
        return None
    return None


def _np_span(head: Token) -> Span:
    """The noun phrase headed by ``head``: left modifiers plus short right PPs.

    Appositions and relative clauses after a comma are left out
    ("Mark Milley, chairman of ..." -> "Mark Milley").
    """
    doc = head.doc
    start = head.i
    for t in sorted(head.subtree, key=lambda t: t.i, reverse=True):
        if t.i >= head.i:
            continue
        glued = t.text == "-" and not t.whitespace_ and t.i > 0 and not doc[t.i - 1].whitespace_
        if t.i == start - 1 and (not t.is_punct or glued) and not t.is_space:
            if _is_mark(t):
                break
            start = t.i
    end = head.i + 1
    for child in head.rights:
        if child.dep_ in ("compound", "flat", "nummod") and child.i == end:
            end = child.right_edge.i + 1
        elif (
            child.dep_ == "prep" and child.i == end and child.lower_ in ("of", "for", "from", "at")
        ):
            sub = list(child.subtree)
            if not any(t.is_punct for t in sub) and len(sub) <= 6:
                end = child.right_edge.i + 1
        else:
            break
    return doc[start:end]


_NP_POS = frozenset({"PROPN", "NOUN", "PRON", "DET", "ADJ", "NUM", "PART"})


_NAME_ENTS = frozenset({"PERSON", "ORG", "GPE", "NORP"})


def _np_like(t: Token) -> bool:
    if t.is_punct or t.is_space or t.ent_type_ in ("DATE", "TIME"):
        return False
    return t.pos_ in _NP_POS or t.ent_type_ in _NAME_ENTS


def _positional_speaker(
    tokens: Sequence[Token], cue_span: Span, *, after_ok: bool = True
) -> Span | None:
    """Fallback for a cue without a subject: the bare noun phrase right before the cue,
    or (``after_ok``: a tail cue, "said Jane Doe") right after it."""
    doc = cue_span.doc
    first = tokens[0].i if tokens else cue_span.start
    j = cue_span.start - 1
    if j > first and doc[j].text == ",":
        named = _name_before_apposition(doc, first, j)
        if named is not None:
            return named
        if after_ok:
            # “…,” Jane Doe, the long-serving head of the agency, said
            k = first
            while k < j and (doc[k].is_punct or _is_mark(doc[k]) or doc[k].is_space):
                k += 1
            e = k
            while e < j and (doc[e].pos_ == "PROPN" or doc[e].text == "."):
                e += 1
            if e > k and doc[e].text == "," and doc[k].pos_ == "PROPN":
                return doc[k:e]
    i = cue_span.start - 1
    while i >= first and _np_like(doc[i]) and cue_span.start - i <= 8:
        i -= 1
    before = doc[i + 1 : cue_span.start]
    bounded = i < first or doc[i].is_punct or _is_mark(doc[i])
    if bounded and any(
        t.pos_ in ("PROPN", "NOUN", "PRON") or t.ent_type_ in _NAME_ENTS for t in before
    ):
        return before
    if not after_ok:
        # inverted before a colon: "Stated Stone: “…”", "Added the minister: “…”"
        k = cue_span.end
        while k < len(doc) and k - cue_span.end < 6 and (doc[k].pos_ in ("PROPN", "DET", "NOUN")):
            k += 1
        run = doc[cue_span.end : k]
        if k < len(doc) and doc[k].text == ":" and any(t.pos_ == "PROPN" for t in run):
            return run
        return None
    after: list[Token] = []
    for t in doc[cue_span.end : min(len(doc), cue_span.end + 8)]:
        if _np_like(t):
            after.append(t)
        else:
            break
    if any(t.head.i == cue_span.start and t.dep_ in ("dobj", "dative") for t in after):
        return None  # the addressee ("told AFP"), not the speaker
    if after and any(t.pos_ in ("PROPN", "NOUN") for t in after):
        return doc[after[0].i : after[-1].i + 1]
    return None


def _name_run(doc: Doc, first: int, end: int) -> Span | None:
    """The proper name (PROPN words, initials) ending right before token ``end``."""
    k = end - 1
    while k >= first and (doc[k].pos_ == "PROPN" or doc[k].text == ".") and end - k <= 6:
        k -= 1
    run = doc[k + 1 : end]
    if not len(run) or run[0].pos_ != "PROPN":
        return None
    if k >= first and doc[k].pos_ == "ADP":
        return None  # "in Baghdad, ...": a place, not a speaker
    return run


def _name_before_apposition(doc: Doc, first: int, comma: int) -> Span | None:
    """A cue right after a comma with no subject: "her adviser, Jane Doe, said" -> the
    name between the commas; "Jane Doe, 58, told" / "Jane Doe, a spokeswoman for the
    agency, said" -> the name before the apposition."""
    inner = _name_run(doc, first, comma)
    if inner is not None and inner.start > first and doc[inner.start - 1].text == ",":
        return inner
    k = comma - 1
    while k >= first and comma - k <= 12:
        t = doc[k]
        if t.text == ",":
            return _name_run(doc, first, k)
        if t.pos_ in ("VERB", "AUX") or "\n" in t.text or _is_mark(t):
            return None
        k -= 1
    return None


def _not_a_speaker(span: Span) -> bool:
    """A clock time or date ("2:40 p.m.") or a dateline ("WASHINGTON (AP) —") is no one."""
    words = [t for t in span if not t.is_punct]
    if not words or all(
        t.like_num or t.ent_type_ in ("DATE", "TIME") or t.lower_ in ("a.m.", "p.m.") for t in words
    ):
        return True
    first = span[0]
    doc = span.doc
    at_line_start = first.i == 0 or "\n" in doc[first.i - 1].text or doc[first.i - 1].is_space
    nxt = doc[span.end] if span.end < len(doc) else None
    return (
        at_line_start
        and all(t.is_upper for t in words)
        and nxt is not None
        and nxt.text in ("(", ",", "—", "–", "-", "--")
    )


def _speaker_span(cue_span: Span, quote_ranges: _Ranges) -> Span | None:
    """The speaker noun phrase of a cue, outside every direct quote."""
    found = _speaker_span_raw(cue_span, quote_ranges)
    return None if found is None or _not_a_speaker(found) else found


def _speaker_span_raw(cue_span: Span, quote_ranges: _Ranges) -> Span | None:
    first = cue_span[0]
    if len(cue_span) > 1:  # "according to X": the object of the preposition
        for t in cue_span[-1].children:
            if t.dep_ == "pobj":
                return _np_span(t)
        nxt = cue_span.end
        doc = cue_span.doc
        words = []
        for t in doc[nxt : min(len(doc), nxt + 8)]:
            if t.pos_ in _NP_POS and not t.is_punct:
                words.append(t)
            else:
                break
        return doc[words[0].i : words[-1].i + 1] if words else None
    subj = _subject_of(first)
    if (subj is None or _in_ranges(subj.idx, quote_ranges)) and first.tag_ == "VBG":
        # "..., telling the crowd, “…”": a participle speaks for the main clause.
        root = sentence_of(first).root
        subj = next((c for c in root.children if c.dep_ in _SUBJECT_DEPS), None)
    if subj is None or (_in_ranges(subj.idx, quote_ranges) and not _glued_to_quote(subj)):
        return None
    if subj.lower_ in ("who", "that", "which"):  # "X, who said ..." -> X
        head = subj.head
        if head.dep_ != "relcl":
            return None
        noun = head.head
        while noun.dep_ == "appos" and noun.head.i != noun.i:
            noun = noun.head
        return _np_span(_named_apposition(noun))
    return _np_span(_named_apposition(subj))


def _glued_to_quote(tok: Token) -> bool:
    """A token that runs from inside a quote over its closing mark into a name
    ("paranoia,”Clinton said": the tokenizer keeps it whole)."""
    cut = max(tok.text.rfind(m) for m in _MARK_CHARS)
    return 0 <= cut < len(tok.text) - 1 and tok.text[cut + 1 :].isalpha()


def _named_apposition(head: Token) -> Token:
    """The name in apposition to a speaker described without one ("a UN officer,
    Jane Doe, said", "said the commissioner for aid, Jean Roux", "One of them, Mr
    Craig, called"); ``head`` itself when it is a name or has no named apposition."""
    if head.pos_ == "PROPN" or head.ent_type_ in _NAME_ENTS:
        return head
    for child in head.rights:
        if child.dep_ == "appos" and (child.pos_ == "PROPN" or child.ent_type_ == "PERSON"):
            return child
    return head


class _DocIndex:
    """A doc's entities in text order, for look-ups in O(log n).

    Scanning ``doc.ents`` for each quote (spaCy builds every entity span on each
    access) made articles with many quotes quadratic. Built once per
    :func:`find_quotes` call. The parse tree is read from ``nlp.columns_of`` (children,
    subtree membership and edges without walking ``Token`` objects).
    """

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.n_tokens = len(doc)
        self.ents: list[Span] = sorted(doc.ents, key=lambda e: e.start)
        self.starts = [e.start for e in self.ents]
        self.persons = [e for e in self.ents if e.label_ == "PERSON"]
        self.person_starts = [e.start for e in self.persons]
        self.person_end_chars = [e.end_char for e in self.persons]
        # by a PERSON's last word: start chars, and the longest name up to each one
        # (the earliest of equal length)
        by_last: dict[str, tuple[list[int], list[str]]] = {}
        for e in self.persons:
            starts, best = by_last.setdefault(e[-1].lower_, ([], []))
            starts.append(e.start_char)
            best.append(e.text if not best or len(e.text) > len(best[-1]) else best[-1])
        self.by_last = by_last


_INDEX: ContextVar[_DocIndex | None] = ContextVar("eventwire_quotes_index", default=None)
#: The cue lexicon of the running :func:`find_quotes` (for the ``object`` use).
_LEX: ContextVar[CueLexicon | None] = ContextVar("eventwire_quotes_lexicon", default=None)


def _doc_index(doc: Doc) -> _DocIndex:
    """The index of ``doc`` built by the running :func:`find_quotes`, else a new one."""
    index = _INDEX.get()
    if index is not None and index.doc is doc and index.n_tokens == len(doc):
        return index
    return _DocIndex(doc)


def _children(tok: Token) -> Iterable[Token]:
    return [tok.doc[i] for i in columns_of(tok.doc).children[tok.i]]


def _person_name(doc: Doc, span: Span) -> str | None:
    """Full name of a PERSON mention: the longest earlier PERSON ending the same way."""
    index = _doc_index(doc)
    person = None
    k = bisect.bisect_left(index.person_starts, span.start)
    while k < len(index.persons) and index.persons[k].start < span.end:
        if index.persons[k].end <= span.end:
            person = index.persons[k]
            break
        k += 1
    if person is None:
        return None
    best = person.text
    starts, longest = index.by_last[person[-1].lower_]
    j = bisect.bisect_right(starts, person.start_char) - 1
    if j >= 0 and len(longest[j]) > len(best):
        best = longest[j]
    return best


def _pronoun_name(doc: Doc, span: Span) -> str | None:
    """Simple fallback coreference when there is no actors layer.

    he/she: the nearest preceding PERSON (full name); it: the nearest preceding
    organisation or country within the two previous sentences.
    """
    if len(span) != 1:
        return None
    low = span[0].lower_
    if low in _PERSON_PRONOUNS:
        index = _doc_index(doc)
        n_prev = bisect.bisect_right(index.person_end_chars, span.start_char)
        if not n_prev:
            return None
        prev = index.persons[max(0, n_prev - 4) : n_prev]
        # Prefer the latest person who is the subject of a clause ("Smith met
        # Jones. He said" -> Smith), else the latest person mentioned.
        subjects = [e for e in prev if e.root.dep_ in _SUBJECT_DEPS]
        return _person_name(doc, subjects[-1] if subjects else prev[-1])
    if low == "it":
        sent = sentence_of(span[0])
        first = sentence_of(doc[sent.start - 1]).start if sent.start > 0 else sent.start
        index = _doc_index(doc)
        k = bisect.bisect_left(index.starts, first)
        orgs: list[Span] = []
        while k < len(index.ents) and index.ents[k].end <= span.start:
            if index.ents[k].label_ in _ORG_LABELS:
                orgs.append(index.ents[k])
            k += 1
        return orgs[-1].text if orgs else None
    return None


def _make_speaker(doc: Doc, span: Span) -> record.Speaker:
    name: str | None = None
    entity: str | None = None
    actors: Any = doc._.actors if Doc.has_extension("actors") else None
    if actors is not None:
        try:
            actor = actors.resolve(span)
        except Exception:  # the actors layer must not break quotes
            log.debug("actors.resolve failed on %r", span.text, exc_info=True)
            actor = None
        if actor is not None:
            entity = getattr(actor, "entity", None)
            name = getattr(actor, "name", None)
            # A nominal resolved only to its country ("the top US military
            # officer" -> United States) is better named by its own words.
            if (
                entity is None
                and name
                and not re.search(rf"\b{re.escape(name)}\b", span.text, re.IGNORECASE)
            ):
                name = None
    if name is None:
        name = _pronoun_name(doc, span) or _person_name(doc, span) or span.text
    start, end = span.start_char, span.end_char
    text = text_of(doc)
    # a quotation mark glued to the speaker's first word ("…the Town.”He said",
    # "paranoia,”Clinton said"): the speaker starts after it
    cut = max(text.rfind(m, start, end) for m in _MARK_CHARS)
    if 0 <= cut < end - 1 and text[cut + 1].isalpha() and text[cut - 1 : cut].strip():
        start = cut + 1
    while start < end and (text[start] in _MARK_CHARS or text[start].isspace()):
        start += 1
    while end > start and (text[end - 1] in _MARK_CHARS or text[end - 1].isspace()):
        end -= 1
    if (start, end) != (span.start_char, span.end_char) and start < end:
        if name == span.text:
            name = text[start:end]
        return record.Speaker(text=text[start:end], name=name, entity=entity, span=(start, end))
    return record.Speaker(
        text=span.text, name=name, entity=entity, span=(span.start_char, span.end_char)
    )


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


# --------------------------------------------------------------------------- direct


def _directs(doc: Doc, lex: CueLexicon, marked: Sequence[MarkedSpan]) -> list[_Direct]:
    text = text_of(doc)
    para_starts = _paragraph_starts(text)
    out: list[_Direct] = []
    for ms in marked:
        span = doc.char_span(ms.start, ms.end, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        p = _para_index(para_starts, ms.start)
        para_start = para_starts[p] if p >= 0 else 0
        # a later quote of the same paragraph never opens it (the earlier quote's words
        # come before it); scanning every quote's prefix made long paragraphs quadratic
        opens = (not out or out[-1].para != p or out[-1].start < para_start) and _only_marks(
            text, para_start, ms.start
        )
        out.append(_Direct(ms.start, ms.end, span.start, span.end, p, opens))
    ranges = _Ranges((q.start, q.end) for q in out)
    for k, q in enumerate(out):
        next_start = out[k + 1].start if k + 1 < len(out) else len(text) + 2
        prev_end = out[k - 1].end if k > 0 else -1
        tail = _tail_tokens(doc, q, next_start)
        found = (
            _colon_speaker(doc, q)
            or _ancestor_cue(doc, q, lex, ranges)
            or _attribute(tail, lex, ranges, positional=True)
            or _attribute(_head_tokens(doc, q, prev_end), lex, ranges, positional=True, head=True)
            or _dash_speaker(doc, q)
        )
        if found is not None:
            cue, sp = found
            q.cue = cue or None
            q.own = True
            q.speaker = _make_speaker(doc, sp)
    # Continued quotes: no cue of their own, right after an attributed quote.
    for k, q in enumerate(out):
        if q.speaker is not None or k == 0:
            continue
        prev = out[k - 1]
        if prev.speaker is None:
            continue
        same_para = prev.para == q.para
        next_para = q.para - prev.para == 1 and q.opens_para
        if same_para or next_para:
            q.speaker = prev.speaker
    # Still no speaker: the speech cue of the sentence just before the quote
    # ("..., Schiff said. “The other factor ...”").
    for q in out:
        if q.speaker is None:
            found = _previous_sentence_cue(doc, q, lex, ranges)
            if found is not None:
                q.speaker = _make_speaker(doc, found[1])
    # Still none: a paragraph-opening quote right after a sentence about a person
    # ("Smith praised the plan. ¶ “We need it.”") is that person's.
    for q in out:
        if q.speaker is None and q.opens_para:
            found_subject = _previous_subject(doc, q, ranges)
            if found_subject is not None:
                q.speaker = _make_speaker(doc, found_subject)
    # Short scare quotes count as speech only with a speaker cue of their own;
    # titles of shows, books and events ("told CNN's “State of the Union”") never.
    return [
        q
        for q in out
        if not _is_title(doc, q)
        and (not _is_fragment(text, q) or (q.speaker is not None and q.own))
    ]


def _only_marks(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` holds nothing but quotation marks and white space."""
    pos = start
    while pos < end:
        m = _MARK_RE.match(text, pos, end)
        if m is not None:
            pos = m.end()
        elif text[pos].isspace():
            pos += 1
        else:
            return False
    return True


def _is_fragment(text: str, q: _Direct) -> bool:
    """A scare quote: at most SCARE_MAX_WORDS words, not a sentence of its own.

    "Period." or "What curfew?" (capitalised, with final punctuation) and a
    quote that opens its paragraph are speech, not fragments.
    """
    inner = text[q.start : q.end].strip("'‘’ ")
    if _words(inner) > SCARE_MAX_WORDS or q.opens_para:
        return False
    return not (inner[:1].isupper() and inner[-1:] in _SENT_END)


#: Lower-case words allowed inside a title ("Face the Nation").
_TITLE_SMALL = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "and",
        "or",
        "in",
        "on",
        "at",
        "to",
        "for",
        "by",
        "with",
        "from",
        "is",
        "it",
    ]
)
#: Tags of a word that introduces a name rather than speech ("CNN's", "on", "the").
_TITLE_BEFORE_TAGS = frozenset({"POS", "IN", "DT", "PRP$", "NN", "NNS"})


def _is_title(doc: Doc, q: _Direct) -> bool:
    """A name in marks, not speech: a short Title Case quote right after a
    possessive, preposition, article or noun (CNN's “State of the Union”, the
    show “Cake Boss”), or used as a modifier (“Broad City” star)."""
    inner = text_of(doc)[q.start : q.end]
    words = re.findall(r"[^\W\d_][\w’'-]*", inner)
    if not words or len(words) > 6 or not words[0][0].isupper():
        return False
    if not all(w[0].isupper() or w.lower() in _TITLE_SMALL for w in words):
        return False
    j = q.tok_start - 1
    while j >= 0 and _is_mark(doc[j]):
        j -= 1
    if j >= 0 and not doc[j].is_punct and doc[j].tag_ in _TITLE_BEFORE_TAGS:
        return True
    if inner[-1:] in ",.;:!?":
        return False
    k = q.tok_end
    while k < len(doc) and _is_mark(doc[k]):
        k += 1
    return k < len(doc) and doc[k].pos_ in ("NOUN", "PROPN") and doc[k].idx - q.end <= 3


def _ancestor_cue(
    doc: Doc, q: _Direct, lex: CueLexicon, ranges: _Ranges
) -> tuple[str, Span] | None:
    """The nearest speech cue that syntactically governs the quoted words."""
    cands: list[tuple[int, int, int]] = []
    text = text_of(doc)
    before = text[max(0, q.start - 40) : q.start].rstrip(_MARK_CHARS + " \t")
    # a quote that opens its own sentence ('… (1530 UTC)."There was …') is not
    # governed by a cue before it (a glued mark can make the parser think so)
    opens_sentence = before.rstrip(")]’'").endswith(tuple(_SENT_END))
    for t in doc[q.tok_start : q.tok_end]:
        outside = text[t.idx : q.start] + text[q.end : t.idx + len(t)]
        if any(c.isalnum() for c in outside):
            continue  # a token glued across a mark ('UTC)."There'): its head is outside
        cur, prev = t.head, t
        if q.tok_start <= cur.i < q.tok_end:
            continue
        for steps in range(6):
            if not _in_ranges(cur.idx, ranges):
                lo, hi = sorted((cur.idx, q.start))
                if "\n" in text[lo:hi] or (opens_sentence and cur.idx < q.start):
                    break
                if lex.match(cur, "direct") is not None:
                    cands.append((steps, abs(cur.i - q.tok_start), cur.i))
                    break
                if cur.pos_ == "NOUN" and cur.lemma_.lower() in lex.nouns:
                    owner = next((c for c in cur.children if c.dep_ == "poss"), None)
                    # the quote is the noun's content ("allegations of “…”", "claim that
                    # “…”"), not a description of it ("X's remarks, called “racist”")
                    content = (prev.dep_ == "prep" and prev.lower_ == "of") or prev.dep_ in (
                        "acl",
                        "ccomp",
                    )
                    if owner is not None and owner.pos_ != "PRON" and content:
                        # "Smith's allegations of “fraud”"
                        return cur.text, _np_span(owner)
                    break
            if cur.head.i == cur.i:
                break
            cur, prev = cur.head, cur
    for _, _, i in sorted(set(cands)):
        m = lex.match(doc[i], "direct")
        if m is None:
            continue
        sp = _speaker_span(m[1], ranges)
        if sp is not None:
            return m[0], sp
    return None


_DASH_RE = re.compile(r"(?:â€[\x9d\ufffd]|[\"”»'’])*[^\S\n]*(?:―|—|–|--?)[^\S\n]*")


def _dash_speaker(doc: Doc, q: _Direct) -> tuple[str, Span] | None:
    """“...” ― Jane Doe: a proper name after a dash right behind the quote."""
    m = _DASH_RE.match(text_of(doc), q.end)
    if m is None:
        return None
    span = doc.char_span(m.end(), m.end() + 1, alignment_mode="expand")
    if span is None:
        return None
    names: list[Token] = []
    for t in doc[span.start : min(len(doc), span.start + 8)]:
        if t.pos_ == "PROPN" or (names and t.text == "."):
            names.append(t)
        else:
            break
    while names and names[-1].text == ".":
        names.pop()
    if not names:
        return None
    return "", doc[names[0].i : names[-1].i + 1]  # no cue word


def _colon_speaker(doc: Doc, q: _Direct) -> tuple[str, Span] | None:
    """Pew Research: “…”: a name (or proper noun phrase) right before a colon."""
    j = q.tok_start - 1
    while j >= 0 and (doc[j].is_space or _is_mark(doc[j])):
        if "\n" in doc[j].text:
            break
        j -= 1
    if j <= 0 or doc[j].text != ":":
        return None
    names: list[Token] = []
    k = j - 1
    while k >= 0 and len(names) < 8 and (doc[k].pos_ == "PROPN" or doc[k].ent_type_ in _NAME_ENTS):
        if not (doc[k].is_alpha or doc[k].text == "." or doc[k].text[:1].isalpha()):
            break
        names.insert(0, doc[k])
        k -= 1
    if not names:
        return None
    if k >= 0 and (doc[k].pos_ in ("VERB", "AUX", "ADP") or doc[k].tag_.startswith("VB")):
        return None  # an addressee or outlet ("told Sky News:", "wrote on Twitter:")
    return "", doc[names[0].i : names[-1].i + 1]


def _previous_sentence_cue(
    doc: Doc, q: _Direct, lex: CueLexicon, ranges: _Ranges
) -> tuple[str, Span] | None:
    """A speech cue with a subject in the sentence right before the quote.

    Only for a quote that opens its sentence; the sentence may end the previous
    paragraph when the quote opens a paragraph.
    """
    if not (doc.has_annotation("DEP") or doc.has_annotation("SENT_START")):
        return None
    j = q.tok_start - 1
    while j >= 0 and (doc[j].is_space or _is_mark(doc[j])):
        if "\n" in doc[j].text and not q.opens_para:
            return None
        j -= 1
    if j < 0 or doc[j].text not in _SENT_END + ":" + "".join(_CLOSE_MARKS) + _STRAIGHT:
        return None
    sent = sentence_of(doc[j])
    toks = [t for t in sent if not _in_ranges(t.idx, ranges)]
    toks.sort(key=lambda t: (t.dep_ != "ROOT", -t.i))
    for tok in toks:
        m = lex.match(tok, "indirect")
        if m is None:
            continue
        sp = _speaker_span(m[1], ranges)
        if sp is not None:
            return m[0], sp
    return None


def _previous_subject(doc: Doc, q: _Direct, ranges: _Ranges) -> Span | None:
    """The person who is the main subject of the sentence that ends the paragraph before
    a paragraph-opening quote (a named person or he/she), outside quotation marks."""
    if not doc.has_annotation("DEP"):
        return None
    j = q.tok_start - 1
    while j >= 0 and (doc[j].is_space or _is_mark(doc[j]) or "\n" in doc[j].text):
        j -= 1
    if j < 0 or doc[j].text not in _SENT_END or _in_ranges(doc[j].idx, ranges):
        return None
    root = sentence_of(doc[j]).root
    subj = next((c for c in root.children if c.dep_ == "nsubj"), None)
    if subj is None or _in_ranges(subj.idx, ranges):
        return None
    if subj.ent_type_ == "PERSON" or subj.lower_ in ("he", "she"):
        return _np_span(subj)
    return None


def _attribute(
    tokens: Iterable[Token],
    lex: CueLexicon,
    ranges: _Ranges,
    *,
    positional: bool,
    head: bool = False,
) -> tuple[str, Span] | None:
    toks = list(tokens)
    for tok in toks:
        m = lex.match(tok, "direct")
        if m is None:
            continue
        cue, cue_span = m
        sp = _speaker_span(cue_span, ranges)
        if sp is None and positional:
            sp = _positional_speaker(sorted(toks, key=lambda t: t.i), cue_span, after_ok=not head)
            if sp is not None and _not_a_speaker(sp):
                sp = None
        if sp is not None and (not _in_ranges(sp.start_char, ranges) or _glued_to_quote(sp[0])):
            return cue, sp
    if head:
        found = _noun_cue(toks, lex, ranges)
        if found is not None:
            return found
    if positional and not head:
        # “…,” the editorial read.  — a cue the tagger missed, as the tail's last word
        words = [t for t in toks if not t.is_punct and not t.is_space and not _is_mark(t)]
        lead = [t for t in toks if t.i < words[0].i] if words else []
        if 2 <= len(words) <= 5 and all(t.is_punct or _is_mark(t) for t in lead):
            m = lex.match_form(words[-1], "direct")
            if m is not None and all(_np_like(t) for t in words[:-1]):
                doc = words[0].doc
                sp = doc[words[0].i : words[-1].i]
                if not _not_a_speaker(sp):
                    return m[0], sp
    return None


def _noun_cue(toks: Sequence[Token], lex: CueLexicon, ranges: _Ranges) -> tuple[str, Span] | None:
    """A speech noun before a quote: its owner ("Smith's statement: “…”"), or the subject
    of the verb it is the object of ("Smith issued the following statement: “…”")."""
    for tok in toks:  # nearest first
        if not (tok.is_punct or tok.is_space or _is_mark(tok) or tok.pos_ == "NOUN"):
            return None  # only "statement:" / "statement," right before the quote
        if tok.pos_ != "NOUN" or tok.lemma_.lower() not in lex.nouns:
            continue
        owner = next((c for c in tok.children if c.dep_ == "poss"), None)
        if owner is not None and owner.lower_ not in _SPEAKER_PRONOUNS:
            sp: Span | None = _np_span(owner)
        elif tok.dep_ == "dobj" and tok.head.pos_ in ("VERB", "AUX"):
            verb = tok.head
            sp = _speaker_span(verb.doc[verb.i : verb.i + 1], ranges)
        else:
            continue
        if sp is not None and not _in_ranges(sp.start_char, ranges) and not _not_a_speaker(sp):
            return tok.text, sp
    return None


# --------------------------------------------------------------------------- indirect


def _clause_span(doc: Doc, clause_head: Token) -> Span | None:
    # the subtree's first and last tokens (sorting the subtree made a long chain of
    # clauses quadratic)
    first, last = columns_of(doc).bounds(clause_head.i)
    start, end = first, last + 1
    while start < end and (
        doc[start].is_punct
        or doc[start].is_space
        or (doc[start].dep_ == "mark" and doc[start].head.i == clause_head.i)
    ):
        if doc[start].dep_ == "mark" and doc[start].lower_ in ("whether", "if"):
            return None
        start += 1
    while (
        end > start
        and (doc[end - 1].is_punct or doc[end - 1].is_space)
        and doc[end - 1].text not in _CLOSE_MARKS + _STRAIGHT
    ):
        end -= 1
    if end - start < 2:
        return None
    return doc[start:end]


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _parenthetical_clause(cue: Token) -> Span | None:
    """ "The museum, Mr. Obama said, would open": a cue set off by commas inside
    the clause it reports (the parser makes the clause its head). The span
    covers the whole clause, the parenthetical included."""
    if cue.dep_ not in ("parataxis", "ccomp", "advcl", "conj") or cue.head.i == cue.i:
        return None
    head = cue.head
    if head.pos_ not in ("VERB", "AUX") or _SUBJECT_DEPS.isdisjoint(c.dep_ for c in head.children):
        return None
    doc = cue.doc
    first, last = _word_edges(cue)
    before = doc[first - 1] if first > 0 else None
    after = doc[last + 1] if last + 1 < len(doc) else None
    if before is None or before.text != "," or after is None or after.text not in (",", "."):
        return None
    return _clause_span(doc, head)


def _word_edges(tok: Token) -> tuple[int, int]:
    """Indexes of the first and last non-punctuation tokens of ``tok``'s subtree.

    Walks in from the subtree's edges instead of sorting the whole subtree, which
    made long chains of clauses quadratic; a token between the edges that is not a
    descendant (a non-projective parse) is skipped as before.
    """
    doc = tok.doc
    cols = columns_of(doc)

    def word_of_subtree(t: Token) -> bool:
        return not t.is_punct and cols.in_subtree(t.i, tok.i)

    lo, hi = cols.bounds(tok.i)
    while lo < tok.i and not word_of_subtree(doc[lo]):
        lo += 1
    while hi > tok.i and not word_of_subtree(doc[hi]):
        hi -= 1
    return lo, hi


def _according_clause(cue_span: Span) -> Span | None:
    """The clause that "according to X" qualifies: the sentence outside the phrase."""
    doc = cue_span.doc
    sent = sentence_of(cue_span[0])
    first, last = columns_of(doc).bounds(cue_span[0].i)
    p_start, p_end = min(first, cue_span.start), max(last + 1, cue_span.end)
    before = doc[sent.start : p_start]
    after = doc[p_end : sent.end]
    part = after if len(after) >= len(before) else before
    s, e = part.start, part.end
    while s < e and (doc[s].is_punct or doc[s].is_space):
        s += 1
    while e > s and (doc[e - 1].is_punct or doc[e - 1].is_space):
        e -= 1
    return doc[s:e] if e - s >= 3 else None


_DATELINE_RE = re.compile(r"[A-Z][A-Z.,/' ]{2,}[ \t]*[–—-][ \t]*(?=\S)")


def _same_paragraph(text: str, span: tuple[int, int], anchor: int) -> tuple[int, int] | None:
    """Cut a clause span at line breaks, keeping the part on the cue's line, and
    drop a leading dateline ("BAGHDAD / DUBAI – ")."""
    s, e = span
    if "\n" in text[s:e]:
        line_start = text.rfind("\n", 0, anchor) + 1
        line_end = text.find("\n", anchor)
        if line_end < 0:
            line_end = len(text)
        s, e = _trim(text, max(s, line_start), min(e, line_end))
        while s < e and not text[s].isalnum() and text[s] not in _OPEN_MARKS + _STRAIGHT:
            s += 1
        while e > s and text[e - 1] in ",;:":
            e -= 1
    m = _DATELINE_RE.match(text, s, e)
    if m is not None and m.end() < anchor:
        s = m.end()
    return (s, e) if _words(text[s:e]) >= 2 else None


def _indirects(doc: Doc, lex: CueLexicon, marked: Sequence[MarkedSpan]) -> list[record.Quote]:
    # Every stretch in marks, scare quotes included: no cue is read inside one.
    all_marked = _Ranges((m.start, m.end) for m in marked)
    out: list[record.Quote] = []
    seen: set[tuple[int, int]] = set()
    cols = columns_of(doc)
    first_words = lex.phrases_by_first
    for i in range(cols.n):
        # only a phrase's first word or a verb can start a cue (lex.match)
        if (
            cols.lower[i] not in first_words
            and cols.pos[i] not in ("VERB", "AUX")
            and not cols.tag[i].startswith("VB")
        ) or _in_ranges(cols.idx[i], all_marked):
            continue
        tok = doc[i]
        m = lex.match(tok, "indirect")
        if m is None:
            continue
        cue, cue_span = m
        clause: Span | None
        inside = False  # the cue lies inside the clause it reports (parenthetical)
        if len(cue_span) > 1:
            clause = _according_clause(cue_span)
        else:
            comps = [c for c in _children(tok) if c.dep_ == "ccomp"]
            if comps:
                head = (
                    comps[0] if len(comps) == 1 else max(comps, key=lambda c: len(list(c.subtree)))
                )
                clause = _clause_span(doc, head)
            else:
                clause = _parenthetical_clause(tok)
                inside = True
        if clause is None:
            continue
        span = _same_paragraph(
            text_of(doc), (clause.start_char, clause.end_char), cue_span.start_char
        )
        if span is None:
            continue
        if not inside and cue_span.start_char >= span[0] and cue_span.end_char <= span[1]:
            continue
        quoted = all_marked.overlap(span)
        if quoted * 2 > span[1] - span[0] or span in seen:
            continue
        sp = _speaker_span(cue_span, all_marked)
        if sp is None or (not inside and _overlap((sp.start_char, sp.end_char), span)):
            continue
        seen.add(span)
        out.append(
            record.Quote(
                id="",
                text=text_of(doc)[span[0] : span[1]],
                span=span,
                kind="indirect",
                speaker=_make_speaker(doc, sp),
                cue=cue,
            )
        )
    return out


# --------------------------------------------------------------------------- speaker runs

#: Speaker pronouns resolved through the run of earlier speakers, and what they need.
_SPEAKER_PRONOUNS = {"he": ("person", "m"), "she": ("person", "f"), "it": ("body", None)}
_DETERMINERS = frozenset({"the", "this", "that"})
_BODY_LABELS = frozenset({"ORG", "NORP"})
_STATE_LABELS = frozenset({"ORG", "NORP", "GPE"})
#: How far back (sentences) a pronoun / a description looks for an earlier speaker, and
#: how far back a description looks for a named entity when no speaker fits.
PRONOUN_WINDOW, DESCRIPTION_WINDOW, ENTITY_WINDOW = 3, 8, 4


def _descriptions_path() -> Path:
    return Path(str(resources.files("eventwire") / "data" / "quotes" / "descriptions.tsv"))


@lru_cache(maxsize=8)
def load_descriptions(path: str | None = None) -> dict[str, tuple[str, str | None]]:
    """Head nouns (and honorifics) of speaker descriptions: their kind and gender
    (``data/quotes/descriptions.tsv``).

    Raises ``DataFileError`` naming the file and line for a malformed entry.
    """
    file = Path(path) if path else _descriptions_path()
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DataFileError(str(file), f"cannot read speaker descriptions: {exc}") from exc
    out: dict[str, tuple[str, str | None]] = {}
    for lineno, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t")]
        if (
            len(fields) not in (2, 3)
            or not fields[0]
            or fields[1] not in ("person", "body", "state")
            or (len(fields) == 3 and fields[2] not in ("m", "f"))
        ):
            raise DataFileError(
                f"{file}:{lineno}",
                f"expected 'noun<TAB>person|body|state[<TAB>m|f]', got {line!r}",
            )
        out[fields[0].lower()] = (fields[1], fields[2] if len(fields) == 3 else None)
    return out


@dataclass
class _Said:
    """One earlier speaker of the run: where, in which sentence, who, and of what kind."""

    start: int
    end: int
    sent: int
    speaker: record.Speaker
    kind: str | None  # person / body / None (unknown)
    named: bool


def _entity_kind(label: str) -> str | None:
    if label == "PERSON":
        return "person"
    if label in _STATE_LABELS:
        return "body"
    return None


def _refine_speakers(doc: Doc, quotes: Sequence[record.Quote]) -> None:
    """Speakers stay speakers: a speaker pronoun ("he told the BBC") or definite
    description ("the newspaper said", "the candidate added") takes the name of the latest
    earlier speaker that agrees with it (person or body, gender once known), unless a
    person or body named outside quotes in between is a clause subject; a description
    with no such speaker takes the latest named entity of its kind just before it.
    Only the speaker's name and entity change; its text and span stay."""
    if not quotes or not (doc.has_annotation("DEP") or doc.has_annotation("SENT_START")):
        return
    descriptions = load_descriptions()
    actors: Any = doc._.actors if Doc.has_extension("actors") else None
    types: dict[str, str] = {}
    for ent in getattr(actors, "entities", None) or ():
        types[getattr(ent, "id", "")] = getattr(ent, "type", "")
    sent_starts = [s.start_char for s in doc.sents]
    inside = _Ranges(q.span for q in quotes)
    index = _doc_index(doc)
    outside_ents = [e for e in index.ents if e.start_char not in inside]
    ent_starts = [e.start_char for e in outside_ents]
    genders: dict[str, str] = {}

    def sent_of(offset: int) -> int:
        return bisect.bisect_right(sent_starts, offset) - 1

    def kind_of(sp: record.Speaker, span: Span) -> tuple[str | None, bool]:
        if sp.entity and types.get(sp.entity):
            return _entity_kind(types[sp.entity]), True
        for e in span.ents:
            if _entity_kind(e.label_) is not None:
                return _entity_kind(e.label_), True
        low = span.text.lower()
        if low in _SPEAKER_PRONOUNS:
            return _SPEAKER_PRONOUNS[low][0], sp.name is not None and sp.name.lower() != low
        kind = descriptions.get(span.root.lemma_.lower(), (None, None))[0]
        named = any(t.pos_ == "PROPN" for t in span) or (sp.name or "") != span.text
        return ("body" if kind == "state" else kind), named

    def gender_of(span: Span) -> str | None:
        for t in (span[0], span.root):
            found = descriptions.get(t.lower_) or descriptions.get(t.lemma_.lower())
            if found is not None and found[1]:
                return found[1]
        return None

    def intervening(after: int, before: int, kind: str, skip: str) -> bool:
        k = bisect.bisect_left(ent_starts, after)
        while k < len(outside_ents) and outside_ents[k].start_char < before:
            e = outside_ents[k]
            k += 1
            if _entity_kind(e.label_) != kind or e.root.dep_ not in _SUBJECT_DEPS:
                continue
            if e.text.lower() not in skip.lower():
                return True
        return False

    history: list[_Said] = []
    by_span: dict[tuple[int, int], record.Speaker] = {}
    spoken = sorted(
        {q.speaker.span: q.speaker for q in quotes if q.speaker and q.speaker.span}.items()
    )
    for (start, end), sp in spoken:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        sent = sent_of(start)
        low = span.text.lower()
        new: record.Speaker | None = None
        if low in _SPEAKER_PRONOUNS:
            want, gender = _SPEAKER_PRONOUNS[low]
            for said in reversed(history):
                if sent - said.sent > PRONOUN_WINDOW:
                    break
                name = said.speaker.name or ""
                if (said.speaker.text or "").lower() == low:
                    # the same pronoun speaking again: the same speaker as then
                    if said.named and sp.name != said.speaker.name:
                        new = record.Speaker(
                            text=sp.text, name=said.speaker.name, entity=said.speaker.entity,
                            span=sp.span,
                        )  # fmt: skip
                    break
                if (said.speaker.text or "").lower() in _SPEAKER_PRONOUNS and not said.named:
                    continue  # another pronoun nobody resolved
                if said.kind not in (want, None):
                    if said.sent == sent or (said.end <= start and sent - said.sent <= 1):
                        break  # the speaker just before does not agree: no run to follow
                    continue
                if gender and genders.get(name, gender) != gender:
                    continue
                if sp.entity is not None and sp.entity == said.speaker.entity:
                    break  # the actors layer agrees
                if not intervening(said.end, start, want, name):
                    new = record.Speaker(
                        text=sp.text, name=said.speaker.name, entity=said.speaker.entity,
                        span=sp.span,
                    )  # fmt: skip
                break
            if new is None and gender and genders.get(sp.name or "", gender) != gender:
                # resolved elsewhere to someone of the other gender ("Ms. Roe ... he said")
                new = record.Speaker(text=sp.text, name=sp.text, entity=None, span=sp.span)
            if gender and (new or sp).name and (new or sp).name != sp.text:
                genders.setdefault((new or sp).name or "", gender)
        elif (
            low.split(" ", 1)[0] in _DETERMINERS
            and span.root.pos_ == "NOUN"
            and span.root.lemma_.lower() in descriptions
            and span.root.ent_type_ not in ("PERSON", "ORG")
        ):
            kind = descriptions[span.root.lemma_.lower()][0]
            want = "person" if kind == "person" else "body"
            resolved = (
                sp.entity is not None
                and _entity_kind(types.get(sp.entity, "")) == want
                and (sp.name or "").lower() not in span.text.lower()
            )
            if not resolved:
                for said in reversed(history):
                    if sent - said.sent > DESCRIPTION_WINDOW:
                        break
                    if said.named and said.kind == want and said.speaker.name:
                        new = record.Speaker(
                            text=sp.text, name=said.speaker.name, entity=said.speaker.entity,
                            span=sp.span,
                        )  # fmt: skip
                        break
                if new is None:
                    labels = {"person": {"PERSON"}, "body": _BODY_LABELS, "state": _STATE_LABELS}
                    k = bisect.bisect_left(ent_starts, start) - 1
                    while k >= 0 and sent - sent_of(ent_starts[k]) <= ENTITY_WINDOW:
                        e = outside_ents[k]
                        k -= 1
                        if e.label_ in labels[kind]:
                            of_entity = _make_speaker(doc, e)
                            new = record.Speaker(
                                text=sp.text,
                                name=of_entity.name,
                                entity=of_entity.entity,
                                span=sp.span,
                            )
                            break
        final = new or sp
        by_span[(start, end)] = final
        known = gender_of(span)
        if known and final.name:
            genders.setdefault(final.name, known)
        said_kind, said_named = kind_of(final, span)
        resolved_here = new is not None and (new.name or "").lower() != span.text.lower()
        history.append(_Said(start, end, sent, final, said_kind, said_named or resolved_here))
    for q in quotes:
        if q.speaker and q.speaker.span in by_span:
            q.speaker = by_span[q.speaker.span]


# --------------------------------------------------------------------------- public API


def find_quotes(doc: Doc, *, cues: CueLexicon | None = None) -> list[record.Quote]:
    """Direct and indirect quotes of a parsed ``Doc``, ids ``q1``... in text order.

    Spans are offsets into ``text_of(doc)``; ``text == text_of(doc)[start:end]``. Never
    raises on odd text: problems are logged and the affected quote skipped.
    """
    token = _INDEX.set(_DocIndex(doc))
    lex_token = _LEX.set(None)
    try:
        lex = cues or load_cues()
        _LEX.set(lex)
        marked = find_marked_spans(text_of(doc))
        directs = _directs(doc, lex, marked)
        quotes = [
            record.Quote(
                id="",
                text=text_of(doc)[q.start : q.end],
                span=(q.start, q.end),
                kind="direct",
                speaker=q.speaker,
                cue=q.cue,
            )
            for q in directs
        ]
        if doc.has_annotation("DEP"):
            quotes.extend(_indirects(doc, lex, marked))
        quotes.sort(key=lambda q: (q.span[0], -q.span[1]))
        try:
            _refine_speakers(doc, quotes)
        except DataFileError:
            raise
        except Exception:  # a failed refinement keeps the speakers found so far
            log.warning("speaker refinement failed; speakers left as found", exc_info=True)
    except DataFileError:
        raise
    except Exception:  # never let one odd article stop a batch
        log.warning("quote extraction failed; no quotes for this document", exc_info=True)
        return []
    finally:
        _INDEX.reset(token)
        _LEX.reset(lex_token)
    for n, q in enumerate(quotes, 1):
        q.id = f"q{n}"
    return quotes


def quote_at(quotes: Sequence[record.Quote], start_char: int, end_char: int) -> record.Quote | None:
    """The innermost quote (direct or indirect) whose span contains ``[start_char, end_char)``."""
    best: record.Quote | None = None
    for q in quotes:
        s, e = q.span
        if (
            s <= start_char
            and end_char <= e
            and (best is None or e - s < best.span[1] - best.span[0])
        ):
            best = q
    return best


class QuotesComponent:
    """spaCy component: sets ``doc._.quotes``."""

    def __init__(self, cues_path: str | None = None) -> None:
        register_extensions()
        self.cues = load_cues(cues_path or None)

    def __call__(self, doc: Doc) -> Doc:
        doc._.quotes = find_quotes(doc, cues=self.cues)
        return doc


@Language.factory("eventwire_quotes", default_config={"cues_path": ""})
def make_quotes_component(nlp: Language, name: str, cues_path: str) -> QuotesComponent:
    """Factory for the ``eventwire_quotes`` component."""
    return QuotesComponent(cues_path or None)


def add_to_pipeline(nlp: Language, config: dict[str, Any]) -> None:
    """Add ``eventwire_quotes`` at the end of ``nlp`` (idempotent).

    ``config`` may hold ``cues_path``: a cue lexicon replacing the shipped one.
    """
    register_extensions()
    if "eventwire_quotes" in nlp.pipe_names:
        return
    cues_path = str(config.get("cues_path") or "") if isinstance(config, dict) else ""
    nlp.add_pipe("eventwire_quotes", config={"cues_path": cues_path}, last=True)
