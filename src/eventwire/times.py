"""Temporal expressions: find them in a parsed ``Doc`` and normalize them TIMEX3-style.

Public API
----------
``find_times(doc, pubdate)``
    every temporal expression of the document as :class:`eventwire.record.Time`
    (exact ``span`` into ``text_of(doc)``, TIMEX3 ``value``, ``type``).
``linked_time(trigger, times)``
    the time expression syntactically attached to an event trigger.
``eventwire_times`` (spaCy factory) and ``add_to_pipeline(nlp, config)``
    the pipeline stage that sets ``doc._.times``.

How it works (see ``docs/times.md`` for the full rule list):

1. *Candidates* are spaCy's DATE/TIME entities plus spans found by regular
   expressions built from the word lists in ``data/times/lexicon.json``
   (weekdays, "Jan. 3", ISO and US numeric dates, "last week", "earlier this
   month", "the coming days", "every Friday", "10 a.m." ...). Overlapping or
   touching candidates are merged; ages ("64-year-old") and words that are not
   dates here ("may" the modal, "march" the verb) are dropped.
2. *Normalization* parses the words of each candidate with general rules
   (explicit dates, relative dates, weekdays, offsets, durations, sets, parts of
   the day, quarters, seasons, decades), resolving relative expressions against
   the publication date and, for weekdays and months without a year, the tense
   of the governing verb. ``dateparser`` is the last resort for explicit dates
   the rules do not cover. Anything that cannot be resolved gets ``value=None``.
"""

from __future__ import annotations

import bisect
import calendar
import json
import logging
import re
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from . import record
from .errors import DataFileError
from .nlp import register_extensions, sentence_of, text_of

_ENT_KEY = "eventwire.times.entity_starts"

__all__ = [
    "add_to_pipeline",
    "find_times",
    "is_explicit",
    "linked_time",
    "load_lexicon",
    "normalize",
    "valid_pubdate",
]

log = logging.getLogger(__name__)

Tense = Literal["past", "future"] | None
TimeType = Literal["DATE", "TIME", "DURATION", "SET"]

#: Publication dates outside these years are treated as unknown (relative
#: expressions get ``value=None``).
MIN_PUB_YEAR = 1900
#: How many years after today a publication date may lie.
MAX_PUB_YEARS_AHEAD = 2
#: Explicit years accepted as dates ("1776", "2019").
MIN_YEAR, MAX_YEAR = 1000, 2999

#: A month and day without a year follow the verb's tense only within this many
#: days of the publication date; beyond it the nearest such date wins.
DAY_TENSE_WINDOW = 270

_LEXICON_FILE = "lexicon.json"


# --------------------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class Lexicon:
    """Word lists of ``data/times/lexicon.json`` (see the README next to it)."""

    months: dict[str, int]
    ambiguous_months: frozenset[str]
    weekdays: dict[str, int]
    ambiguous_weekdays: frozenset[str]
    numbers: dict[str, float]
    vague_numbers: tuple[str, ...]
    ordinals: dict[str, int]
    units: dict[str, str]
    parts_of_day: dict[str, str]
    seasons: dict[str, str]
    season_start_months: dict[str, int]
    day_words: dict[str, int]
    refs: dict[str, str]
    ref_words_found_alone: tuple[str, ...]
    relative_past: tuple[str, ...]
    relative_next: tuple[str, ...]
    relative_this: tuple[str, ...]
    offset_past: tuple[str, ...]
    offset_future: tuple[str, ...]
    set_words: dict[str, str]
    set_quantifiers: tuple[str, ...]
    modifiers: tuple[str, ...]
    anaphoric: frozenset[str]
    age_after: tuple[str, ...]
    age_before: tuple[str, ...]
    future_aux: frozenset[str]
    future_heads: frozenset[str]
    past_tags: frozenset[str]
    time_words: dict[str, str]
    time_zones: tuple[str, ...]
    clock_suffix: dict[str, str]
    unit_adjectives: frozenset[str]
    pod_words: dict[str, tuple[int, str]]
    latest_words: tuple[str, ...]
    split_words: tuple[str, ...]
    year_words: dict[str, int]
    narrative_offsets: frozenset[str]
    narrative_relatives: frozenset[str]
    adjective_only: frozenset[str]
    prospective_heads: frozenset[str]
    military_clock_suffix: tuple[str, ...]
    narrative_anchor_units: frozenset[str]
    narrative_days: dict[str, int]
    relation_words: frozenset[str]
    holidays: dict[str, tuple[int, int]]
    patterns: _Patterns = field(init=False, repr=False, compare=False)
    abbreviations: frozenset[str] = field(init=False, repr=False, compare=False)
    vocabulary: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "patterns", _Patterns(self))
        # month and weekday keys that are short forms of a longer key ("sept", "fri")
        short = set()
        for table in (self.months, self.weekdays):
            for k, v in table.items():
                if any(v == v2 and len(k2) > len(k) for k2, v2 in table.items()):
                    short.add(k)
        object.__setattr__(self, "abbreviations", frozenset(short))
        object.__setattr__(self, "vocabulary", _time_vocabulary(self))


def _alt(words: Any) -> str:
    """A regex alternation of ``words``, longest first, spaces matching any whitespace."""
    return _alt_of(tuple(words))


@lru_cache(maxsize=256)
def _alt_of(words: tuple[str, ...]) -> str:
    items = sorted({w for w in words if w}, key=lambda w: (-len(w), w))
    return "(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in items) + ")"


class _Patterns:
    """Compiled regular expressions built from a lexicon."""

    def __init__(self, lx: Lexicon) -> None:
        full_months = [m for m in lx.months if len(m) > 3 and m != "sept"]
        abbr_months = [m for m in lx.months if m not in full_months]
        month = rf"(?:{_alt(full_months)}|{_alt(abbr_months)}\.?)"
        full_days = [d for d in lx.weekdays if d not in lx.ambiguous_weekdays]
        wday = _alt(full_days)
        num = rf"(?:\d+(?:\.\d+)?|{_alt([*lx.numbers, *lx.vague_numbers])}(?:[\s-]+{_alt(lx.numbers)})*)"
        units = _alt([*lx.units, *(u + "s" for u in lx.units)])
        rel = _alt([*lx.relative_past, *lx.relative_next, *lx.relative_this])
        period = _alt([*lx.units, *lx.seasons, *lx.weekdays.keys(), *full_months])
        pod = _alt(lx.parts_of_day)
        ordn = r"(?:\d{1,2}(?:st|nd|rd|th)?)"
        year = r"(?:1\d{3}|2\d{3})"
        ampm = _alt([k for k, v in lx.clock_suffix.items() if v])
        clock = (
            rf"(?:\d{{1,2}}(?:[:.]?\d{{2}})?\s*{ampm}(?!\w)|\d{{1,2}}:\d{{2}}"
            rf"|(?:[01]\d|2[0-3])[0-5]\d\s*{_alt(lx.military_clock_suffix)}\.?(?!\w)"
            rf"|{_alt(lx.time_words)})"
        )
        parts = [
            # numeric dates
            r"\d{4}-\d{2}-\d{2}",
            r"\d{1,2}/\d{1,2}/\d{2,4}",
            # [weekday,] Month day[, year] ; day Month [year] ; Month year
            rf"(?:{wday},?\s+)?{month}\s+{ordn}(?:,?\s+{year})?",
            rf"(?:{wday},?\s+)?(?:the\s+)?{ordn}\s+(?:of\s+)?{month}(?:,?\s+{year})?",
            rf"{month},?\s+(?:of\s+)?{year}",
            rf"(?:(?:early|late|mid)[\s-]+)?{month}",
            # weekdays with optional part of day
            rf"(?:(?:the\s+)?{rel}\s+)?{wday}(?:\s+{pod})?",
            # this/last/next week ..., earlier this month
            rf"(?:(?:earlier|later|early|late)\s+)?(?:{rel})\s+{period}",
            rf"(?:earlier|later)\s+(?:in|this)\s+the\s+{_alt(['week', 'month', 'year'])}",
            # offsets: three days ago
            rf"{num}\s+{units}\s+{_alt([*lx.offset_past, *lx.offset_future])}",
            # durations: the past two weeks, three days, the coming days
            rf"(?:the\s+)?(?:(?:{rel})\s+)?{num}[\s-]+{units}",
            rf"the\s+(?:{rel})\s+{units}",
            # day words, part of day
            rf"{_alt(lx.day_words)}(?:\s+{pod})?",
            rf"(?:{rel}|yesterday|tomorrow)\s+{pod}",
            # sets
            rf"(?:{_alt(lx.set_quantifiers[:2])})\s+(?:other\s+)?(?:{period}|{pod})",
            _alt(lx.set_words),
            # clock times
            clock,
            # vague references
            _alt(lx.ref_words_found_alone),
            # decades
            r"(?:the\s+)?(?:(?:early|late|mid)[\s-]+)?(?:1\d|20)\d0s",
            # fixed-date holidays ("Bastille Day", "New Year's Eve")
            "(?:"
            + "|".join(
                r"(?:'s|’s)?\s+".join(map(re.escape, h.split()))
                for h in sorted(lx.holidays, key=len, reverse=True)
            )
            + r")(?:'s|’s)?(?:,?\s+"
            + year
            + r")?(?!\s+(?-i:[A-Z]))",
        ]
        self.candidate = re.compile(r"(?<![\w/:-])(?:" + "|".join(parts) + r")(?![\w/])", re.I)
        self.clock = re.compile(
            rf"(?<!\w)(?P<h>\d{{1,2}})(?::(?P<m>\d{{2}}))?\s*(?P<sfx>{_alt(lx.clock_suffix)})?(?!\w)"
        )


@lru_cache(maxsize=4)
def load_lexicon(path: str | Path | None = None) -> Lexicon:
    """Load the times lexicon (once): ``data/times/lexicon.json`` or the file at ``path``.

    Raises DataFileError naming the file (and line, for JSON syntax errors).
    """
    where = str(path) if path is not None else f"eventwire/data/times/{_LEXICON_FILE}"
    try:
        if path is not None:
            text = Path(path).read_text("utf-8")
        else:
            text = (
                resources.files("eventwire")
                .joinpath("data", "times", _LEXICON_FILE)
                .read_text("utf-8")
            )
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataFileError(f"{where}:{exc.lineno}", f"invalid JSON: {exc.msg}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(where, f"cannot be read: {exc}") from exc
    if not isinstance(raw, dict):
        raise DataFileError(f"{where}:1", "expected a JSON object of word lists")
    try:
        return Lexicon(
            months={k: int(v) for k, v in raw["months"].items()},
            ambiguous_months=frozenset(raw["ambiguous_months"]),
            weekdays={k: int(v) for k, v in raw["weekdays"].items()},
            ambiguous_weekdays=frozenset(raw["ambiguous_weekdays"]),
            numbers={k: float(v) for k, v in raw["numbers"].items()},
            vague_numbers=tuple(raw["vague_numbers"]),
            ordinals={k: int(v) for k, v in raw["ordinals"].items()},
            units=dict(raw["units"]),
            parts_of_day=dict(raw["parts_of_day"]),
            seasons=dict(raw["seasons"]),
            season_start_months={k: int(v) for k, v in raw["season_start_months"].items()},
            day_words={k: int(v) for k, v in raw["day_words"].items()},
            refs=dict(raw["refs"]),
            ref_words_found_alone=tuple(raw["ref_words_found_alone"]),
            relative_past=tuple(raw["relative_past"]),
            relative_next=tuple(raw["relative_next"]),
            relative_this=tuple(raw["relative_this"]),
            offset_past=tuple(raw["offset_past"]),
            offset_future=tuple(raw["offset_future"]),
            set_words=dict(raw["set_words"]),
            set_quantifiers=tuple(raw["set_quantifiers"]),
            modifiers=tuple(sorted(raw["modifiers"], key=len, reverse=True)),
            anaphoric=frozenset(raw["anaphoric"]),
            age_after=tuple(raw["age_after"]),
            age_before=tuple(raw["age_before"]),
            future_aux=frozenset(raw["future_aux"]),
            future_heads=frozenset(raw["future_heads"]),
            past_tags=frozenset(raw["past_tags"]),
            time_words=dict(raw["time_words"]),
            time_zones=tuple(raw["time_zones"]),
            clock_suffix=dict(raw["clock_suffix"]),
            unit_adjectives=frozenset(raw["unit_adjectives"]),
            pod_words={k: (int(v[0]), str(v[1])) for k, v in raw["pod_words"].items()},
            latest_words=tuple(raw["latest_words"]),
            split_words=tuple(raw["split_words"]),
            year_words={k: int(v) for k, v in raw["year_words"].items()},
            narrative_offsets=frozenset(raw["narrative_offsets"]),
            narrative_relatives=frozenset(raw["narrative_relatives"]),
            adjective_only=frozenset(raw["adjective_only"]),
            prospective_heads=frozenset(raw["prospective_heads"]),
            military_clock_suffix=tuple(raw["military_clock_suffix"]),
            narrative_anchor_units=frozenset(raw["narrative_anchor_units"]),
            narrative_days={k: int(v) for k, v in raw["narrative_days"].items()},
            relation_words=frozenset(raw["relation_words"]),
            holidays={k: (int(v[0]), int(v[1])) for k, v in raw["holidays"].items()},
        )
    except KeyError as exc:
        raise DataFileError(where, f"missing entry {exc.args[0]!r}") from exc
    except (TypeError, ValueError, AttributeError, IndexError) as exc:
        raise DataFileError(where, f"malformed entry: {exc}") from exc


# --------------------------------------------------------------------------- dates


def valid_pubdate(pubdate: object) -> date | None:
    """The publication date as a ``date`` if usable, else None (bad type, pre-1900, far future)."""
    if isinstance(pubdate, datetime):
        pubdate = pubdate.date()
    elif isinstance(pubdate, str):
        try:
            pubdate = date.fromisoformat(pubdate.strip()[:10])
        except ValueError:
            return None
    if not isinstance(pubdate, date):
        return None
    if pubdate.year < MIN_PUB_YEAR or pubdate.year > date.today().year + MAX_PUB_YEARS_AHEAD:
        return None
    return pubdate


def _ymd(y: int, m: int, d: int) -> str | None:
    """ISO date string, or None if the date does not exist (February 30)."""
    if not (MIN_YEAR <= y <= MAX_YEAR):
        return None
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def _week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _add_months(y: int, m: int, delta: int) -> tuple[int, int]:
    idx = y * 12 + (m - 1) + delta
    return idx // 12, idx % 12 + 1


def _infer_year(pub: date, month: int, day: int | None, tense: Tense) -> int:
    """Year of a month (and day) given without one, relative to the publication date.

    Past tense: the most recent such date not after ``pub``; future: the next one
    not before ``pub``; no tense: the nearest of the three candidate years.
    """
    cands = []
    for y in (pub.year - 1, pub.year, pub.year + 1):
        if day is None:
            cands.append((y, (y * 12 + month) - (pub.year * 12 + pub.month)))
        else:
            last = calendar.monthrange(y, month)[1]
            cands.append((y, (date(y, month, min(day, last)) - pub).days))
    nearest = min(cands, key=lambda c: (abs(c[1]), c[1] > 0))
    if tense == "past":
        pick = max((c for c in cands if c[1] <= 0), key=lambda c: c[1])
    elif tense == "future":
        pick = min((c for c in cands if c[1] >= 0), key=lambda c: c[1])
    else:
        return nearest[0]
    if day is not None and abs(pick[1]) > DAY_TENSE_WINDOW:
        return nearest[0]  # a day half a year away without its year: the tense is more likely wrong
    return pick[0]


def _weekday_date(pub: date, wd: int, tense: Tense, rel: str | None, lx: Lexicon) -> date:
    """The date of weekday ``wd`` (1=Monday) relative to ``pub``."""
    back = (pub.isoweekday() - wd) % 7  # days back to the most recent one (0 = pub itself)
    if rel in lx.relative_past:
        return pub - timedelta(days=back or 7)
    if rel in lx.relative_next:
        return pub + timedelta(days=(wd - pub.isoweekday()) % 7 or 7)
    if rel in lx.relative_this:
        return pub + timedelta(days=wd - pub.isoweekday())
    if tense == "future":
        return pub + timedelta(days=(wd - pub.isoweekday()) % 7 or 7)
    return pub - timedelta(days=back)


def _quarter(m: int) -> int:
    return (m - 1) // 3 + 1


# --------------------------------------------------------------------------- normalization


@dataclass
class _Result:
    value: str | None
    type: TimeType = "DATE"


class _Ctx:
    def __init__(self, pub: date | None, tense: Tense, refs: bool, lx: Lexicon) -> None:
        self.pub = pub
        self.tense = tense
        self.refs = refs
        self.lx = lx


def _clean(text: str, lx: Lexicon) -> str:
    s = text.lower().replace("’", "'").replace("‘", "'").replace("–", "-").replace("—", "-")
    s = re.sub(r"\ba\.m\.?|\bp\.m\.?", lambda m: "am" if m.group(0)[0] == "a" else "pm", s)
    s = re.sub(r"'s\b", "", s)
    s = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", s)
    s = re.sub(r"(?<=\d)-(?=[a-z])|(?<=[a-z])-(?=\d)", " ", s)
    s = re.sub(r"(?<=\d)(?:st|nd|rd|th)\b", "", s)
    s = re.sub(
        r"\b([a-z]{2,5})\.",
        lambda m: (
            m.group(1) if m.group(1) in lx.months or m.group(1) in lx.weekdays else m.group(0)
        ),
        s,
    )
    s = re.sub(r"[,;()\"]", " ", s)
    return re.sub(r"\s+", " ", s).strip(" .")


def _number(words: str, lx: Lexicon) -> float | None:
    """'twenty four' -> 24, '3' -> 3, 'a' -> 1; None if not a number."""
    words = words.strip().replace("-", " ")
    if re.fullmatch(r"\d+(?:\.\d+)?", words):
        return float(words)
    if words in lx.numbers:
        return lx.numbers[words]
    total = 0.0
    parts = words.split()
    if not parts:
        return None
    for w in parts:
        if w == "and":
            continue
        if w not in lx.numbers or w in ("a", "an"):
            return None
        n = lx.numbers[w]
        total = total * n if n == 100 and total else total + n
    return total


def _fmt_num(n: float) -> str:
    return str(int(n)) if float(n).is_integer() else str(n)


def _duration(n: float | None, unit: str) -> str:
    """TIMEX3 duration: P3D, PT2H, P2DE; X for a vague count."""
    q = "X" if n is None else _fmt_num(n)
    if unit.startswith("T"):
        return f"PT{q}{unit[1:]}"
    if unit[0].isdigit():  # fortnight = 2W
        k = int(unit[:-1])
        return f"P{'X' if n is None else _fmt_num(n * k)}{unit[-1]}"
    return f"P{q}{unit}"


def _unit(word: str, lx: Lexicon) -> str | None:
    w = word.strip()
    if w in lx.units:
        return lx.units[w]
    if w.endswith("ies") and w[:-3] + "y" in lx.units:
        return lx.units[w[:-3] + "y"]
    if w.endswith("s") and w[:-1] in lx.units:
        return lx.units[w[:-1]]
    return None


def _strip_mods(s: str, lx: Lexicon) -> str:
    changed = True
    while changed:
        changed = False
        for m in lx.modifiers:
            if s.startswith(m + " ") and len(s) > len(m) + 1:
                s = s[len(m) + 1 :]
                changed = True
                break
            if (
                m in ("early", "late", "mid")
                and s.startswith(m)
                and s[len(m) :].strip() in lx.months
            ):
                s = s[len(m) :].strip()
                changed = True
                break
    return s


def _offset(pub: date, n: float, unit: str, sign: int) -> _Result | None:
    """Date ``n`` units before/after ``pub`` at the unit's precision."""
    k = int(n) * sign
    if unit == "D":
        return _Result((pub + timedelta(days=k)).isoformat())
    if unit == "W":
        return _Result(_week(pub + timedelta(weeks=k)))
    if unit == "2W":
        return _Result(_week(pub + timedelta(weeks=2 * k)))
    if unit == "M":
        y, m = _add_months(pub.year, pub.month, k)
        return _Result(f"{y:04d}-{m:02d}")
    if unit == "Y":
        return _Result(f"{pub.year + k:04d}")
    if unit == "DE":
        return _Result(f"{(pub.year + 10 * k) // 10:03d}")
    if unit == "Q":
        y, m = _add_months(pub.year, pub.month, 3 * k)
        return _Result(f"{y:04d}-Q{_quarter(m)}")
    if unit == "CE":
        return _Result(f"{(pub.year + 100 * k) // 100:02d}")
    if unit.startswith("T"):
        return _Result(None, "TIME")
    return None


def _period(pub: date, unit: str, delta: int, tense: Tense) -> str | None:
    """This (delta 0), last (-1) or next (+1) week/month/year/... around ``pub``."""
    if unit == "D":
        return (pub + timedelta(days=delta)).isoformat()
    if unit == "W":
        return _week(pub + timedelta(weeks=delta))
    if unit == "WE":
        if delta == 0 and tense == "past" and pub.isoweekday() < 6:
            delta = -1  # "the weekend" in a weekday's past-tense report: the one just gone
        return _week(pub + timedelta(weeks=delta)) + "-WE"
    if unit == "M":
        y, m = _add_months(pub.year, pub.month, delta)
        return f"{y:04d}-{m:02d}"
    if unit == "Y":
        return f"{pub.year + delta:04d}"
    if unit == "Q":
        y, m = _add_months(pub.year, pub.month, 3 * delta)
        return f"{y:04d}-Q{_quarter(m)}"
    if unit == "DE":
        return f"{pub.year // 10 + delta:03d}"
    if unit == "CE":
        return f"{pub.year // 100 + delta:02d}"
    return None


def _season(pub: date, code: str, rel: str | None, tense: Tense, lx: Lexicon) -> str:
    start = lx.season_start_months.get(code, 1)
    cur_year = pub.year - (1 if code == "WI" and pub.month < 3 else 0)
    begun = date(cur_year, start, 1) <= pub
    if rel in lx.relative_past:
        y = (
            cur_year - 1
            if begun and pub < date(cur_year, start, 1) + timedelta(days=92)
            else cur_year
        )
        if not begun:
            y = cur_year - 1
    elif rel in lx.relative_next:
        y = cur_year + 1 if begun else cur_year
    elif rel in lx.relative_this or tense is None:
        y = cur_year
    elif tense == "past":
        y = cur_year if begun else cur_year - 1
    else:
        y = (
            cur_year
            if not begun or pub < date(cur_year, start, 1) + timedelta(days=92)
            else cur_year + 1
        )
    return f"{y:04d}-{code}"


def normalize(
    text: str,
    pubdate: date | None = None,
    tense: Tense = None,
    *,
    refs: bool = True,
) -> tuple[bool, str | None, TimeType]:
    """Normalize one temporal expression.

    Returns ``(recognized, value, type)``: ``recognized`` is False when the text
    is not a temporal expression the rules know; ``value`` is the TIMEX3 value
    or None. With ``refs=True`` vague expressions get TIMEX3's PRESENT_REF,
    PAST_REF and FUTURE_REF instead of None. Never raises.
    """
    try:
        lx = load_lexicon()
        ctx = _Ctx(valid_pubdate(pubdate), tense, refs, lx)
        res = _normalize(_clean(text, lx), ctx)
    except DataFileError:
        raise
    except Exception:  # a rule bug must never break the pipeline
        log.exception("time normalization failed on %r", text)
        return False, None, "DATE"
    if res is None:
        return False, None, "DATE"
    return True, res.value, res.type


def _normalize(s: str, ctx: _Ctx) -> _Result | None:
    lx = ctx.lx
    if not s:
        return None
    if s in lx.anaphoric:
        return _Result(None)
    bare = re.sub(r"^(?:in|at|for|the) ", "", s)
    for cand in (s, bare, "the " + bare):
        if cand in lx.refs:
            return _Result(lx.refs[cand] if ctx.refs else None)
    res = _set(s, ctx)
    if res:
        return res
    res = _clock(s, ctx)
    if res:
        return res
    res = _date_words(s, ctx)
    if res:
        return res
    res = _duration_or_offset(s, ctx)
    if res:
        return res
    stripped = _strip_mods(s, lx)
    if stripped != s:
        # "the full year" -> "the year" (this year) before "year" (a duration)
        tries = [stripped]
        if s.startswith("the ") and not stripped.startswith("the "):
            tries.insert(0, "the " + stripped)
        for t in tries:
            res = _date_words(t, ctx) or _duration_or_offset(t, ctx)
            if res:
                return res
        if stripped in lx.refs:
            return _Result(lx.refs[stripped] if ctx.refs else None)
    return _dateparser(s, ctx)


def _set(s: str, ctx: _Ctx) -> _Result | None:
    lx = ctx.lx
    if s in lx.set_words:
        return _Result(lx.set_words[s], "SET")
    m = re.fullmatch(r"(?:every|each|per)(?: (other|\S+))? (.+)", s)
    if not m:
        return None
    qual, what = m.group(1), m.group(2)
    if qual and qual != "other":
        what = f"{qual} {what}"
        qual = None
    step = 2 if qual == "other" else 1
    num = re.fullmatch(r"(.+?) (\S+)", what)
    if num and _number(num.group(1), lx) is not None and _unit(num.group(2), lx):
        return _Result(_duration(_number(num.group(1), lx), _unit(num.group(2), lx) or "D"), "SET")
    if what in lx.weekdays:
        return _Result(f"XXXX-WXX-{lx.weekdays[what]}", "SET")
    if what in lx.months:
        return _Result(f"XXXX-{lx.months[what]:02d}", "SET")
    if what in lx.parts_of_day:
        return _Result(f"XXXX-XX-XXT{lx.parts_of_day[what]}", "SET")
    u = _unit(what, lx)
    if u:
        return _Result(_duration(step, u), "SET")
    return _Result(None, "SET")


def _clock_colon(s: str, lx: Lexicon) -> str:
    """Compact and dotted clock times with the colon put in: "1030 am", "10.30 pm" →
    "10:30 am", "10:30 pm"; military "1430 hrs" → "14:30" (a bare "1030" stays a year)."""
    ampm = _alt([k for k, v in lx.clock_suffix.items() if v])
    s = re.sub(rf"(?<![\d:.])(\d{{1,2}})\.?(\d{{2}})(?=\s*{ampm}(?!\w))", r"\1:\2", s)
    return re.sub(
        rf"(?<![\d:.])([01]\d|2[0-3])([0-5]\d)\s*{_alt(lx.military_clock_suffix)}\.?(?!\w)",
        r"\1:\2",
        s,
    )


def _clock(s: str, ctx: _Ctx) -> _Result | None:
    """Clock times ("10 a.m.", "3:30 pm Friday", "noon") and parts of the day ("Monday night")."""
    lx = ctx.lx
    if lx.time_zones:
        s = s.strip()
    for tz in lx.time_zones:
        if tz in s:  # (the pattern needs the zone's letters as they are)
            s = re.sub(rf"\s*\(?\b{re.escape(tz)}\b\)?", "", s).strip()
    s = _clock_colon(s, lx)
    hhmm: str | None = None
    rest = s
    word = re.search(rf"\b{_alt(lx.time_words)}\b", s)
    m = next((c for c in lx.patterns.clock.finditer(s) if c.group("sfx") or c.group("m")), None)
    if word:
        hhmm = lx.time_words[word.group(0)]
        rest = (s[: word.start()] + " " + s[word.end() :]).strip()
    elif m and (m.group("sfx") or m.group("m")) and not re.fullmatch(r"\d{4}", s):
        h, mi = int(m.group("h")), int(m.group("m") or 0)
        sfx = lx.clock_suffix.get((m.group("sfx") or "").replace(" ", ""), "")
        if sfx == "pm" and h < 12:
            h += 12
        elif sfx == "am" and h == 12:
            h = 0
        if h > 24 or mi > 59:
            return _Result(None, "TIME")
        hhmm = f"{h:02d}:{mi:02d}"
        rest = (s[: m.start()] + " " + s[m.end() :]).strip()
    pod: str | None = None
    if hhmm is None:
        if s in lx.pod_words:
            off, code = lx.pod_words[s]
            if ctx.pub is None:
                return _Result(None, "TIME")
            return _Result(f"{(ctx.pub + timedelta(days=off)).isoformat()}T{code}", "TIME")
        pm = re.search(rf"(?:^| )({_alt(lx.parts_of_day)})(s?)(?: |$)", s)
        if not pm:
            return None
        pod = lx.parts_of_day[pm.group(1)]
        rest = (s[: pm.start(1)] + " " + s[pm.end(2) :]).strip()
        if pm.group(2):  # "Tuesday nights": a set
            wd = lx.weekdays.get(rest)
            return _Result(f"XXXX-WXX-{wd}T{pod}" if wd else f"XXXX-XX-XXT{pod}", "SET")
    rest = " ".join(rest.split())
    prev = None
    while prev != rest:  # "at 5 p.m. on January 3": drop the prepositions around the day
        prev = rest
        rest = re.sub(r"^(?:on|at|in|of) |(?: on| at| in| of| the)$", "", rest).strip()
    rest = _strip_mods(rest, lx)
    if rest in lx.modifiers or rest in ("the", "this", "mid"):
        rest = ""
    suffix = hhmm if hhmm is not None else pod
    if not rest or rest in lx.relative_this:
        day: str | None = ctx.pub.isoformat() if ctx.pub else None
    elif rest in lx.relative_past and pod:
        day = (ctx.pub - timedelta(days=1)).isoformat() if ctx.pub else None
    else:
        sub = _date_words(rest, ctx)
        if sub is None:
            if hhmm is None:
                return None  # "the night" etc. are not times of a known day
            day = None
        else:
            day = sub.value if sub.value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", sub.value) else None
    return _Result(f"{day}T{suffix}" if day else None, "TIME")


def _date_words(s: str, ctx: _Ctx) -> _Result | None:
    lx, pub, tense = ctx.lx, ctx.pub, ctx.tense
    s = re.sub(r"^this (past|coming) ", r"\1 ", s)  # "this past spring" = "last spring"
    if re.fullmatch(r"(?:the )?year(?:'s)? end|(?:the )?end of the year", s):
        return _Result(f"{pub.year:04d}" if pub else None)
    hol = re.fullmatch(r"(.+?)(?: (\d{4}))?", s)
    if hol and hol.group(1) in lx.holidays:
        # "Bastille Day": a month and day, the year given or inferred as for "July 14"
        hm, hd = lx.holidays[hol.group(1)]
        if hol.group(2):
            return _Result(_ymd(int(hol.group(2)), hm, hd))
        return _Result(_ymd(_infer_year(pub, hm, hd, tense), hm, hd) if pub else None)
    month = _alt(lx.months)
    wday = _alt(lx.weekdays)
    year = r"(\d{4})"
    # ISO and US numeric dates
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", s)
    if m:
        return _Result(_ymd(int(m.group(1)), int(m.group(2)), int(m.group(3))))
    m = re.fullmatch(r"(\d{4})-(\d{2})", s)
    if m and 1 <= int(m.group(2)) <= 12:
        return _Result(f"{m.group(1)}-{m.group(2)}")
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})", s)
    if m:
        y = int(m.group(3))
        if y < 100:
            y += 2000 if y < 50 else 1900
        return _Result(_ymd(y, int(m.group(1)), int(m.group(2))))
    # drop a leading weekday when an explicit date follows ("Friday, Jan. 3")
    wd_given: int | None = None
    m = re.fullmatch(rf"(?:(?:this|coming|past) )*({wday}) (.+)", s)
    if m and m.group(2).split()[0] in {*lx.months, *(str(i) for i in range(1, 32)), "the"}:
        wd_given = lx.weekdays[m.group(1)]
        s = m.group(2)
    # Month day [year] / day [of] Month [year]
    dayw = rf"(\d{{1,2}}|{_alt(k for k, v in lx.ordinals.items() if v > 0)})"
    m = re.fullmatch(
        rf"(?:the )?(?:({month}) {dayw}|{dayw} (?:of )?({month}))(?: (?:of )?{year})?", s
    )
    if m:
        mon = lx.months[m.group(1) or m.group(4)]
        dtxt = m.group(2) or m.group(3)
        day = int(dtxt) if dtxt.isdigit() else lx.ordinals[dtxt]
        if m.group(5):
            return _Result(_ymd(int(m.group(5)), mon, day))
        if not 1 <= day <= 31:
            return _Result(None)
        if pub is None:
            return _Result(None)
        if wd_given is not None:  # the weekday picks the year
            for y in (pub.year, pub.year - 1, pub.year + 1):
                v = _ymd(y, mon, day)
                if v and date.fromisoformat(v).isoweekday() == wd_given:
                    return _Result(v)
        return _Result(_ymd(_infer_year(pub, mon, day, tense), mon, day))
    # Month this/last/next year: "June last year"
    m = re.fullmatch(rf"({month}) (?:of )?(this|last|next|the previous|the following) year", s)
    if m:
        if pub is None or m.group(2) in ("the previous", "the following"):
            return _Result(None)
        y = pub.year + {"this": 0, "last": -1, "next": 1}[m.group(2)]
        return _Result(f"{y:04d}-{lx.months[m.group(1)]:02d}")
    # Month year
    m = re.fullmatch(rf"({month}) (?:of )?{year}", s)
    if m:
        return _Result(f"{int(m.group(2)):04d}-{lx.months[m.group(1)]:02d}")
    # [rel] Month
    m = re.fullmatch(rf"(?:(\w+) )?({month})", s)
    if m and (
        m.group(1) is None
        or m.group(1) in (*lx.relative_past, *lx.relative_next, *lx.relative_this, "this")
    ):
        if pub is None:
            return _Result(None)
        mon, rel = lx.months[m.group(2)], m.group(1)
        if rel in lx.relative_past:
            y = pub.year if mon < pub.month else pub.year - 1
        elif rel in lx.relative_next:
            y = pub.year if mon > pub.month else pub.year + 1
        elif rel is not None:
            y = pub.year
        else:
            y = _infer_year(pub, mon, None, tense)
        return _Result(f"{y:04d}-{mon:02d}")
    # years, decades, centuries
    m = re.fullmatch(
        rf"(?:(?:fiscal|calendar|the year|year|the fiscal year|fiscal year|the) )?{year}", s
    )
    if m:
        y = int(m.group(1))
        return _Result(f"{y:04d}") if MIN_YEAR <= y <= MAX_YEAR else None
    # "the 1988 quarter", "the 1989 period": a period of that year
    m = re.fullmatch(rf"(?:the )?(?:fiscal )?{year} (?:fiscal )?(\w+)", s)
    if m and (_unit(m.group(2), lx) or m.group(2) in ("period", "season", "term")):
        y = int(m.group(1))
        return _Result(f"{y:04d}") if MIN_YEAR <= y <= MAX_YEAR else None
    m = re.fullmatch(r"(?:the )?(?:(?:early|late|mid) )?(?:(\d{3})0s|'(\d)0s)", s)
    if m:
        if m.group(1):
            return _Result(m.group(1))
        d = int(m.group(2))
        century = 19 if pub is None or d * 10 > pub.year % 100 else pub.year // 100
        return _Result(f"{century}{d}")
    m = re.fullmatch(r"(?:the )?(\S+) century", s)
    if m:
        n = lx.ordinals.get(m.group(1)) or (int(m.group(1)) if m.group(1).isdigit() else None)
        if n and n > 0:
            return _Result(f"{n - 1:02d}")
    # weekday [part of day handled by _clock]
    m = re.fullmatch(rf"(the )?(?:(\w+) )?({wday})", s)
    if m and (
        m.group(2) is None
        or m.group(2) in (*lx.relative_past, *lx.relative_next, *lx.relative_this, "this")
    ):
        if m.group(3) in lx.ambiguous_weekdays and m.group(2) is None:
            return None
        if pub is None or (m.group(1) and m.group(2) in lx.narrative_relatives):
            return _Result(None)  # "the following Wednesday": counted from a time in the story
        return _Result(
            _weekday_date(pub, lx.weekdays[m.group(3)], tense, m.group(2), lx).isoformat()
        )
    # yesterday / today / tomorrow
    if s in lx.day_words:
        if pub is None:
            return _Result(None)
        return _Result((pub + timedelta(days=lx.day_words[s])).isoformat())
    # quarters and halves
    m = re.fullmatch(r"(?:the )?(this|last|next) year (.+ (?:quarter|half))", s)
    if m:  # "this year's third quarter"
        s = f"{m.group(2)} of {m.group(1)} year"
    m = re.fullmatch(
        rf"(?:the )?(?:{year} )?(?:(?:fiscal|calendar) )?(\w+) (?:fiscal )?(quarter|half)(?: (?:of )?(?:(?:fiscal )?{year}|(this|last|next) year))?",
        s,
    )
    if m and m.group(2) in lx.ordinals and lx.ordinals[m.group(2)] != 0:
        n, kind = lx.ordinals[m.group(2)], m.group(3)
        if n < 0:  # "the last half of 1989", "the final quarter"
            n = 4 if kind == "quarter" else 2
        if (kind == "quarter" and n > 4) or (kind == "half" and n > 2):
            return None
        code = f"Q{n}" if kind == "quarter" else f"H{n}"
        y_txt = m.group(1) or m.group(4)
        if y_txt:
            return _Result(f"{int(y_txt):04d}-{code}")
        if pub is None:
            return _Result(None)
        if m.group(5):
            shift = {"this": 0, "last": -1, "next": 1}[m.group(5)]
            return _Result(f"{pub.year + shift:04d}-{code}")
        first_month = (n - 1) * (3 if kind == "quarter" else 6) + 1
        y = pub.year
        if tense != "future" and first_month > pub.month:
            y -= 1
        return _Result(f"{y:04d}-{code}")
    # seasons
    m = re.fullmatch(rf"(?:the )?(?:(\w+) )?({_alt(lx.seasons)})(?: (?:of )?{year})?", s)
    if m and (
        m.group(1) is None
        or m.group(1) in (*lx.relative_past, *lx.relative_next, *lx.relative_this, "this")
    ):
        code = lx.seasons[m.group(2)]
        if m.group(3):
            return _Result(f"{m.group(3)}-{code}")
        if pub is None:
            return _Result(None)
        return _Result(_season(pub, code, m.group(1), tense, lx))
    # the latest quarter: the last completed one; "the quarter" likewise unless future
    m = re.fullmatch(rf"(?:the )?({_alt(lx.latest_words)}) (\w+)|the (quarter)", s)
    if m:
        u = _unit(m.group(2) or m.group(3), lx)
        if u in ("W", "M", "Y", "Q", "WE") and not (m.group(2) or m.group(3)).endswith("s"):
            if pub is None:
                return _Result(None)
            back = 0 if tense == "future" and not m.group(1) else -1
            return _Result(_period(pub, u, back, tense))
    # "that month", "the same week": a time of the story, not of the publication
    m = re.fullmatch(r"(?:that|those|the same|this same) (\w+)", s)
    if m and _unit(m.group(1), lx):
        return _Result(None)
    # "the year-ago quarter", "year-earlier results": the same period a year before
    m = re.fullmatch(r"(?:the )?(?:\w+ )?year (?:ago|earlier)(?: \w+)?", s)
    if m:
        return _Result(f"{pub.year - 1:04d}" if pub else None)
    # years in words: "nineteen ninety-six", "the year two thousand"
    m = re.fullmatch(rf"(?:the year )?({_alt(lx.year_words)})(?: and)?(?: (.+))?", s)
    if m and (m.group(2) or m.group(1) == "two thousand"):
        tail = _number(m.group(2), lx) if m.group(2) else 0
        if tail is not None and 0 <= tail < 100 and float(tail).is_integer():
            return _Result(f"{lx.year_words[m.group(1)] * 100 + int(tail):04d}")
    # this / last / next week|month|year|weekend|quarter|decade
    m = re.fullmatch(r"(?:(the) )?(\w+) (\w+)", s)
    u = _unit(m.group(3), lx) if m else None
    if m and u and u not in ("TS", "TM", "TH") and not m.group(3).endswith("s"):
        rel = m.group(2)
        delta: int | None = None
        if rel in lx.relative_past:
            delta = -1
        elif rel in lx.relative_next:
            delta = 1
        elif rel in lx.relative_this or rel == "this":
            delta = 0
        if delta is not None:
            if pub is None:
                return _Result(None)
            if rel in lx.narrative_relatives:
                return _Result(None)  # relative to a narrative time, not to the publication date
            return _Result(_period(pub, u, delta, tense))
    # earlier/later in the year
    m = re.fullmatch(r"(?:earlier|later) in the (week|month|year)", s)
    if m:
        return _Result(_period(pub, _unit(m.group(1), lx) or "Y", 0, tense) if pub else None)
    # "the year", "the week": the current one
    m = re.fullmatch(r"the (week|month|year|weekend|quarter)", s)
    if m:
        return _Result(_period(pub, _unit(m.group(1), lx) or "Y", 0, tense) if pub else None)
    if s == "the weekend" or s == "weekend":
        return _Result(_period(pub, "WE", 0, tense) if pub else None)
    return None


def _duration_or_offset(s: str, ctx: _Ctx) -> _Result | None:
    lx, pub = ctx.lx, ctx.pub
    off = _alt([*lx.offset_past, *lx.offset_future])
    m = re.fullmatch(rf"(?:the )?(.+?) (\S+) ({off})", s)
    if m:
        n = _number(m.group(1), lx)
        u = _unit(m.group(2), lx)
        vague = m.group(1) in lx.vague_numbers
        if u and (n is not None or vague):
            word = re.sub(r"\s+", " ", m.group(3))
            sign = -1 if word in lx.offset_past else 1
            if word in lx.narrative_offsets:
                # "three days later": counted from a time in the story, not from the
                # publication date; TimeML codes the amount as a duration
                return _Result(_duration(n, u), "DURATION")
            if n is None:
                ref = "PAST_REF" if sign < 0 else "FUTURE_REF"
                return _Result(ref if ctx.refs else None)
            if pub is None:
                return _Result(None, "TIME" if u.startswith("T") else "DATE")
            return _offset(pub, n, u, sign)
    rel = _alt([*lx.relative_past, *lx.relative_next, *lx.relative_this, "first", "last", "final"])
    m = re.fullmatch(rf"(?:the )?(?:({rel}) )?(?:(.+?) )?(\S+)", s)
    if m:
        u = _unit(m.group(3), lx)
        if not u or (u == "WE" and not m.group(2)):
            return None
        qty = m.group(2)
        if qty is None:
            if m.group(1) is None and not s.startswith("the "):
                if m.group(3).endswith("s") and u in ("D", "W", "M", "Y", "DE", "CE"):
                    return _Result(_duration(None, u), "DURATION")  # "years", "decades"
                if u in ("D", "W", "M", "Y", "DE", "CE"):
                    return _Result(_duration(1, u), "DURATION")  # "week" in "a bad week"
            if m.group(1) in ("coming", "next", "past", "last", "recent") and m.group(3).endswith(
                "s"
            ):
                if ctx.refs:
                    future = m.group(1) in lx.relative_next
                    return _Result("FUTURE_REF" if future else "PAST_REF")
                return _Result(None)
            return None
        words = qty.split()
        while words and words[-1] in lx.unit_adjectives and len(words) > 1:
            words.pop()  # "eight trading days"
        qty = " ".join(words)
        if qty in lx.vague_numbers:
            return _Result(_duration(None, u), "DURATION")
        n = _number(qty, lx)
        if n is None or n <= 0:
            return None
        if u == "Q":
            n, u = n * 3, "M"  # TIMEX3 has no quarter unit in durations
        elif u in ("DE", "CE"):
            n, u = n * (10 if u == "DE" else 100), "Y"
        return _Result(_duration(n, u), "DURATION")
    return None


@lru_cache(maxsize=1)
def _date_data_parser() -> Any:
    from dateparser.date import DateDataParser

    return DateDataParser(
        languages=["en"],
        settings={"PREFER_DATES_FROM": "past", "STRICT_PARSING": False, "REQUIRE_PARTS": []},
    )


def _dateparser(s: str, ctx: _Ctx) -> _Result | None:
    """Last resort for explicit dates: dateparser, guarded against its false positives.

    Only strings with a month name or a four-digit year are tried (dateparser
    reads "to", "car", "may", "second", bare numbers ... as dates).
    """
    lx = ctx.lx
    words = s.split()
    has_month = any(w in lx.months and w not in lx.ambiguous_months for w in words)
    has_year = bool(re.search(r"\b(1\d{3}|2\d{3})\b", s))
    if not (has_month or has_year) or len(words) > 6:
        return None
    if not has_year and ctx.pub is None:
        return _Result(None)
    try:
        settings: dict[str, Any] = {}
        if ctx.pub is not None:
            settings["RELATIVE_BASE"] = datetime(ctx.pub.year, ctx.pub.month, ctx.pub.day)
        from dateparser import parse

        dt = parse(s, languages=["en"], settings={**settings, "PREFER_DATES_FROM": "past"})
        data = _date_data_parser().get_date_data(s)
    except Exception:
        return None
    if dt is None:
        return None
    period = getattr(data, "period", None) or "day"
    if not (MIN_YEAR <= dt.year <= MAX_YEAR):
        return _Result(None)
    if period == "year":
        return _Result(f"{dt.year:04d}")
    if period == "month":
        return _Result(f"{dt.year:04d}-{dt.month:02d}")
    return _Result(dt.date().isoformat())


# --------------------------------------------------------------------------- candidates

#: ``text_of(doc)`` and ``doc.ents`` rebuild themselves on every access; find_times
#: computes them once per document and the helpers read them from here.
_DOC_CACHE: ContextVar[tuple[Doc, str, tuple[Span, ...]] | None] = ContextVar(
    "eventwire_times_doc", default=None
)


def _doc_text(doc: Doc) -> str:
    cached = _DOC_CACHE.get()
    return cached[1] if cached is not None and cached[0] is doc else text_of(doc)


def _doc_ents(doc: Doc) -> tuple[Span, ...]:
    cached = _DOC_CACHE.get()
    return cached[2] if cached is not None and cached[0] is doc else tuple(doc.ents)


def _tense(doc: Doc, start: int, end: int) -> Tense:
    """Tense of the verb governing the span ``[start, end)`` (chars): past, future or None."""
    lx = load_lexicon()
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    tok: Token = span.root
    for _ in range(8):
        if tok.pos_ in ("VERB", "AUX") and tok.i not in range(span.start, span.end):
            if not (tok.dep_ in ("acl", "amod") and tok.tag_ == "VBN"):
                break
            if tok.lemma_.lower() in lx.future_heads:
                return "future"  # "the vote, scheduled for Thursday": a plan, whatever the clause
            # else "shares tendered by ...": the participle only describes a noun
        if tok.head.i == tok.i:
            break
        tok = tok.head
    if tok.pos_ not in ("VERB", "AUX"):
        return None
    auxes = [c for c in tok.children if c.dep_ in ("aux", "auxpass")]
    if not auxes and tok.dep_ == "conj" and tok.head.pos_ in ("VERB", "AUX"):
        # "will fly to Paris and meet Macron on Friday": a conjoined verb shares the auxiliary
        auxes = [c for c in tok.head.children if c.dep_ in ("aux", "auxpass")]
    if any(a.lower_ in lx.future_aux for a in auxes):
        if any(a.lemma_ == "have" for a in auxes):
            return None  # "would have met on Friday", "will have left by Monday"
        return "future"
    if any(a.lower_ == "to" for a in auxes) or tok.dep_ == "xcomp":
        head = tok.head
        if head.lemma_.lower() in lx.future_heads or head.lower_ in lx.future_heads:
            # "is due to expire Friday": future; "had been due to expire Friday": unknown
            return None if _past_marked(head, lx) else "future"
        if head.lemma_.lower() in lx.prospective_heads:
            # "threatened to strike on Friday", "vowed to return next month": the act
            # comes after the threat or promise, which is recent news
            return "future"
        if head.pos_ in ("NOUN", "PROPN") and head.head.pos_ in ("VERB", "AUX"):
            head = head.head  # "announced an agreement to acquire the bank in January"
        hauxes = [c for c in head.children if c.dep_ in ("aux", "auxpass")]
        if any(a.lower_ in lx.future_aux for a in hauxes):
            return "future"
        if head.tag_ in lx.past_tags:
            return "past"
        return None
    if any(a.tag_ == "VBD" for a in auxes):
        return "past"  # "was killed", "did meet", "had said"
    if tok.tag_ == "VBN" and any(a.tag_ in ("VBZ", "VBP") and a.dep_ == "auxpass" for a in auxes):
        # present passive: "is expected in December" (future), "is held on Fridays" (none)
        return "future" if tok.lemma_.lower() in lx.future_heads else None
    if tok.tag_ in lx.past_tags:
        return "past"
    if tok.tag_ == "VBG" and any(a.lower_ in ("is", "are", "'s", "'re", "am") for a in auxes):
        return "future"  # "is meeting on Thursday"
    return None


def _past_marked(tok: Token, lx: Lexicon) -> bool:
    """A verb (or predicate adjective) in the past: "was scheduled", "had been due"."""
    if tok.tag_ == "VBD":
        return True
    kids = [c for c in tok.children if c.dep_ in ("aux", "auxpass", "cop")]
    if any(c.tag_ == "VBD" for c in kids):
        return True
    if tok.dep_ in ("acomp", "attr") and tok.head.pos_ in ("AUX", "VERB"):
        return _past_marked(tok.head, lx)
    return False


def _is_age(doc: Doc, start: int, end: int, lx: Lexicon) -> bool:
    """ "64-year-old", "23 years old", "aged 64" are ages, not times."""
    text = _doc_text(doc)
    after = _alt(lx.age_after)
    if re.search(rf"\b{after}\b", text[start:end], re.I):
        return True
    if re.match(rf"[\s-]*{after}\b", text[end : end + 16], re.I):
        return True
    return bool(re.search(rf"\b{_alt(lx.age_before)}\s*$", text[max(0, start - 20) : start], re.I))


def _ambiguous_word_ok(doc: Doc, start: int, end: int, lx: Lexicon) -> bool:
    """Reject "may" the modal, "march" the verb, "sat" ... when the span is only that word."""
    text = _doc_text(doc)[start:end]
    low = text.lower().rstrip(".")
    words = re.findall(r"[a-z]+", text.lower())
    if not words or re.search(r"\d", text):
        return True  # "May 3", "March 2020": the number settles it
    if low in lx.ambiguous_months or (len(words) == 1 and words[0] in lx.ambiguous_months):
        if not text[:1].isupper():
            return False
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            return False
        tok = span[0]
        if tok.tag_ == "MD" or tok.pos_ in ("VERB", "AUX"):
            return False
        if tok.is_sent_start and tok.tag_ != "NNP":
            return False
    return True


@dataclass
class _Candidate:
    start: int
    end: int
    parts: list[tuple[int, int]]  # the merged pieces, in order


def _set_word_ok(doc: Doc, start: int, end: int, lx: Lexicon) -> bool:
    """ "daily", "quarterly" are sets only as adverbs ("meets daily", not "a quarterly
    dividend"); "current", "recent" are times only as adjectives."""
    word = _doc_text(doc)[start:end].lower()
    if word in lx.set_words:
        pos = "ADV"
    elif word in lx.adjective_only:
        pos = "ADJ"
    else:
        return True
    span = doc.char_span(start, end, alignment_mode="expand")
    return span is not None and len(span) == 1 and span[0].pos_ == pos


def _candidates(doc: Doc, lx: Lexicon) -> list[_Candidate]:
    spans: list[tuple[int, int]] = []
    for ent in _doc_ents(doc):
        if ent.label_ in ("DATE", "TIME"):
            spans.append((ent.start_char, ent.end_char))
    for m in lx.patterns.candidate.finditer(_doc_text(doc)):
        if _set_word_ok(doc, m.start(), m.end(), lx):
            spans.append((m.start(), m.end()))
    spans = [_trim(_doc_text(doc), s, e) for s, e in spans]
    spans = sorted({(s, e) for s, e in spans if e > s})
    merged: list[_Candidate] = []
    for s, e in spans:
        if merged:
            prev = merged[-1]
            gap = _doc_text(doc)[prev.end : s] if s >= prev.end else ""
            if s < prev.end:
                if e > prev.end:
                    ls, le = prev.parts[-1]
                    prev.parts[-1] = (min(ls, s), max(le, e))
                    prev.end = e
                continue
            if _joinable(_doc_text(doc), prev, gap, s, e, lx):
                prev.parts.append((s, e))
                prev.end = e
                continue
        merged.append(_Candidate(s, e, [(s, e)]))
    return merged


def _joinable(text: str, prev: _Candidate, gap: str, s: int, e: int, lx: Lexicon) -> bool:
    """Glue touching pieces: "Monday" + "night", "5 p.m. EST" + ", Nov. 6"."""
    if "\n" in gap or len(gap) > 3:
        return False
    if gap == "" or gap.isspace():
        return True
    if gap.strip() == ",":
        left = _clean(text[prev.start : prev.end], lx)
        right = _clean(text[s:e], lx)
        clockish = bool(lx.patterns.clock.search(left)) and bool(re.search(r"am|pm|:\d\d", left))
        return (clockish or left in lx.weekdays) and bool(re.search(r"\d", right))
    return False


_LEAD = re.compile(
    r"^(?:(?:in|on|at(?!\s+(?:least|most))|by|since|until|till|from|during|for|of|between|before|after|through|within|following)\s+)+",
    re.I,
)


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    """Strip leading prepositions, surrounding punctuation and a trailing possessive."""
    seg = text[s:e]
    m = _LEAD.match(seg)
    if m and m.end() < len(seg):
        s += m.end()
    while s < e and (text[s].isspace() or text[s] in ",;:()\"'-–—"):
        s += 1
    art = re.match(r"an?\s+([\w]+)", text[s:e], re.I)
    if art:
        nxt = art.group(1).lower()
        lx = load_lexicon()
        if nxt[:1].isdigit() or (nxt in lx.numbers and lx.numbers[nxt] >= 2):
            s += art.start(1)
    changed = True
    while changed and e > s:
        changed = False
        if text[e - 1].isspace() or text[e - 1] in ",;:()\"'-–—":
            e -= 1
            changed = True
        elif text[s:e].lower().endswith(("'s", "’s")):
            e -= 2
            changed = True
    if e > s and text[e - 1] == ".":
        last = re.search(r"(\w+)\.$", text[s:e])
        word = last.group(1).lower() if last else ""
        lx = load_lexicon()
        abbrev = word in lx.abbreviations
        if not (abbrev or re.search(r"\b[a-z]\.[a-z]\.$", text[s:e], re.I)):
            e -= 1
    return s, e


def _split_points(text: str, s: int, e: int, lx: Lexicon) -> list[list[tuple[int, int]]]:
    """Ways to cut ``[s, e)`` in two at a connector ("Monday to Friday", "the year ended March 31")."""
    seg = text[s:e]
    words = sorted(lx.split_words, key=len, reverse=True)
    alt = "|".join(
        rf"\b{re.escape(w)}\b"
        if w[0].isalpha()
        else rf"(?<=\d){re.escape(w)}(?=\d)|\s{re.escape(w)}\s"
        for w in words
    )
    out = []
    for m in re.finditer(rf"\s*(?:{alt})\s*", seg, re.I):
        if m.start() == 0 or m.end() >= len(seg):
            continue
        left = _trim(text, s, s + m.start())
        right = _trim(text, s + m.end(), e)
        if left[1] > left[0] and right[1] > right[0]:
            out.append([left, right])
    return out


def find_times(
    doc: Doc | None, pubdate: date | None = None, *, refs: bool = True
) -> list[record.Time]:
    """Every temporal expression of ``doc``, normalized against ``pubdate``.

    ``refs=True`` gives vague expressions TIMEX3's ``PRESENT_REF`` / ``PAST_REF``
    / ``FUTURE_REF`` values instead of None. Bad input gives ``[]``, never an
    exception.
    """
    if not isinstance(doc, Doc) or not len(doc):
        return []
    try:
        lx = load_lexicon()
    except DataFileError:
        log.exception("times lexicon unavailable")
        return []
    token = _DOC_CACHE.set((doc, text_of(doc), tuple(doc.ents)))
    try:
        return _find_times(doc, pubdate, refs, lx)
    finally:
        _DOC_CACHE.reset(token)


#: Without a publication date, the first explicit full date within this many characters
#: of the start (a dateline, a page timestamp, the lead's "on July 9, 2015") stands in for
#: it, as annotators resolve relative dates against absolute dates printed in the text.
TEXT_DATE_CHARS = 400


def _find_times(doc: Doc, pubdate: date | None, refs: bool, lx: Lexicon) -> list[record.Time]:
    pub = valid_pubdate(pubdate)
    try:
        cands = _candidates(doc, lx)
    except Exception:
        log.exception("time candidate search failed")
        return []
    out = _normalize_all(doc, cands, pub, refs, lx)
    if pub is None:
        # no publication date: relative times count from the date the page prints first
        first = next(
            (t for t in out if t.value and t.span[0] < TEXT_DATE_CHARS and _full_date(t.value)),
            None,
        )
        anchor = (
            date.fromisoformat(first.value[:10])
            if first is not None and first.value
            else _page_stamp_date(doc)
        )
        if anchor is not None:
            out = _normalize_all(doc, cands, anchor, refs, lx)
    return out


#: a written full date inside a page time stamp ("Published on July 25, 2005", "Updated
#: 2005-07-25 10:30"): ISO, "Month D, YYYY" or "D Month YYYY" (dateparser checks the words)
_STAMP_DATE = re.compile(
    r"\b(?:\d{4}-\d{2}-\d{2}|[A-Z][a-z]{2,8}\.? \d{1,2},? \d{4}|\d{1,2} [A-Z][a-z]{2,8}\.? \d{4})\b"
)


def _page_stamp_date(doc: Doc) -> date | None:
    """The date of a page time stamp near the start that cleaning marked as page furniture
    (and so hid from the parser): annotators resolve relative dates against it too."""
    from .read import parse_date

    article = doc._.article
    text = getattr(article, "text", None)
    if not isinstance(text, str):
        return None
    for seg in doc._.segments or []:
        if seg.kind != "boilerplate" or seg.span[0] >= TEXT_DATE_CHARS:
            continue
        for m in _STAMP_DATE.finditer(text[seg.span[0] : seg.span[1]]):
            try:
                found = parse_date(m.group(0))
            except ValueError:
                continue
            if found is not None and valid_pubdate(found) is not None:
                return found
    return None


def _full_date(value: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}(?:T.*)?", value):
        return False
    try:
        return valid_pubdate(date.fromisoformat(value[:10])) is not None
    except ValueError:
        return False


def _normalize_all(
    doc: Doc, cands: list[_Candidate], pub: date | None, refs: bool, lx: Lexicon
) -> list[record.Time]:
    out: list[record.Time] = []
    for cand in cands:
        try:
            out.extend(_resolve(doc, cand, pub, refs, lx))
        except Exception:
            log.exception("time normalization failed at [%d, %d)", cand.start, cand.end)
    out.sort(key=lambda t: t.span)
    try:
        _anchor_clock_times(doc, out, pub)
        _align_year_offsets(doc, out, pub, lx)
        _anchor_narrative_offsets(out, pub, lx)
    except Exception:
        log.exception("time anchoring failed")
    return out


def _sent_bounds(doc: Doc, pos: int) -> tuple[int, int]:
    """Character bounds of the sentence holding ``pos`` (the whole text without a parse)."""
    if doc.has_annotation("SENT_START") or doc.has_annotation("DEP"):
        tok = doc.char_span(pos, pos + 1, alignment_mode="expand")
        if tok is not None and len(tok):
            sent = sentence_of(tok[0])
            return sent.start_char, sent.end_char
    return 0, len(_doc_text(doc))


#: How far back (characters) a year offset looks for the period it compares with.
YEAR_OFFSET_CONTEXT = 300

_PERIOD_VALUE = re.compile(r"(\d{4})(-(?:Q[1-4]|H[12]|\d{2}))")


def _align_year_offsets(doc: Doc, times: list[record.Time], pub: date | None, lx: Lexicon) -> None:
    """A year offset compares like with like: in "third-quarter profit rose from a year
    earlier" the year earlier is the third quarter of the previous year. A year-precision
    value from "a year ago/earlier", "last year" takes the quarter, half or month of the
    closest such time before it in the same sentence."""
    if pub is None:
        return
    aligned: set[int] = set()
    for i, t in enumerate(times):
        if t.type != "DATE" or not t.value or not re.fullmatch(r"\d{4}", t.value):
            continue
        words = set(_clean(t.text, lx).split())
        if ("year" not in words and "years" not in words) or not words & set(lx.offset_past):
            continue
        sent_start = _sent_bounds(doc, t.span[0])[0]
        ref = None
        # the closest period before it in the sentence, else in the text just before
        window = max(0, min(sent_start, t.span[0] - YEAR_OFFSET_CONTEXT))
        for k, o in enumerate(times[:i]):
            if k in aligned:
                continue  # compare with a period the text names, not with another offset
            if o.value and window <= o.span[0] and o.type == "DATE":
                m = _PERIOD_VALUE.fullmatch(o.value)
                if m:
                    ref = m
        if ref is not None and pub is not None:
            back = pub.year - int(t.value)  # "a year earlier" = 1, "two years ago" = 2
            year = int(ref.group(1)) - back
            times[i] = t.model_copy(update={"value": f"{year:04d}{ref.group(2)}"})
            aligned.add(i)


_DAY_VALUE = re.compile(r"\d{4}-\d{2}-\d{2}")

#: How far back (characters) a story-relative expression ("three days later", "the next
#: day") looks for the day it counts from.
NARRATIVE_ANCHOR_CONTEXT = 1500


def _narrative_step(text: str, lx: Lexicon) -> tuple[float, str] | None:
    """(signed amount, unit) of an expression counted from a time in the story: "three
    days later" (3, D), "a full day earlier" (-1, D), "hours later" (0, TH), "the next
    day" (1, D), "that day" (0, D); None for anything else."""
    s = _clean(text, lx)
    s = re.sub(r"^(?:not|just|only|some|about|nearly|almost|barely) ", "", s)
    if s in lx.narrative_days:
        return float(lx.narrative_days[s]), "D"
    words = [w for w in lx.narrative_offsets if w not in lx.relation_words] + ["earlier"]
    m = re.fullmatch(rf"(?:the )?(?:(.+?) )?(\S+) ({_alt(words)})", s)
    if not m:
        return None
    unit = _unit(m.group(2), lx)
    if unit not in lx.narrative_anchor_units:
        return None
    qty = (m.group(1) or "").split()
    while qty and qty[-1] in lx.unit_adjectives:
        qty.pop()  # "a full day later"
    if not qty:
        if not m.group(2).endswith("s") or not unit.startswith("T"):
            return None
        n: float | None = 0.0  # "hours later": the same day
    else:
        n = _number(" ".join(qty), lx)
        if n is None:
            return (
                (0.0, unit) if unit.startswith("T") and " ".join(qty) in lx.vague_numbers else None
            )
    sign = -1 if m.group(3) in ("earlier", "before") else 1
    return sign * (n or 0.0), unit


def _anchor_narrative_offsets(times: list[record.Time], pub: date | None, lx: Lexicon) -> None:
    """Story-relative expressions count from the last day the text named before them, not
    from the publication date: "... on Friday. Three days later, they withdrew" → Monday;
    "A day earlier" → the day before that day. A day after the publication date is no
    anchor for a past narrative; with no anchor the value is left as it was."""
    for i, t in enumerate(times):
        step = _narrative_step(t.text, lx)
        if step is None:
            continue
        anchor: date | None = None
        for o in reversed(times[:i]):
            if o.span[0] < t.span[0] - NARRATIVE_ANCHOR_CONTEXT:
                break
            if not o.value or not _DAY_VALUE.match(o.value) or _narrative_step(o.text, lx):
                continue
            try:
                day = date.fromisoformat(o.value[:10])
            except ValueError:
                continue
            if pub is not None and day > pub:
                continue  # "ahead of next Tuesday's primary" does not anchor the story
            anchor = day
            break
        if anchor is None:
            continue
        n, unit = step
        days = n * 7 if unit == "W" else n if unit == "D" else 0
        if days != int(days):
            continue
        value = (anchor + timedelta(days=int(days))).isoformat()
        times[i] = t.model_copy(update={"value": value, "type": "DATE"})


def _anchor_clock_times(doc: Doc, times: list[record.Time], pub: date | None) -> None:
    """A clock time with no day of its own ("at 10 a.m.") takes the day of the nearest
    explicit day in its sentence ("on Friday ... at 10 a.m."), else the publication date."""
    if pub is None:
        return
    day = pub.isoformat()
    for i, t in enumerate(times):
        if t.type != "TIME" or not t.value or not t.value.startswith(day + "T"):
            continue
        if normalize(t.text, None, refs=False)[1] is not None or re.search(
            r"\b(?:today|tonight|this)\b", t.text, re.I
        ):
            continue  # the expression names its own day
        ss, se = _sent_bounds(doc, t.span[0])
        best = None
        for o in times:
            if (
                o is t
                or not o.value
                or not _DAY_VALUE.fullmatch(o.value[:10])
                or ("T" in o.value and o.type == "TIME")
            ):
                continue
            if ss <= o.span[0] < se:
                dist = abs(o.span[0] - t.span[0])
                if best is None or dist < best[0]:
                    best = (dist, o.value[:10])
        if best and best[1] != day:
            times[i] = t.model_copy(update={"value": best[1] + t.value[len(day) :]})


def _resolve(
    doc: Doc, cand: _Candidate, pub: date | None, refs: bool, lx: Lexicon
) -> list[record.Time]:
    """Normalize a candidate; if the whole fails, its merged pieces or a split at a connector."""
    whole = _resolve_one(doc, cand.start, cand.end, pub, refs, lx)
    if whole and whole.value is not None:
        return [whole]
    options: list[list[tuple[int, int]]] = []
    if len(cand.parts) > 1:
        options.append(cand.parts)
    options.extend(_split_points(_doc_text(doc), cand.start, cand.end, lx))
    for parts in options:
        results = [_resolve_piece(doc, ps, pe, pub, refs, lx) for ps, pe in parts]
        found = [r for r in results if r is not None]
        resolved = any(r.value is not None for r in found)
        if resolved and (all(r is not None for r in results) or whole is None):
            return found
    piece = _resolve_piece(doc, cand.start, cand.end, pub, refs, lx, whole)
    return [piece] if piece is not None else []


def _resolve_piece(
    doc: Doc,
    start: int,
    end: int,
    pub: date | None,
    refs: bool,
    lx: Lexicon,
    whole: record.Time | None = None,
) -> record.Time | None:
    """One span; if the rules do not know it, the longest inner span, at most two
    non-time words shorter at each edge, that resolves ("its fourth quarter")."""
    if whole is None:
        whole = _resolve_one(doc, start, end, pub, refs, lx)
    if whole is not None and whole.value is not None:
        return whole
    recognized = whole is not None and _recognized(whole.text, pub, lx)
    if not recognized:
        inner = _inner_span(doc, start, end, pub, refs, lx)
        if inner is not None:
            return inner
    if whole is None or not (recognized or _looks_temporal(whole.text, lx)):
        return None
    return whole


def _inner_span(
    doc: Doc, start: int, end: int, pub: date | None, refs: bool, lx: Lexicon
) -> record.Time | None:
    words = [
        (m.start() + start, m.end() + start) for m in re.finditer(r"\S+", _doc_text(doc)[start:end])
    ]
    n = len(words)
    vocab = lx.vocabulary

    def droppable(k: int) -> bool:
        w = re.sub(r"[^\w']", " ", _doc_text(doc)[words[k][0] : words[k][1]].lower()).split()
        return not any(
            x in vocab or x.rstrip("s") in vocab or any(c.isdigit() for c in x) for x in w
        )

    best: record.Time | None = None
    for i in range(min(3, n)):
        if i > 0 and not droppable(i - 1):
            break
        for j in range(n, max(i, n - 3), -1):
            if j < n and not droppable(j):
                break
            if (i, j) == (0, n) or j <= i:
                continue
            s, e = _trim(_doc_text(doc), words[i][0], words[j - 1][1])
            if e <= s:
                continue
            t = _resolve_one(doc, s, e, pub, refs, lx)
            if (
                t is not None
                and t.value is not None
                and (best is None or len(t.text) > len(best.text))
            ):
                best = t
    return best


def _time_vocabulary(lx: Lexicon) -> frozenset[str]:
    """Every word the lexicon knows as part of a time expression."""
    words: set[str] = set()
    for table in (lx.months, lx.weekdays, lx.units, lx.numbers, lx.ordinals, lx.parts_of_day):
        words.update(table)
    for group in (lx.seasons, lx.day_words, lx.refs, lx.set_words, lx.time_words, lx.holidays):
        words.update(group)
    for seq in (
        lx.relative_past,
        lx.relative_next,
        lx.relative_this,
        lx.offset_past,
        lx.offset_future,
    ):
        words.update(seq)
    return frozenset(w for phrase in words for w in phrase.split()) - {"a", "an", "the", "of"}


def _recognized(text: str, pub: date | None, lx: Lexicon) -> bool:
    return normalize(text, pub)[0]


def _resolve_one(
    doc: Doc, s: int, e: int, pub: date | None, refs: bool, lx: Lexicon
) -> record.Time | None:
    text = _doc_text(doc)
    if (
        e <= s
        or (_inside_name(doc, s, e) and not _holiday_event(doc, s, e, lx))
        or _is_age(doc, s, e, lx)
        or not _ambiguous_word_ok(doc, s, e, lx)
        or not _set_word_ok(doc, s, e, lx)
    ):
        return None
    tense = _tense(doc, s, e)
    ok, value, ttype = normalize(text[s:e], pub, tense, refs=refs)
    if not ok:
        if not _looks_temporal(text[s:e], lx):
            return None
        ttype = "TIME" if _is_time_ent(doc, s, e) else "DATE"
    return record.Time(text=text[s:e], span=(s, e), value=value, type=ttype)


#: Entity labels whose words are never times ("USA Today", "the Six-Day War").
_NAME_LABELS = frozenset(
    {"ORG", "PERSON", "WORK_OF_ART", "FAC", "GPE", "LOC", "EVENT", "PRODUCT", "LAW", "NORP"}
)


def _holiday_event(doc: Doc, s: int, e: int, lx: Lexicon) -> bool:
    """A holiday that the parser tags as a name of its own ("the Bastille Day attack":
    EVENT or LOC), not a holiday word inside a longer name ("Christmas Island")."""
    name = re.sub(r" \d{4}$", "", _clean(_doc_text(doc)[s:e], lx))
    if name not in lx.holidays:
        return False
    for ent in _doc_ents(doc):
        if ent.start_char <= s and e <= ent.end_char:
            return re.sub(r"^the ", "", _clean(ent.text, lx)) == _clean(_doc_text(doc)[s:e], lx)
    return False


def _inside_name(doc: Doc, s: int, e: int) -> bool:
    return _name_label(doc, s, e) is not None


def _name_label(doc: Doc, s: int, e: int) -> str | None:
    """The label of the named entity (not a date or time) the span lies inside, else None.

    Entities do not overlap, so only the last one starting at or before ``s`` can hold
    the span: found by bisection over start offsets kept (as plain data) in
    ``doc.user_data``, which keeps this O(log n) per candidate.
    """
    ents = _doc_ents(doc)
    cache = doc.user_data.get(_ENT_KEY)
    if cache is None or cache[0] != len(ents):
        cache = (
            len(ents),
            [ent.start_char for ent in ents],
            [(ent.end_char, ent.label_) for ent in ents],
        )
        doc.user_data[_ENT_KEY] = cache
    _, starts, rest = cache
    k = bisect.bisect_right(starts, s) - 1
    if k < 0:
        return None
    end_char, label = rest[k]
    return str(label) if label in _NAME_LABELS and e <= end_char else None


def _is_time_ent(doc: Doc, s: int, e: int) -> bool:
    return any(
        ent.label_ == "TIME" and ent.start_char <= s < ent.end_char for ent in _doc_ents(doc)
    )


def _looks_temporal(text: str, lx: Lexicon) -> bool:
    """Keep an unparsed candidate only if it holds a clear time word or a year."""
    low = _clean(text, lx)
    words = set(low.split())
    if re.search(r"\b(1\d{3}|2\d{3})s?\b", low):
        return True
    strong = (
        set(lx.weekdays) - lx.ambiguous_weekdays
        | (set(lx.months) - lx.ambiguous_months)
        | set(lx.seasons)
        | set(lx.day_words)
        | set(lx.parts_of_day)
        | {u for u in lx.units if not lx.units[u].startswith("T")}
        | {u + "s" for u in lx.units}
    )
    return bool(words & strong) or low in lx.holidays


# --------------------------------------------------------------------------- linking


def _time_tokens(doc: Doc, t: record.Time, n_chars: int) -> Span | None:
    s, e = t.span
    if not (0 <= s < e <= n_chars):
        return None
    return doc.char_span(s, e, alignment_mode="expand")


def _day_or_finer(t: record.Time) -> bool:
    return bool(t.value and _DAY_VALUE.match(t.value))


def _event_ancestors(trigger: Token, lx: Lexicon, stop: bool = True) -> dict[int, int]:
    """The trigger's heads (token index → steps up), with ``stop`` only up to a
    preposition of temporal relation: in "the email was sent at 7:19 p.m., three hours
    after the attack" the attack is not at the time of "sent" (a year or a month still
    holds both: "in 2012 she was arrested after entering the venue")."""
    ancestors: dict[int, int] = {}
    tok = trigger
    for steps in range(1, 40):
        if tok.head.i == tok.i:
            break
        if stop and tok is not trigger and tok.lower_ in lx.relation_words and tok.dep_ == "prep":
            break
        tok = tok.head
        ancestors.setdefault(tok.i, steps)
    return ancestors


def _relation_word(tok: Token, span: Span, lx: Lexicon) -> bool:
    """A preposition of temporal relation on the way up from a time ("ahead of Tuesday's
    primary", "after Friday's attack"): the time dates the noun it introduces, and an
    event above it happened before or after, not then."""
    if span.start <= tok.i < span.end or tok.lower_ not in lx.relation_words:
        return False
    return tok.dep_ in ("prep", "advmod", "mark") and tok.i < span.start


def governed_elsewhere(trigger: Token, time: record.Time) -> bool:
    """True when ``time`` belongs to another clause than the event ``trigger``: its
    governing verb is neither the trigger nor above it ("deployed where rebels had hid
    in 1992", "pledged to join protests this summer"), or a preposition of temporal
    relation puts it on another event ("ahead of Tuesday's primary")."""
    if not isinstance(trigger, Token) or not isinstance(time, record.Time):
        return False
    lx = load_lexicon()
    doc = trigger.doc
    span = _time_tokens(doc, time, len(text_of(doc)))
    if span is None or len(span) == 0:
        return False
    above = set(_event_ancestors(trigger, lx, _day_or_finer(time)))
    cur = span.root
    for steps in range(40):
        if cur.i == trigger.i:
            return False
        if _relation_word(cur, span, lx):
            return True
        if steps > 0 and cur.pos_ in ("VERB", "AUX") and not (span.start <= cur.i < span.end):
            # a subordinate clause of its own; a participle ("held on Friday") attaches
            # too loosely in the parse to tell
            if cur.i in above:
                return False
            if any(a.i == cur.i for a in trigger.ancestors):
                return True  # above a temporal relation: "sent at 7:19, hours after the attack"
            return _own_clause(cur) and not _describes(cur, trigger)
        if cur.head.i == cur.i:
            return False
        cur = cur.head
    return False


def _own_clause(verb: Token) -> bool:
    """A subordinate clause with its own event: relative and complement clauses, an
    infinitive ("to join protests this summer"), a clause with a subject or a finite verb,
    a gerund after a preposition ("from entering the city on Friday"); not a bare
    participle that dates the main clause ("beginning on July 9")."""
    if verb.dep_ in ("relcl", "ccomp", "pcomp"):
        return True
    if verb.dep_ not in ("xcomp", "advcl"):
        return False
    kids = list(verb.children)
    return (
        verb.tag_ in ("VBD", "VBZ", "VBP", "MD")
        or any(c.dep_ in ("nsubj", "nsubjpass", "mark") for c in kids)
        or any(c.dep_ == "aux" and c.lower_ == "to" for c in kids)
    )


def _describes(verb: Token, noun: Token) -> bool:
    """A participle or relative clause on the event noun: "a meeting held on Friday",
    "the attack, which happened on Friday"."""
    return verb.head.i == noun.i and verb.dep_ in ("acl", "relcl") and verb.i != noun.i


def linked_time(trigger: Token, times: list[record.Time]) -> record.Time | None:
    """The time expression syntactically attached to an event ``trigger``.

    Rule: only times in the trigger's sentence count. From each time's root
    token we climb the head chain until we meet the trigger or a verb (the
    time's *governor*). A time governed by the trigger itself (directly, or
    through nouns and prepositions: "killed ... on Friday", "the attack on
    Friday", "killed in Friday's attack") ranks first. Otherwise, if the
    governor is an ancestor of the trigger (the trigger's clause hangs off it:
    "adopted a resolution on Sunday calling on ..."), the time ranks by how many
    steps the trigger climbs to reach it; times governed by verbs in other
    clauses that are not above the trigger are never taken. Ties go to the time
    nearest in characters. Returns None when nothing qualifies.
    """
    if not isinstance(trigger, Token) or not times:
        return None
    lx = load_lexicon()
    doc = trigger.doc
    n_chars = len(text_of(doc))
    sent_start, sent_end = _sent_bounds(doc, trigger.idx)
    near = _event_ancestors(trigger, lx)
    far = _event_ancestors(trigger, lx, False)
    best: tuple[tuple[int, int, int], record.Time] | None = None
    for t in times:
        if not isinstance(t, record.Time):
            continue
        span = _time_tokens(doc, t, n_chars)
        if span is None or len(span) == 0:
            continue
        if not (sent_start <= span.start_char and span.end_char <= sent_end):
            continue
        if span.start <= trigger.i < span.end:
            continue
        rank: tuple[int, int, int] | None = None
        ancestors = near if _day_or_finer(t) else far
        cur = span.root
        for steps in range(40):
            if cur.i == trigger.i:
                rank = (0, steps, 0)
                break
            if _relation_word(cur, span, lx):
                break  # "gathered ahead of next Tuesday's primary": the primary's date
            if steps > 0 and cur.pos_ in ("VERB", "AUX") and not (span.start <= cur.i < span.end):
                if _describes(cur, trigger):
                    rank = (0, steps, 0)  # "a meeting held on Friday"
                elif cur.i in ancestors:
                    rank = (1, ancestors[cur.i], 0)
                break
            if cur.head.i == cur.i:
                if cur.i in ancestors:
                    rank = (1, ancestors[cur.i], 0)
                break
            cur = cur.head
        if rank is None:
            continue
        dist = min(abs(span.start_char - trigger.idx), abs(span.end_char - trigger.idx))
        key = (rank[0], rank[1], dist)
        if best is None or key < best[0]:
            best = (key, t)
    return best[1] if best else None


def is_explicit(time: record.Time) -> bool:
    """True when the expression fixes its value without the publication date
    ("January 3, 2020", "2019"), False for relative ones ("Friday", "last week").
    Events use it for ``date_source`` ("explicit" or "relative")."""
    if not isinstance(time, record.Time) or time.value is None:
        return False
    if _narrative_step(time.text, load_lexicon()) is not None:
        return False  # "three days later": counted from another time of the story
    return normalize(time.text, None, refs=False)[1] is not None


# --------------------------------------------------------------------------- pipeline


@Language.factory("eventwire_times", default_config={"refs": True})
def make_times_component(nlp: Language, name: str, refs: bool) -> TimesComponent:
    """spaCy factory of the times stage (sets ``doc._.times``)."""
    return TimesComponent(refs=refs)


class TimesComponent:
    """Sets ``doc._.times`` from the entities and ``doc._.article.date``."""

    def __init__(self, refs: bool = True) -> None:
        register_extensions()
        self.refs = refs

    def __call__(self, doc: Doc) -> Doc:
        article = getattr(doc._, "article", None)
        pub = getattr(article, "date", None)
        doc._.times = find_times(doc, pub, refs=self.refs)
        return doc


def add_to_pipeline(nlp: Language, config: dict[str, Any] | None = None) -> None:
    """Add the ``eventwire_times`` stage at the end of ``nlp`` (once).

    ``config`` may hold ``{"times": {"refs": bool}}`` (or ``{"refs": bool}``).
    """
    register_extensions()
    if "eventwire_times" in nlp.pipe_names:
        return
    cfg = dict(config or {})
    sub = cfg.get("times", cfg)
    refs = bool(sub.get("refs", True)) if isinstance(sub, dict) else True
    nlp.add_pipe("eventwire_times", last=True, config={"refs": refs})
