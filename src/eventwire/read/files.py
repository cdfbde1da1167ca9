"""Readers for each input format, and path/directory/stream dispatch."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import gzip
import io
import json
import re
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import InputError
from ..record import Segment
from .article import ArticleInput, parse_date, replace_surrogates

Item = ArticleInput | InputError
Reader = Callable[[bytes, str, str, "dt.date | None"], Iterator[Item]]

#: Bytes inspected to tell binary files from text.
SNIFF_BYTES = 8192

# --------------------------------------------------------------------------- decoding


#: Byte-order marks of the UTF-16 and UTF-32 encodings (longest first).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes, where: str) -> tuple[str, list[str]]:
    """Decode bytes as UTF-8 (BOM tolerated), or as UTF-16/32 when they start with that
    encoding's byte-order mark; undecodable bytes are replaced and reported."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), []
            except UnicodeDecodeError as exc:
                text = data.decode(encoding, errors="replace")
                return text, [
                    f"{where}: not valid {encoding.upper()} (first bad byte at offset "
                    f"{exc.start}); undecodable bytes replaced with U+FFFD"
                ]
    if b"\x00" in data[:SNIFF_BYTES]:
        raise InputError(where, "binary file (contains NUL bytes); expected text")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8-sig", errors="replace")
        bad = text.count("\ufffd")
        return text, [
            f"{where}: not valid UTF-8 (first bad byte at offset {exc.start}); "
            f"{bad} undecodable byte(s) replaced with U+FFFD"
        ]


def _check_not_empty(text: str, where: str) -> None:
    if not text.strip():
        raise InputError(where, "empty file" if not text else "file contains only whitespace")


# --------------------------------------------------------------------------- plain text

_DATE_LINE = re.compile(r"^[ \t]*date[ \t]*[:=]?[ \t]*(\d{4}-\d{1,2}-\d{1,2})\b([^\n]*)$", re.I)
#: group 2 keeps trailing blanks (stripped in code: a lazy ``(.*?)[ \t]*$`` took time
#: quadratic in a long run of blanks)
_HEADER_FIELD = re.compile(
    r"^[ \t]*(title|headline|date|published|source|publisher|url|link|byline|author)[ \t]*:[ \t]*(.*)$",
    re.I,
)
_FIELD_NAMES = {
    "title": "title",
    "headline": "title",
    "date": "date",
    "published": "date",
    "source": "source",
    "publisher": "source",
    "url": "url",
    "link": "url",
    "byline": "author",
    "author": "author",
}


def parse_text_header(text: str, where: str) -> tuple[dict[str, str], list[Segment], list[str]]:
    """Find the metadata header at the top of a plain-text article.

    Two forms are recognised: a first line ``date YYYY-MM-DD`` (anything after
    the date on that line is scraper junk), and a block of ``Field: value``
    lines (Title, Date, Source, URL, ...) ending at the first blank line.
    The text is never changed: the header is returned as boilerplate segments.
    """
    meta: dict[str, str] = {}
    segments: list[Segment] = []
    warnings: list[str] = []
    pos = 0
    lines = text.splitlines(keepends=True)
    # skip leading blank lines
    idx = 0
    while idx < len(lines) and not lines[idx].strip():
        pos += len(lines[idx])
        idx += 1
    if idx >= len(lines):
        return meta, segments, warnings
    first = lines[idx].rstrip("\r\n")
    m = _DATE_LINE.match(first)
    if m:
        meta["date"] = m.group(1)
        line_start = pos + (len(first) - len(first.lstrip()))
        segments.append(Segment(span=(line_start, pos + m.end(1)), kind="boilerplate"))
        junk = m.group(2)
        if junk.strip():
            j_start = pos + m.start(2) + (len(junk) - len(junk.lstrip()))
            segments.append(Segment(span=(j_start, pos + len(first.rstrip())), kind="boilerplate"))
        return meta, segments, warnings
    # Field: value block
    block: list[tuple[int, str, str, int]] = []
    cur = pos
    for line in lines[idx:]:
        stripped = line.rstrip("\r\n")
        if not stripped.strip():
            break
        fm = _HEADER_FIELD.match(stripped)
        if not fm:
            block = []  # a header block is all fields or nothing
            break
        block.append(
            (cur, fm.group(1).lower(), fm.group(2).rstrip(" \t"), cur + len(stripped.rstrip()))
        )
        cur += len(line)
    for start, name, value, end in block:
        key = _FIELD_NAMES[name]
        if value and key not in meta:
            meta[key] = value
        lead = len(text[start:end]) - len(text[start:end].lstrip())
        segments.append(Segment(span=(start + lead, end), kind="boilerplate"))
    return meta, segments, warnings


def read_text(data: bytes, where: str, stem: str, default_date: dt.date | None) -> Iterator[Item]:
    """A ``.txt`` file: one article, optional metadata header."""
    text, warnings = decode(data, where)
    _check_not_empty(text, where)
    meta, segments, more = parse_text_header(text, where)
    warnings += more
    date = _date_or_warn(meta.get("date"), where, warnings, default_date)
    yield ArticleInput(
        text=text,
        id=stem,
        date=date,
        title=meta.get("title"),
        url=meta.get("url"),
        source=meta.get("source"),
        origin=where,
        segments=segments,
        warnings=warnings,
    )


def _date_or_warn(
    value: object, where: str, warnings: list[str], default: dt.date | None
) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    try:
        return parse_date(value) or default
    except ValueError as exc:
        warnings.append(f"{where}: {exc}; processed without a publication date")
        return default


# --------------------------------------------------------------------------- HTML


def read_html(data: bytes, where: str, stem: str, default_date: dt.date | None) -> Iterator[Item]:
    """An HTML page: main text and metadata extracted with trafilatura."""
    import trafilatura

    if b"\x00" in data[:SNIFF_BYTES]:
        raise InputError(where, "binary file (contains NUL bytes); expected HTML")
    if not data.strip():
        raise InputError(where, "empty file")
    warnings: list[str] = []
    depth = _tag_depth(data.decode("utf-8", errors="replace"))
    if depth > MAX_HTML_DEPTH:
        # libxml2 stops reading below this depth: trafilatura would miss the article
        title, body = _flat_html_text(data)
        if not body:
            raise InputError(where, "no article text found in the HTML page")
        fields: dict[str, Any] = {"title": title}
        warnings.append(
            f"{where}: elements nested {depth:,} deep, more than the HTML parser reads "
            f"({MAX_HTML_DEPTH}); the text of every element outside scripts, styles and "
            "navigation was kept instead of the page's main text"
        )
    else:
        try:
            doc = trafilatura.bare_extraction(data, with_metadata=True, include_comments=False)
        except Exception as exc:  # trafilatura raises assorted lxml errors on broken pages
            raise InputError(where, f"could not parse HTML ({type(exc).__name__}: {exc})") from None
        fields = {}
        if doc is not None:
            fields = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
        body = (fields.get("text") or "").strip()
        if not body:
            raise InputError(where, "no article text found in the HTML page")
    # trafilatura separates paragraphs by single newlines; keep paragraphs apart.
    text = re.sub(r"\n+", "\n\n", body)
    date = _date_or_warn(fields.get("date"), where, warnings, default_date)
    yield ArticleInput(
        text=text,
        id=stem,
        date=date,
        title=fields.get("title") or None,
        url=fields.get("url") or None,
        source=fields.get("sitename") or None,
        origin=where,
        warnings=warnings,
    )


#: Nesting beyond which libxml2 (under trafilatura) stops reading a page.
MAX_HTML_DEPTH = 255
_TAG = re.compile(r"<!--|<(/?)([a-zA-Z][a-zA-Z0-9:-]*)[^<>]*>")
#: Elements whose end tag may be left out, or that have none: they do not nest.
_FLAT_TAGS = frozenset({
    "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody",
    "tfoot", "colgroup", "caption", "rb", "rt", "rp", "html", "head", "body", "area",
    "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "param", "keygen", "command"
})  # fmt: skip


def _tag_depth(html: str) -> int:
    """How deep the page's elements nest (a quick scan of its tags; comments, scripts and
    styles skipped)."""
    low = html.lower()
    depth = deepest = pos = 0
    while (m := _TAG.search(html, pos)) is not None:
        pos = m.end()
        if m.group(0) == "<!--":
            end = html.find("-->", pos)
            pos = len(html) if end < 0 else end + 3
            continue
        name = m.group(2).lower()
        if name in _FLAT_TAGS or m.group(0).endswith("/>"):
            continue
        if m.group(1):
            depth = max(0, depth - 1)
            continue
        if name in ("script", "style"):
            end = low.find(f"</{name}", pos)
            pos = len(html) if end < 0 else end
            continue
        depth += 1
        deepest = max(deepest, depth)
    return deepest


class _TextCollector(HTMLParser):
    """Text of an HTML page by paragraph, whatever its depth (a streaming parser)."""

    SKIP = frozenset({
        "script", "style", "head", "nav", "footer", "header", "aside", "noscript",
        "template", "svg", "form", "button", "select", "iframe", "object"
    })  # fmt: skip
    BLOCK = frozenset({
        "p", "div", "section", "article", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5",
        "h6", "blockquote", "pre", "tr", "table", "dd", "dt", "figcaption", "main", "br",
        "hr"
    })  # fmt: skip
    VOID = frozenset({
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "source", "track", "wbr"
    })  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self.stack: list[str] = []
        self.open: dict[str, int] = {}  # tags on the stack, counted (O(1) look-ups)
        self.skipping = 0
        self.in_title = False

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in self.BLOCK:
            self.parts.append("\n")
        if tag in self.VOID:
            return
        self.stack.append(tag)
        self.open[tag] = self.open.get(tag, 0) + 1
        self.skipping += tag in self.SKIP
        self.in_title = self.in_title or tag == "title"

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCK:
            self.parts.append("\n")
        if not self.open.get(tag):
            return  # a stray end tag
        while self.stack:
            top = self.stack.pop()
            self.open[top] -= 1
            self.skipping -= top in self.SKIP
            if top == "title":
                self.in_title = False
            if top == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        elif not self.skipping:
            self.parts.append(data)


def _flat_html_text(data: bytes) -> tuple[str | None, str]:
    """(title, text) of a page nested too deep for trafilatura: every paragraph outside
    scripts, styles and navigation."""
    collector = _TextCollector()
    try:
        collector.feed(data.decode("utf-8", errors="replace"))
        collector.close()
    except Exception:  # HTMLParser is lenient; never let a page stop the batch
        pass
    paragraphs = [re.sub(r"\s+", " ", p).strip() for p in "".join(collector.parts).split("\n")]
    text = "\n".join(p for p in paragraphs if p)
    title = re.sub(r"\s+", " ", "".join(collector.title)).strip() or None
    return title, text


# --------------------------------------------------------------------------- records

RECORD_FIELDS = ("id", "date", "title", "url", "source", "text", "language")


def record_to_article(
    rec: object, where: str, fallback_id: str, default_date: dt.date | None
) -> ArticleInput:
    """Validate one JSON/CSV record and turn it into an article."""
    if not isinstance(rec, dict):
        raise InputError(where, f"expected a JSON object, got {type(rec).__name__}")
    text = rec.get("text")
    if text is None:
        raise InputError(where, "record has no 'text' field")
    if not isinstance(text, str):
        raise InputError(where, f"'text' must be a string, got {type(text).__name__}")
    if not text.strip():
        raise InputError(where, "record has an empty 'text'")
    warnings: list[str] = []
    text, bad = replace_surrogates(text)
    if bad:
        warnings.append(
            f"{where}: {bad} lone surrogate code point(s) (invalid Unicode, e.g. a \\ud800 "
            "escape without its pair) in 'text' replaced with U+FFFD"
        )
    date = _date_or_warn(rec.get("date"), where, warnings, default_date)
    rid = rec.get("id")
    if isinstance(rid, dict | list):
        raise InputError(where, f"'id' must be a string or a number, got {type(rid).__name__}")
    meta = {k: rec.get(k) for k in ("title", "url", "source", "language")}
    return ArticleInput(
        text=text,
        id=_str_or_none(rid) or fallback_id,
        date=date,
        title=_str_or_none(meta["title"]),
        url=_str_or_none(meta["url"]),
        source=_str_or_none(meta["source"]),
        language=_str_or_none(meta["language"]),
        origin=where,
        warnings=warnings,
    )


def _str_or_none(v: object) -> str | None:
    if v is None or v == "":
        return None
    return replace_surrogates(str(v))[0]


#: The line ends of JSON Lines: ``\n`` (with an optional ``\r`` before it), or a lone
#: ``\r``. Raw CR and LF cannot occur inside a JSON string, so a record is never cut
#: (unlike :meth:`str.splitlines`, which also breaks at U+2028, U+2029, U+0085, U+000B,
#: U+000C and U+001C-U+001E: characters a JSON string may hold).
_JSONL_LINE_END = re.compile(r"\r\n?|\n")


def split_jsonl(text: str) -> list[str]:
    """The lines of a JSON Lines text: split at CR/LF only (see :data:`_JSONL_LINE_END`)."""
    lines = _JSONL_LINE_END.split(text)
    if lines and lines[-1] == "":
        lines.pop()  # the line end of the last line
    return lines


#: Warning for a record read with raw control characters inside its strings.
RAW_CONTROL_WARNING = (
    "raw control character(s) (U+0000-U+001F) inside a JSON string, which JSON requires "
    "escaped; read as they are"
)


def loads_lenient(text: str) -> tuple[Any, bool]:
    """``json.loads``, also accepting raw control characters inside strings (U+001C-U+001E
    separators, tabs, form feeds ... as scraped text often has them). Returns the value and
    whether such a character was met; other syntax errors raise ``JSONDecodeError``."""
    try:
        return json.loads(text), False
    except json.JSONDecodeError as exc:
        if not exc.msg.startswith("Invalid control character"):
            raise
    return json.loads(text, strict=False), True


def read_jsonl_lines(
    lines: Iterable[str], where: str, stem: str, default_date: dt.date | None
) -> Iterator[Item]:
    """Articles of JSON Lines already split into lines (by :func:`split_jsonl`)."""
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        loc = f"{where}:{lineno}"
        try:
            rec, raw_controls = loads_lenient(line)
        except json.JSONDecodeError as exc:
            yield InputError(loc, f"malformed JSON ({exc.msg} at column {exc.colno})")
            continue
        try:
            art = record_to_article(rec, loc, f"{stem}-{lineno}", default_date)
        except InputError as err:
            yield err
            continue
        if raw_controls:
            art.warnings.append(f"{loc}: {RAW_CONTROL_WARNING}")
        yield art


def read_jsonl(data: bytes, where: str, stem: str, default_date: dt.date | None) -> Iterator[Item]:
    """JSON Lines: one record per line with ``text`` and optional metadata."""
    text, warnings = decode(data, where)
    _check_not_empty(text, where)
    for w in warnings:
        yield InputError(where, w.split(": ", 1)[-1])
    yield from read_jsonl_lines(split_jsonl(text), where, stem, default_date)


def read_json(data: bytes, where: str, stem: str, default_date: dt.date | None) -> Iterator[Item]:
    """A JSON file: one record object, or a list of them."""
    text, _ = decode(data, where)
    _check_not_empty(text, where)
    try:
        obj, raw_controls = loads_lenient(text)
    except json.JSONDecodeError as exc:
        # Many ".json" files are really JSON Lines.
        if text.lstrip().startswith("{") and "\n{" in text:
            yield from read_jsonl_lines(split_jsonl(text), where, stem, default_date)
            return
        raise InputError(
            f"{where}:{exc.lineno}", f"malformed JSON ({exc.msg} at column {exc.colno})"
        ) from None
    records = obj if isinstance(obj, list) else [obj]
    for i, rec in enumerate(records, 1):
        loc = f"{where}[{i}]" if isinstance(obj, list) else where
        try:
            art = record_to_article(
                rec, loc, f"{stem}-{i}" if isinstance(obj, list) else stem, default_date
            )
        except InputError as err:
            yield err
            continue
        if raw_controls:
            art.warnings.append(f"{where}: {RAW_CONTROL_WARNING}")
        yield art


#: Rows with an unclosed quote after which the rest of a CSV file is given up (each one
#: costs a scan to the end of the file).
MAX_CSV_RESYNCS = 100


def read_csv(data: bytes, where: str, stem: str, default_date: dt.date | None) -> Iterator[Item]:
    """CSV with a header row naming at least a ``text`` column.

    Rows are parsed strictly, so that a quoting error is seen where it is: a row whose
    quoted field is not closed properly (it would swallow the rows after it) is
    reported with its first line and skipped, and reading resumes on the next line; a
    one-line row with a stray quotation mark (``"abc"def``) is kept as the lenient
    parser reads it, with a warning.
    """
    text, warnings = decode(data, where)
    _check_not_empty(text, where)
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    lines = list(io.StringIO(text, newline=""))

    def reader_at(start: int, *, strict: bool = True) -> Any:
        """A csv reader over the lines from index ``start``."""
        return csv.reader((lines[i] for i in range(start, len(lines))), strict=strict)

    reader = reader_at(0)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise InputError(f"{where}:1", f"bad CSV header ({exc})") from None
    names = [h.strip().lower() for h in header]
    if "text" not in names:
        raise InputError(f"{where}:1", f"CSV header has no 'text' column (found {header})")
    base = 0  # index of the line the current reader started at
    resyncs = 0
    while True:
        first = base + reader.line_num  # index of the next row's first line
        notes: list[str] = []
        try:
            row = next(reader)
            line = base + reader.line_num  # the row's last line (1-based)
        except StopIteration:
            break
        except csv.Error as exc:
            if base + reader.line_num > first + 1 or "end of data" in str(exc):
                # a quoted field left open ran over the next lines: they may be rows
                resyncs += 1
                if resyncs > MAX_CSV_RESYNCS:
                    yield InputError(
                        f"{where}:{first + 1}",
                        f"bad CSV: more than {MAX_CSV_RESYNCS} rows with unclosed quotes; "
                        "the rest of the file is skipped",
                    )
                    return
                yield InputError(
                    f"{where}:{first + 1}",
                    f"bad CSV ({exc}; a quoted field opened on this line is not closed "
                    "properly); row skipped, reading resumes on the next line",
                )
                base = first + 1
                reader = reader_at(base)
                continue
            lenient = reader_at(first, strict=False)
            row = next(lenient)
            line = first + lenient.line_num
            notes.append(f"{where}:{first + 1}: malformed CSV quoting ({exc}); row read leniently")
            base = line
            reader = reader_at(base)
        if not row:
            continue  # a blank line
        loc = f"{where}:{line}"
        if len(row) > len(names):
            yield InputError(loc, "row has more fields than the header")
            continue
        rec = {k: v for k, v in zip(names, row, strict=False) if k}
        try:
            art = record_to_article(rec, loc, f"{stem}-{line}", default_date)
        except InputError as err:
            yield err
            continue
        art.warnings[:0] = warnings + notes
        warnings = []  # the file's decoding warning goes with its first article
        yield art


# --------------------------------------------------------------------------- dispatch

READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".text": read_text,
    ".html": read_html,
    ".htm": read_html,
    ".jsonl": read_jsonl,
    ".ndjson": read_jsonl,
    ".json": read_json,
    ".csv": read_csv,
}
SUPPORTED_EXTENSIONS = tuple(sorted(READERS))


def _format_of(path: Path) -> tuple[str, bool]:
    """The reader extension of a path, and whether it is gzip-compressed."""
    suffixes = [s.lower() for s in path.suffixes]
    gz = bool(suffixes) and suffixes[-1] == ".gz"
    if gz:
        suffixes = suffixes[:-1]
    return (suffixes[-1] if suffixes else ""), gz


def _stem(path: Path) -> str:
    name = path.name
    for _ in range(2):
        if Path(name).suffix.lower() in (*READERS, ".gz"):
            name = Path(name).stem
    return name


def iter_paths(paths: Iterable[str | Path]) -> Iterator[Path | InputError]:
    """Expand paths: files as given, directories recursively (by extension, sorted)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = False
            for p in sorted(path.rglob("*")):
                if p.is_file() and not any(
                    part.startswith(".") for part in p.relative_to(path).parts
                ):
                    ext, _ = _format_of(p)
                    if ext in READERS:
                        found = True
                        yield p
            if not found:
                yield InputError(
                    str(path),
                    f"directory contains no supported files ({', '.join(SUPPORTED_EXTENSIONS)})",
                )
        elif path.exists():
            yield path
        else:
            yield InputError(str(path), "no such file or directory")


def read_path(path: Path, default_date: dt.date | None = None) -> Iterator[Item]:
    """Read one file; errors are yielded, never raised."""
    where = str(path)
    ext, _ = _format_of(path)
    if ext not in READERS:
        yield from read_bytes(b"", where, default_date)  # the unsupported-type error
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield InputError(where, f"cannot read file ({exc.strerror or exc})")
        return
    yield from read_bytes(data, where, default_date)


def read_bytes(data: bytes, where: str, default_date: dt.date | None = None) -> Iterator[Item]:
    """Articles of one file's content; ``where`` (a path or URI) gives the format by its
    extension and names the file in errors. Errors are yielded, never raised."""
    path = Path(where.split("://", 1)[-1])
    ext, gz = _format_of(path)
    reader = READERS.get(ext)
    if reader is None:
        yield InputError(
            where,
            f"unsupported file type {ext or '(no extension)'!r} "
            f"(supported: {', '.join(SUPPORTED_EXTENSIONS)}, optionally .gz)",
        )
        return
    if gz:
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            if ext in (".jsonl", ".ndjson"):
                # keep the complete lines of a truncated stream
                partial = _gunzip_partial(data)
                yield InputError(
                    where, f"truncated or corrupt gzip ({exc}); reading what could be decompressed"
                )
                data = partial[: partial.rfind(b"\n") + 1] if b"\n" in partial else b""
                if not data:
                    return
            else:
                yield InputError(where, f"truncated or corrupt gzip ({exc})")
                return
    try:
        yield from reader(data, where, _stem(path), default_date)
    except InputError as err:
        yield err


def _gunzip_partial(data: bytes) -> bytes:
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        return d.decompress(data)
    except zlib.error:
        return b""


def read_stream(
    stream: BinaryIO, default_date: dt.date | None = None, name: str = "<stdin>"
) -> Iterator[Item]:
    """Read from a byte stream, sniffing the format (JSON Lines, HTML or plain text)."""
    data = stream.read()
    head = data.lstrip()[:1]
    reader: Reader
    if head in (b"{",):
        reader = read_jsonl
    elif head == b"[":
        reader = read_json
    elif head == b"<":
        reader = read_html
    else:
        reader = read_text
    try:
        yield from reader(data, name, "stdin", default_date)
    except InputError as err:
        yield err


def read_paths(paths: Iterable[str | Path], default_date: dt.date | None = None) -> Iterator[Item]:
    """Read every article under the given paths (``-`` is standard input).

    An article whose id was already used by an earlier one gets a warning naming both
    places; both are kept (the store tells articles apart by their text).
    """
    first_seen: dict[str, str] = {}
    for item in _read_all(paths, default_date):
        if isinstance(item, ArticleInput):
            first = first_seen.setdefault(item.id, item.origin)
            if first != item.origin:
                item.warnings.append(
                    f"{item.origin}: duplicate id {item.id!r} (first used at {first}); "
                    "both records are kept"
                )
        yield item


def _read_all(paths: Iterable[str | Path], default_date: dt.date | None) -> Iterator[Item]:
    for raw in paths:
        if str(raw) == "-":
            yield from read_stream(sys.stdin.buffer, default_date)
            continue
        for p in iter_paths([raw]):
            if isinstance(p, InputError):
                yield p
            else:
                yield from read_path(p, default_date)
