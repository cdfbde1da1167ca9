"""Cleaning: find the parts of a text that are not article body, and build the
analysis copy that spaCy reads.

Nothing is deleted. :func:`find_segments` marks scraper junk (``boilerplate``),
photo credits (``credit``), photo captions (``caption``) and the ``dateline``
as :class:`~eventwire.record.Segment` spans of the stored text. Page furniture is
marked too, whole lines and inside lines: lists of links to other articles (after a
"Related" heading, or a run of short title-case lines), "Read more: <headline>",
newsletter and social prompts, bare URLs and slugs, photo credits and video
promotions, bylines and time stamps, and a headline or subheading glued to the
sentence that follows it (``inline.tsv``, ``list_headings.txt``).
:func:`analysis_text` then derives the copy the parser reads: junk and
credits blanked with spaces of the same length, the dateline closed with a
full stop so that it does not run into the first sentence, non-breaking spaces
made plain (a junk span inside a line that runs into a new sentence ends with a full
stop, so that the text around it is not read as one sentence), mojibake repaired in
place ("â€œ" read as "“"), a run of more than
:data:`MAX_SYMBOL_RUN` symbols broken by spaces (the tokenizer's time grows with the
square of such a run), and glued sentences ("in Syria.The") split by an inserted space.
:class:`TextMap` maps any span of that copy back to the stored text.

The patterns are data (``data/clean/*.txt``), not code.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .record import Segment

_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_CAPWORD = r"[A-Z][A-Z'’.\-]+"
_PLACEWORD = r"[A-Z][A-Za-z'’.\-]+"
#: "BAGHDAD / DUBAI –", "NAIROBI, Kenya (AP) —", "KYIV, March 3 (Reuters) -", "GENEVA:"
DATELINE = re.compile(
    rf"(?P<places>{_CAPWORD}(?:[ ]{_CAPWORD})*(?:[ ]*(?:/|,|&|and)[ ]*{_PLACEWORD}(?:[ ]{_PLACEWORD})*)*)"
    rf"(?P<date>,?[ ]+{_MONTHS}\.?[ ]+\d{{1,2}}(?:,[ ]*\d{{4}})?)?"
    r"(?P<agency>[ ]*\([^()\n]{1,40}\))?"
    r"[ ]*(?P<dash>--|[-–—:])[ ]+(?=\S)"
)
#: "in Syria.The" -> a space is inserted after the full stop.
_GLUED = re.compile(r"(?<=[a-z]{2}[.!?])(?=[A-Z][a-z])")
#: A headline glued to the body by a scraper ("... in SyriaThe desert", "PrioritiesLONDON —"):
#: a full stop and a space are inserted.
_GLUED_TITLE = re.compile(
    r"(?<=[a-z]{3})(?=(?:The|A|An|In|On|At|It|He|She|They|This|Police|When|After|As|According|"
    # possessive: "[A-Z ,./]*\s*" backtracked over a long run of spaces (quadratic)
    r"Officials|Two|Three|Several|Hundreds|Thousands)\s|[A-Z]{3,}[A-Z ,./]*+\s*[—–-]\s)"
)
#: a lower-case dateline as in "baroda: curfew was clamped ..." (at most three words)
LOWER_DATELINE = re.compile(
    r"(?P<places>[a-z][a-z'.\-]+(?: [a-z][a-z'.\-]+){0,2})[ ]?(?P<dash>:)[ ]+(?=\S)"
)
#: a dateline right after a glued headline ("...PrioritiesLONDON —\xa0For ...")
GLUED_DATELINE = re.compile(
    rf"(?<=[a-z])(?P<places>{_CAPWORD}(?:[ ]{_CAPWORD})*)(?P<agency>[ ]*\([^()\n]{{1,40}}\))?"
    r"[ \xa0]*(?P<dash>--|[-–—])[ \xa0]+(?=\S)"
)
_NOT_DATELINE = {
    "note",
    "update",
    "updated",
    "editor's note",
    "warning",
    "breaking",
    "exclusive",
    "analysis",
    "opinion",
    "watch",
    "live",
    "read",
    "related",
    "photo",
    "video",
    "comment",
}
_PHOTO_CREDIT = re.compile(r"^(?:photos?|pictures?|images?)(?: credit)?\s*:\s*\S.*$", re.I)
#: Longest run of symbols (no letter, digit or space) the parser reads unbroken.
MAX_SYMBOL_RUN = 50
_SYMBOL_RUN = re.compile(rf"(?:[^\w\s]|_){{{MAX_SYMBOL_RUN + 1},}}")
#: Longest line tested against the boilerplate patterns, and longest paragraph tested
#: against the caption markers: junk lines and captions are short, and some patterns
#: (``.*newsletter.*``) take time quadratic in the length of a line that does not match.
MAX_JUNK_LINE = 300
MAX_CAPTION_CHARS = 1000
_NAME_WORDS = re.compile(
    r"^(?:[A-Z][\w.'’\-]*)(?:\s+(?:[A-Z][\w.'’\-]*|de|da|van|von|al|bin|el|la|le))*$"
)


def _read_lines(name: str) -> list[str]:
    path = resources.files("eventwire.data").joinpath("clean", name)
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        s = line.strip()
        if s and not s.startswith("#"):
            lines.append(s)
    return lines


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], list[re.Pattern[str]]]:
    boiler = re.compile(r"^(?:" + "|".join(_read_lines("boilerplate.txt")) + r")[.!:]?$", re.I)
    agencies = sorted(_read_lines("agencies.txt"), key=len, reverse=True)
    agency = re.compile(
        r"^(?:" + "|".join(re.escape(a) for a in agencies) + r")(?:\s+(?:via|for|/)\s+.+)?$", re.I
    )
    captions = [
        re.compile(p, re.I if not re.search(r"\[A-Z\]", p) else 0)
        for p in _read_lines("caption_markers.txt")
    ]
    return boiler, agency, captions


@dataclass(frozen=True)
class _InlineRule:
    kind: str
    extent: str  # match | headline | name | rest | stamp (see inline.tsv)
    max_words: int
    pattern: re.Pattern[str]


_EXTENTS = ("match", "headline", "name", "rest", "stamp")
#: what a time stamp must hold: a time of day, a month or a year ("Updated 9" is not one)
_STAMP_CORE = re.compile(
    r"\d[:.]\d\d|\d ?[AaPp]\.?[Mm]\b|\b(?:19|20)\d\d\b|"
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b"
)
_KINDS = ("boilerplate", "credit", "caption")


@lru_cache(maxsize=1)
def _inline_rules() -> tuple[_InlineRule, ...]:
    """``data/clean/inline.tsv``: page furniture inside a line (see the file's header)."""
    rules = []
    for n, line in enumerate(_read_lines("inline.tsv"), 1):
        parts = line.split("\t")
        if len(parts) != 4 or parts[0] not in _KINDS or parts[1] not in _EXTENTS:
            raise ValueError(f"data/clean/inline.tsv: bad row {n}: {line!r}")
        rules.append(_InlineRule(parts[0], parts[1], int(parts[2]), re.compile(parts[3], re.M)))
    return tuple(rules)


@lru_cache(maxsize=1)
def _list_heading() -> re.Pattern[str]:
    return re.compile(r"^(?:" + "|".join(_read_lines("list_headings.txt")) + r")\s*[:»›>]?$", re.I)


@lru_cache(maxsize=1)
def _headline_ends() -> re.Pattern[str]:
    """Where a headline taken after a marker ends (see :func:`_headline_end`)."""
    starts = "|".join(re.escape(w) for w in sorted(set(_read_lines("sentence_starts.txt"))))
    return re.compile(
        r"(?P<stop>[.?!][\"”’)]*(?=\s|$)|(?<=[a-z0-9]{2})[.?!](?=[A-Z]))"  # "2017.At"
        r"|(?P<quote>\s[“\"])"  # an opening quotation mark
        r"|(?P<bracket>\[[^\]\n]{0,40}\])"  # "[archive]"
        r"|(?P<glued>(?<=[a-z0-9]{3})(?=[A-Z][a-z]))"  # "suicidePolice", "1990sWhen"
        rf"|(?P<runon>(?<=[a-z0-9]) (?=(?:{starts}) ))"  # "poisoning The Foreign Ministry"
    )


_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


@lru_cache(maxsize=1)
def _mojibake() -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """``data/clean/mojibake.tsv``: sequence → the character meant (padded to length)."""
    table: dict[str, str] = {}
    path = resources.files("eventwire.data").joinpath("clean", "mojibake.tsv")
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or "\t" not in line:
            continue
        seq, meant = (
            _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), x) for x in line.split("\t")[:2]
        )
        if seq and len(meant) <= len(seq):
            table[seq] = meant + " " * (len(seq) - len(meant))
    if not table:
        return None, {}
    keys = sorted(table, key=len, reverse=True)
    return re.compile("|".join(re.escape(k) for k in keys)), table


@dataclass(frozen=True)
class _Line:
    start: int
    end: int  # end of the stripped content
    text: str  # stripped content


def _lines(text: str) -> list[_Line]:
    out = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        content = raw.rstrip("\r\n")
        stripped = content.strip()
        if stripped:
            lead = len(content) - len(content.lstrip())
            out.append(_Line(pos + lead, pos + lead + len(stripped), stripped))
        pos += len(raw)
    return out


def _is_agency(line: str) -> bool:
    return bool(_patterns()[1].match(line))


def _looks_like_agency(line: str) -> bool:
    """A short title-case line with no sentence punctuation ("Asia Lens Photo") right after
    an open credit ("Name /"): an agency we do not list."""
    words = line.split()
    return (
        0 < len(words) <= 5
        and not line.rstrip().endswith((".", "?", "!", ":", ","))
        and all(w[0].isupper() or not w[0].isalpha() for w in words)
    )


def _credit_kind(line: str) -> str | None:
    """'full' for a whole credit line, 'open' for "Name /" awaiting an agency line."""
    if len(line) > 90:
        return None
    if _PHOTO_CREDIT.match(line):
        return "full"
    if "/" in line and len(line.split()) <= 10:
        left, _, right = line.rpartition("/")
        left, right = left.strip(), right.strip()
        if left and _NAME_WORDS.match(left) and len(left.split()) <= 5:
            if not right:
                return "open"
            if _is_agency(right):
                return "full"
        if not left and right and _is_agency(right):
            return "full"
    return None


def find_segments(text: str, known: list[Segment] | None = None) -> list[Segment]:
    """Mark the non-body parts of ``text`` (spans into ``text``)."""
    boiler, _, caption_res = _patterns()
    segments: list[Segment] = list(known or [])
    marked = _Intervals(seg.span for seg in segments)

    def add(seg: Segment) -> None:
        segments.append(seg)
        marked.add(*seg.span)

    def covered(s: int, e: int) -> bool:
        """Whether every non-space character of ``text[s:e]`` lies in a segment."""
        return marked.covers_text(text, s, e)

    lines = _lines(text)
    i = 0
    while i < len(lines):
        ln = lines[i]
        if covered(ln.start, ln.end):
            i += 1
            continue
        if len(ln.text) <= MAX_JUNK_LINE and (
            boiler.match(ln.text) or _list_heading().match(ln.text)
        ):
            add(Segment(span=(ln.start, ln.end), kind="boilerplate"))
            i += 1
            if _list_heading().match(ln.text):
                # the list of links under a "Related" heading
                while i < len(lines) and _is_list_item(lines[i].text, titled=False):
                    if not covered(lines[i].start, lines[i].end):
                        add(Segment(span=(lines[i].start, lines[i].end), kind="boilerplate"))
                    i += 1
            continue
        run = _title_run(lines, i)
        if run >= MIN_TITLE_RUN:
            for ln2 in lines[i : i + run]:
                if not covered(ln2.start, ln2.end):
                    add(Segment(span=(ln2.start, ln2.end), kind="boilerplate"))
            i += run
            continue
        kind = _credit_kind(ln.text)
        if (
            kind == "open"
            and i + 1 < len(lines)
            and (_is_agency(lines[i + 1].text) or _looks_like_agency(lines[i + 1].text))
        ):
            add(Segment(span=(ln.start, lines[i + 1].end), kind="credit"))
            i += 2
            continue
        if kind == "full" or (kind is None and len(ln.text) <= 40 and _is_agency(ln.text)):
            add(Segment(span=(ln.start, ln.end), kind="credit"))
            i += 1
            continue
        i += 1

    # Captions: the block of body lines right before a credit, or one with a caption
    # marker. Blocks are runs of unmarked lines, split by blank lines and by marked lines,
    # so that a caption never overlaps junk or a credit line.
    blocks = _blocks(text, lines, segments)
    credit_starts = sorted(seg.span[0] for seg in segments if seg.kind == "credit")
    body_seen = False
    for idx, (bs, be) in enumerate(blocks):
        para = text[bs:be]
        is_caption = False
        nxt = bisect.bisect_left(credit_starts, be)
        if nxt < len(credit_starts):
            gap = text[be : credit_starts[nxt]]
            between = idx + 1 < len(blocks) and blocks[idx + 1][0] < credit_starts[nxt]
            if not between and gap.strip() == "" and body_seen and len(para.split()) >= 4:
                is_caption = True
        if (
            not is_caption
            and len(para) <= MAX_CAPTION_CHARS
            and any(r.search(para) for r in caption_res)
        ):
            is_caption = True
        if is_caption:
            segments.append(Segment(span=(bs, be), kind="caption"))
        else:
            body_seen = True

    body_blocks = _blocks(text, lines, segments)
    dateline = _find_dateline(text, body_blocks, segments)
    if dateline is not None:
        segments.append(dateline)

    # furniture inside lines: whatever overlaps a segment found above is left alone
    taken = _Intervals(seg.span for seg in segments)
    for seg in _inline_segments(text, lines):
        if not taken.overlaps(*seg.span):
            segments.append(seg)
            taken.add(*seg.span)

    segments.sort(key=lambda s: s.span)
    return segments


#: Longest list item (words) under a "Related" heading, and the shape of an unheaded run
#: of link headlines: at least MIN_TITLE_RUN lines of at most MAX_TITLE_WORDS words.
MAX_ITEM_WORDS = 20
MIN_TITLE_RUN = 3
MAX_TITLE_WORDS = 14
_ITEM_END = re.compile(r"[.:;,\"”]$")


def _is_list_item(line: str, *, titled: bool) -> bool:
    """A link headline: short, no sentence punctuation at its end (a question mark is a
    headline's), starting with a capital or a digit; ``titled``: also in title case."""
    words = line.split()
    if not words or len(words) > (MAX_TITLE_WORDS if titled else MAX_ITEM_WORDS):
        return False
    if len(line) > 200 or _ITEM_END.search(line) or not (line[0].isupper() or line[0].isdigit()):
        return False
    if not titled:
        return True
    if len(words) < 4 or line.isupper() or _DATE_IN_LINE.search(line):
        return False  # "THE WHITE HOUSE", "FOR IMMEDIATE RELEASE July 13, 2009": a header
    long = [w for w in words[1:] if len(w) >= 4 and w[0].isalpha()]
    return len(long) >= 2 and sum(w[0].isupper() for w in long) >= 0.75 * len(long)


_DATE_IN_LINE = re.compile(rf"\b{_MONTHS}\.? \d{{1,2}}\b|\b\d{{1,2}} {_MONTHS}\b")


def _title_run(lines: list[_Line], i: int) -> int:
    """How many lines from ``lines[i]`` are title-case link headlines in a row."""
    n = 0
    while i + n < len(lines) and _is_list_item(lines[i + n].text, titled=True):
        n += 1
    return n


def _headline_end(text: str, pos: int, end: int, max_words: int) -> int | None:
    """The end of the headline that starts at ``pos`` (after "Read more:"), or None when no
    end is found within ``max_words`` words of the line (which ends at ``end``)."""
    limit = min(end, pos + 400)
    stop = limit if limit == end else None
    m = _headline_ends().search(text, pos, limit)
    while m is not None:
        kind = m.lastgroup
        if kind == "runon" and not _sentence_case(text[pos : m.start()]):
            # "Projects That Got it Right": a capital inside a title-case headline
            m = _headline_ends().search(text, m.end() + 1, limit)
            continue
        if m.start() > pos or kind in ("stop", "bracket"):
            stop = m.end() if kind in ("stop", "bracket") else m.start()
        break
    if stop is None:
        return None
    words = text[pos:stop].split()
    if not words or len(words) > max_words:
        return None
    return stop


def _sentence_case(head: str) -> bool:
    """Whether most longer words after the first are in lower case."""
    long = [w for w in head.split()[1:] if len(w) >= 4 and w[0].isalpha()]
    return bool(long) and sum(w[0].islower() for w in long) * 2 > len(long)


_NAME_TOKEN = re.compile(r"\S+")
#: lower-case words inside a credited name ("Jane van Dorp / City Herald")
_PARTICLES = frozenset(
    {"van", "de", "da", "von", "al", "bin", "el", "la", "le", "del", "der", "du", "dos"}
    | {"das", "di", "and", "via", "for", "/", "&", "|"}
)


def _name_end(text: str, pos: int, end: int, max_words: int) -> int | None:
    """The end of the credited name that starts at ``pos`` ("Joris van Gennip / HH."), up
    to a full stop or the end of the line; None when a sentence follows instead."""
    n = 0
    for m in _NAME_TOKEN.finditer(text, pos, end):
        tok = m.group()
        core = tok.rstrip(".,)")
        if not (core[:1].isupper() or core in _PARTICLES or (core[:1].isdigit() and n)):
            return None
        n += 1
        if n > max_words:
            return None
        if tok.endswith(".") and len(core) > 1:
            return m.end()
    return end if n else None


def _inline_segments(text: str, lines: list[_Line]) -> list[Segment]:
    """Furniture inside lines (``inline.tsv``) and headlines glued to the next sentence."""
    line_ends = [ln.end for ln in lines]
    out: list[Segment] = []
    for rule in _inline_rules():
        for m in rule.pattern.finditer(text):
            s, e = m.start(), m.end()
            k = bisect.bisect_left(line_ends, e)
            eol = line_ends[k] if k < len(line_ends) else len(text)
            if rule.extent == "stamp" and not _STAMP_CORE.search(m.group()):
                continue
            if rule.extent == "rest":
                e = max(e, eol)
            elif rule.extent in ("headline", "name"):
                p = e
                while p < eol and text[p] in " \t\xa0":
                    p += 1
                find = _headline_end if rule.extent == "headline" else _name_end
                stop = find(text, p, eol, rule.max_words) if p < eol else None
                if stop is not None:
                    e = stop
            while e > s and (text[e - 1].isspace() or text[e - 1] in "|,/("):
                e -= 1
            while s < e and text[s].isspace():
                s += 1
            if e > s:
                out.append(Segment(span=(s, e), kind=rule.kind))  # type: ignore[arg-type]
    out.extend(_glued_headings(text, lines))
    return out


#: A subheading glued between two sentences ("he added.Security strategy reviewA senior")
#: is marked when it has at most this many words; a headline glued to the lead sentence
#: at the start of the text, when it has at most MAX_GLUED_HEADLINE words.
MAX_GLUED_SUBHEAD = 6
MAX_GLUED_HEADLINE = 25
_SENTENCE_PUNCT = re.compile(r"[.!?][\"”’)]*(?=\s|$)|[.!?][\"”’)]*")


def _glued_headings(text: str, lines: list[_Line]) -> list[Segment]:
    out: list[Segment] = []
    first = True
    for ln in lines:
        for m in _GLUED_TITLE.finditer(text, ln.start, ln.end):
            b = m.start()
            if first:
                first = False
                head = text[ln.start : b]
                if (
                    b - ln.start <= 300
                    and 2 <= len(head.split()) <= MAX_GLUED_HEADLINE
                    and not _SENTENCE_PUNCT.search(head)
                ):
                    out.append(Segment(span=(ln.start, b), kind="boilerplate"))
                continue
            # a subheading: from the previous sentence's end, glued to it
            window_start = max(ln.start, b - 80)
            prev = None
            for p in _SENTENCE_PUNCT.finditer(text, window_start, b):
                prev = p
            if prev is None or prev.end() == b:
                continue
            s = prev.end()
            if text[s : s + 1].isspace():
                continue  # "said. Police arrested the menThe": a sentence that lost its stop
            head = text[s:b]
            if head[:1].isupper() and 1 <= len(head.split()) <= MAX_GLUED_SUBHEAD:
                out.append(Segment(span=(s, b), kind="boilerplate"))
        first = False
    return out


class _Intervals:
    """Disjoint, sorted ``[start, end)`` intervals (the union of the segments so far)."""

    __slots__ = ("ends", "starts")

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        for s, e in spans:
            self.add(s, e)

    def add(self, s: int, e: int) -> None:
        if e <= s:
            return
        lo = bisect.bisect_left(self.ends, s)  # first interval ending at or after s
        hi = bisect.bisect_right(self.starts, e)  # intervals starting after e stay
        if lo < hi:
            s = min(s, self.starts[lo])
            e = max(e, self.ends[hi - 1])
        self.starts[lo:hi] = [s]
        self.ends[lo:hi] = [e]

    def overlaps(self, s: int, e: int) -> bool:
        """Whether ``[s, e)`` meets an interval."""
        k = bisect.bisect_right(self.ends, s)  # first interval ending after s
        return k < len(self.starts) and self.starts[k] < e

    def covers_text(self, text: str, s: int, e: int) -> bool:
        """Whether every non-space character of ``text[s:e]`` lies in an interval."""
        pos = s
        k = bisect.bisect_right(self.ends, s)  # first interval ending after s
        while pos < e:
            nxt = self.starts[k] if k < len(self.starts) else e
            gap_end = min(max(nxt, pos), e)
            if gap_end > pos and not text[pos:gap_end].isspace():
                return False
            if k >= len(self.starts) or nxt >= e:
                return True
            pos = max(pos, self.ends[k])
            k += 1
        return True


class _Containers:
    """Whether one segment contains a span, in O(log n)."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [s for s, _ in ordered]
        self.max_end: list[int] = []
        for _, e in ordered:
            self.max_end.append(max(e, self.max_end[-1]) if self.max_end else e)

    def contains(self, s: int, e: int) -> bool:
        k = bisect.bisect_right(self.starts, s)
        return k > 0 and self.max_end[k - 1] >= e


def _blocks(text: str, lines: list[_Line], segments: list[Segment]) -> list[tuple[int, int]]:
    """Runs of consecutive unmarked lines (a blank line or a marked line ends a run)."""
    marked = _Containers(s.span for s in segments)
    blocks: list[tuple[int, int]] = []
    cur: tuple[int, int] | None = None
    for ln in lines:
        if marked.contains(ln.start, ln.end):
            if cur:
                blocks.append(cur)
            cur = None
        elif cur is not None and text[cur[1] : ln.start].count("\n") < 2:
            cur = (cur[0], ln.end)
        else:
            if cur:
                blocks.append(cur)
            cur = (ln.start, ln.end)
    if cur:
        blocks.append(cur)
    return blocks


def match_dateline(text: str, pos: int, end: int) -> re.Match[str] | None:
    """The dateline pattern matching at ``pos`` (upper-case or lower-case form)."""
    m = DATELINE.match(text, pos, end)
    if m and len(m.group("places").split()) <= 8:
        return m
    m = LOWER_DATELINE.match(text, pos, end)
    if m and m.group("places").strip() not in _NOT_DATELINE:
        return m
    return None


def _find_dateline(
    text: str, paragraphs: list[tuple[int, int]], segments: list[Segment]
) -> Segment | None:
    """The dateline of the first body paragraph, or of the second after a headline."""
    captions = {s.span for s in segments if s.kind == "caption"}
    body = [p for p in paragraphs if p not in captions]
    for n, (ps, pe) in enumerate(body[:2]):
        m = match_dateline(text, ps, pe)
        if m:
            return Segment(span=(ps, m.end("dash")), kind="dateline")
        g = GLUED_DATELINE.search(text, ps, min(pe, ps + 300))
        if g and n == 0:
            return Segment(span=(g.start("places"), g.end("dash")), kind="dateline")
        # only a one-line headline may come before the dateline
        if "\n" in text[ps:pe] or len(text[ps:pe].split()) > 25:
            break
    return None


class TextMap:
    """The analysis copy of a text and the map of its offsets back to the original."""

    __slots__ = ("_map", "analysis", "original")

    def __init__(self, original: str, analysis: str, offsets: list[int] | None) -> None:
        self.original = original
        self.analysis = analysis
        # offsets[i] = original offset of analysis char i; offsets[len] = len(original)
        self._map = offsets

    @property
    def identity(self) -> bool:
        return self._map is None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map an analysis span ``[start, end)`` to the stored text."""
        if self._map is None:
            return start, end
        n = len(self._map) - 1
        s = self._map[max(0, min(start, n))]
        e = self._map[max(0, min(end, n))]
        # an inserted char at the end of the span maps onto the next original char
        return s, max(s, e)

    def to_analysis(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the stored text to the analysis copy."""
        if self._map is None:
            return start, end
        s = bisect.bisect_left(self._map, start)
        e = bisect.bisect_left(self._map, end)
        # skip chars inserted right before the span's first char
        while s < e and self._map[s] == start and self._map[s + 1] == start:
            s += 1
        return s, max(s, e)


def _one_token_inside_line(text: str, s: int, e: int) -> bool:
    if any(c.isspace() for c in text[s:e]):
        return False
    before = text[max(0, s - 200) : s].rsplit("\n", 1)[-1]
    after = text[e : e + 200].split("\n", 1)[0]
    return bool(before.strip() or after.strip())


def _runs_into_sentence(text: str, s: int, e: int) -> bool:
    """Whether a junk span inside a line sits between a word and a new sentence
    ("closed tonight Read More The road"): its first character then becomes a full stop."""
    before = text[max(0, s - 200) : s].rsplit("\n", 1)[-1].rstrip()
    after = text[e : e + 200].split("\n", 1)[0].lstrip()
    return bool(before) and before[-1].isalnum() and bool(after) and after[0] in _NEW_SENTENCE


_NEW_SENTENCE = frozenset('ABCDEFGHIJKLMNOPQRSTUVWXYZ"“‘')


def analysis_text(text: str, segments: list[Segment]) -> TextMap:
    """Build the copy of ``text`` that the parser reads (see module docstring)."""
    chars = list(text)
    for seg in segments:
        s, e = seg.span
        if seg.kind in ("boilerplate", "credit"):
            if _one_token_inside_line(text, s, e) or _GLUED_TITLE.match(text, e):
                # a URL or slug inside a line, and a headline glued to the next sentence,
                # stay for the parser (the coder still skips them): blanking a URL would
                # change how the rest of its line is read, and the headline names the
                # article's actors ("kills Russian general") for the sentences after it
                continue
            for k in range(s, e):
                if chars[k] not in "\r\n":
                    chars[k] = " "
            if _runs_into_sentence(text, s, e):
                chars[s] = "."
        elif seg.kind == "dateline":
            # close the dateline with a full stop so it does not run into the sentence
            dash = re.search(r"(--|[-–—:])[ \xa0]*$", text[s:e])
            if dash:
                ds, de = s + dash.start(1), s + dash.end(1)
                chars[ds] = "."
                for k in range(ds + 1, de):
                    chars[k] = " "
    for k, c in enumerate(chars):
        if c in "\u00a0\u2007\u202f\t\v\f":
            chars[k] = " "
    blanked = "".join(chars)
    if _SYMBOL_RUN.search(blanked):
        # spaCy's tokenizer strips a run of punctuation or symbols one character at a
        # time, copying the rest each time: 10,000 quotation marks took 9 s, 40,000 two
        # and a half minutes. A space every MAX_SYMBOL_RUN + 1 characters bounds it.
        for m in _SYMBOL_RUN.finditer(blanked):
            for k in range(m.start() + MAX_SYMBOL_RUN, m.end(), MAX_SYMBOL_RUN + 1):
                chars[k] = " "
        blanked = "".join(chars)
    pattern, table = _mojibake()
    if pattern is not None and ("â" in blanked or "Â" in blanked):
        # same-length repair of mojibake ("â€œ" → "“  "): offsets are unchanged
        blanked = pattern.sub(lambda m: table[m.group(0)], blanked)
    inserts = sorted(
        [(m.start(), " ") for m in _GLUED.finditer(blanked)]
        + [(m.start(), ". ") for m in _GLUED_TITLE.finditer(text)]
    )
    if not inserts:
        return TextMap(text, blanked, None)
    parts: list[str] = []
    offsets: list[int] = []
    prev = 0
    for pos, insert in inserts:
        parts.append(blanked[prev:pos])
        offsets.extend(range(prev, pos))
        parts.append(insert)
        offsets.extend([pos] * len(insert))  # inserted chars map onto the next original char
        prev = pos
    parts.append(blanked[prev:])
    offsets.extend(range(prev, len(blanked)))
    offsets.append(len(text))
    return TextMap(text, "".join(parts), offsets)
