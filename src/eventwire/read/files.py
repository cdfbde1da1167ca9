"""Readers for each input format, and path/directory/stream dispatch."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import re
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import InputError
from ..record import Segment
from .article import ArticleInput, parse_date

Item = ArticleInput | InputError
Reader = Callable[[bytes, str, str, "dt.date | None"], Iterator[Item]]

#: Bytes inspected to tell binary files from text.
SNIFF_BYTES = 8192

# --------------------------------------------------------------------------- decoding


def decode(data: bytes, where: str) -> tuple[str, list[str]]:
    """Decode bytes as UTF-8 (BOM tolerated); undecodable bytes are replaced and reported."""
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
_HEADER_FIELD = re.compile(
    r"^[ \t]*(title|headline|date|published|source|publisher|url|link|byline|author)[ \t]*:[ \t]*(.*?)[ \t]*$",
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
        block.append((cur, fm.group(1).lower(), fm.group(2), cur + len(stripped.rstrip())))
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
    try:
        doc = trafilatura.bare_extraction(data, with_metadata=True, include_comments=False)
    except Exception as exc:  # trafilatura raises assorted lxml errors on broken pages
        raise InputError(where, f"could not parse HTML ({type(exc).__name__}: {exc})") from None
    fields: dict[str, Any] = {}
    if doc is not None:
        fields = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    body = (fields.get("text") or "").strip()
    if not body:
        raise InputError(where, "no article text found in the HTML page")
    # trafilatura separates paragraphs by single newlines; keep paragraphs apart.
    text = re.sub(r"\n+", "\n\n", body)
    warnings: list[str] = []
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
    date = _date_or_warn(rec.get("date"), where, warnings, default_date)
    rid = rec.get("id")
    meta = {k: rec.get(k) for k in ("title", "url", "source", "language")}
    return ArticleInput(
        text=text,
        id=str(rid) if rid not in (None, "") else fallback_id,
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
    return str(v)


def read_jsonl_lines(
    lines: Iterable[str], where: str, stem: str, default_date: dt.date | None
) -> Iterator[Item]:
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        loc = f"{where}:{lineno}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(loc, f"malformed JSON ({exc.msg} at column {exc.colno})")
            continue
        try:
            yield record_to_article(rec, loc, f"{stem}-{lineno}", default_date)
        except InputError as err:
            yield err


def read_jsonl(data: bytes, where: str, stem: str, default_date: dt.date | None) -> Iterator[Item]:
    """JSON Lines: one record per line with ``text`` and optional metadata."""
    text, warnings = decode(data, where)
    _check_not_empty(text, where)
    for w in warnings:
        yield InputError(where, w.split(": ", 1)[-1])
    yield from read_jsonl_lines(text.splitlines(), where, stem, default_date)


def read_json(data: bytes, where: str, stem: str, default_date: dt.date | None) -> Iterator[Item]:
    """A JSON file: one record object, or a list of them."""
    text, _ = decode(data, where)
    _check_not_empty(text, where)
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        # Many ".json" files are really JSON Lines.
        if text.lstrip().startswith("{") and "\n{" in text:
            yield from read_jsonl_lines(text.splitlines(), where, stem, default_date)
            return
        raise InputError(
            f"{where}:{exc.lineno}", f"malformed JSON ({exc.msg} at column {exc.colno})"
        ) from None
    records = obj if isinstance(obj, list) else [obj]
    for i, rec in enumerate(records, 1):
        loc = f"{where}[{i}]" if isinstance(obj, list) else where
        try:
            yield record_to_article(
                rec, loc, f"{stem}-{i}" if isinstance(obj, list) else stem, default_date
            )
        except InputError as err:
            yield err


def read_csv(data: bytes, where: str, stem: str, default_date: dt.date | None) -> Iterator[Item]:
    """CSV with a header row naming at least a ``text`` column."""
    text, _ = decode(data, where)
    _check_not_empty(text, where)
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames or "text" not in [f.strip().lower() for f in reader.fieldnames]:
        raise InputError(
            f"{where}:1", f"CSV header has no 'text' column (found {reader.fieldnames})"
        )
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            yield InputError(f"{where}:{reader.line_num}", f"bad CSV ({exc})")
            break
        loc = f"{where}:{reader.line_num}"
        if None in row:
            yield InputError(loc, "row has more fields than the header")
            continue
        rec = {k.strip().lower(): v for k, v in row.items() if k is not None}
        try:
            yield record_to_article(rec, loc, f"{stem}-{reader.line_num}", default_date)
        except InputError as err:
            yield err


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
    """Read every article under the given paths (``-`` is standard input)."""
    for raw in paths:
        if str(raw) == "-":
            yield from read_stream(sys.stdin.buffer, default_date)
            continue
        for p in iter_paths([raw]):
            if isinstance(p, InputError):
                yield p
            else:
                yield from read_path(p, default_date)
