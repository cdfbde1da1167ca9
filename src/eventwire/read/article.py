"""The unit every reader produces, and publication-date parsing."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..record import Segment

#: Publication dates outside this range are treated as invalid.
MIN_YEAR = 1900
MAX_FUTURE_DAYS = 366

_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.+\-Z]*)?\s*$")


@dataclass
class ArticleInput:
    """One article as read, before analysis.

    ``text`` is what the record stores and every span points into. ``segments``
    holds parts a reader already knows are not body (a metadata header).
    """

    text: str
    id: str
    date: dt.date | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None
    origin: str = "<input>"
    language: str | None = None
    segments: list[Segment] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def parse_date(value: object, *, today: dt.date | None = None) -> dt.date | None:
    """Parse a publication date given as a string, date or datetime.

    ISO dates are parsed directly; other common news formats ("Jan. 6, 2020",
    "6 January 2020", "2020/01/06") go through ``dateparser``. Returns ``None``
    for anything that is not a plausible publication date (impossible dates,
    before 1900 or more than a year in the future). Raises ``ValueError`` with
    a readable message so that readers can name the record.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        result = value.date()
    elif isinstance(value, dt.date):
        result = value
    else:
        text = str(value).strip()
        if not text:
            return None
        m = _ISO.match(text)
        if m:
            try:
                result = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError as exc:
                raise ValueError(f"invalid date {text!r} ({exc})") from None
        else:
            import dateparser

            parsed = dateparser.parse(
                text,
                languages=["en"],
                settings={"STRICT_PARSING": True, "PREFER_DAY_OF_MONTH": "first"},
            )
            if parsed is None:
                raise ValueError(f"invalid date {text!r}")
            result = parsed.date()
    today = today or dt.date.today()
    if result.year < MIN_YEAR or result > today + dt.timedelta(days=MAX_FUTURE_DAYS):
        raise ValueError(f"implausible publication date {result.isoformat()}")
    return result


_SURROGATE = re.compile("[\ud800-\udfff]")


def replace_surrogates(value: str) -> tuple[str, int]:
    """``value`` with each lone surrogate code point replaced by U+FFFD, and how many.

    A Python string holds one only from a malformed source (a JSON ``\\ud800`` escape
    without its pair); UTF-8 cannot encode it, so every writer would fail. The
    length is kept, so character offsets into the text stay valid.
    """
    if not _SURROGATE.search(value):
        return value, 0
    return _SURROGATE.subn("\ufffd", value)
