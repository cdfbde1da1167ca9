"""Input readers: every format, every failure named by file (and line)."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
from pathlib import Path

import pytest

from eventwire.errors import InputError
from eventwire.read import ArticleInput, iter_paths, parse_date, read_path, read_paths, read_stream

DATA = Path(__file__).parent / "data"


def _split(items: list) -> tuple[list[ArticleInput], list[InputError]]:
    arts = [i for i in items if isinstance(i, ArticleInput)]
    errs = [i for i in items if isinstance(i, InputError)]
    assert len(arts) + len(errs) == len(items)
    return arts, errs


# --------------------------------------------------------------------------- .txt


def test_txt_date_line_header_with_junk() -> None:
    path = DATA / "dateline_header.txt"
    [art] = list(read_path(path))
    assert isinstance(art, ArticleInput)
    raw = path.read_text(encoding="utf-8")
    assert art.text == raw  # stored exactly as given
    assert art.date == dt.date(2021, 3, 4)
    assert art.id == "dateline_header"
    assert art.origin == str(path)
    pieces = [art.text[s.span[0] : s.span[1]] for s in art.segments]
    assert pieces == ["date 2021-03-04", "| Share | Tweet | Print"]
    assert all(s.kind == "boilerplate" for s in art.segments)
    # the body is not part of any header segment
    body_start = art.text.index("KARAVI")
    assert all(s.span[1] <= body_start for s in art.segments)


def test_txt_field_header_block() -> None:
    path = DATA / "field_header.txt"
    [art] = list(read_path(path))
    assert isinstance(art, ArticleInput)
    assert art.text == path.read_text(encoding="utf-8")
    assert art.title == "Flood waters rise in Marlow"
    assert art.date == dt.date(2022, 8, 15)
    assert art.source == "The Valley Courier"
    assert art.url == "https://valley.example/news/flood"
    pieces = [art.text[s.span[0] : s.span[1]] for s in art.segments]
    assert pieces == [
        "Title: Flood waters rise in Marlow",
        "Date: 2022-08-15",
        "Source: The Valley Courier",
        "URL: https://valley.example/news/flood",
    ]


def test_txt_indented_header_spans_exclude_whitespace(tmp_path: Path) -> None:
    p = tmp_path / "indented.txt"
    text = "\n  Title: Bridge reopens  \nDate: 2020-06-01\n\nThe bridge reopened on Monday.\n"
    p.write_text(text, encoding="utf-8")
    [art] = list(read_path(p))
    assert isinstance(art, ArticleInput)
    pieces = [art.text[s.span[0] : s.span[1]] for s in art.segments]
    # segments start at the field name (leading blanks excluded)
    assert [p.rstrip() for p in pieces] == ["Title: Bridge reopens", "Date: 2020-06-01"]
    assert art.title == "Bridge reopens"


def test_txt_without_header() -> None:
    path = DATA / "no_header.txt"
    [art] = list(read_path(path))
    assert isinstance(art, ArticleInput)
    assert art.text == path.read_text(encoding="utf-8")
    assert art.segments == []
    assert art.date is None
    assert art.title is None


def test_txt_body_line_with_colon_is_not_a_header(tmp_path: Path) -> None:
    # a block is all header fields or nothing
    p = tmp_path / "a.txt"
    p.write_text("Title: Storm\nThe storm hit the coast on Friday.\n", encoding="utf-8")
    [art] = list(read_path(p))
    assert isinstance(art, ArticleInput)
    assert art.segments == []
    assert art.title is None


def test_txt_default_date_used_only_when_none_given(tmp_path: Path) -> None:
    default = dt.date(2019, 12, 31)
    [with_header] = list(read_path(DATA / "field_header.txt", default_date=default))
    [without] = list(read_path(DATA / "no_header.txt", default_date=default))
    assert isinstance(with_header, ArticleInput) and isinstance(without, ArticleInput)
    assert with_header.date == dt.date(2022, 8, 15)
    assert without.date == default


def test_txt_invalid_header_date_warns(tmp_path: Path) -> None:
    p = tmp_path / "bad.txt"
    p.write_text("date 2021-02-31\n\nThe council met on Monday.\n", encoding="utf-8")
    [art] = list(read_path(p))
    assert isinstance(art, ArticleInput)
    assert art.date is None
    assert len(art.warnings) == 1
    assert str(p) in art.warnings[0] and "2021-02-31" in art.warnings[0]


# --------------------------------------------------------------------------- HTML


def test_html_page_main_text_and_metadata() -> None:
    [art] = list(read_path(DATA / "grain_deal.html"))
    assert isinstance(art, ArticleInput), art
    assert art.title == "Ministers agree on grain deal"
    assert art.date == dt.date(2023, 7, 14)
    assert art.source == "Daily Ledger"
    assert "agreed on Friday to extend a grain export corridor" in art.text
    assert "Anna Kovel" in art.text
    # navigation and footer are not article text
    assert "Privacy policy" not in art.text
    assert "All rights reserved" not in art.text
    assert "Sport" not in art.text
    # paragraphs stay apart
    assert "\n\nThe deal allows ships" in art.text


def test_html_without_article_text(tmp_path: Path) -> None:
    p = tmp_path / "empty.html"
    p.write_text("<html><head><title>x</title></head><body></body></html>", encoding="utf-8")
    [err] = list(read_path(p))
    assert isinstance(err, InputError)
    assert err.where == str(p)
    assert "no article text" in err.problem


# --------------------------------------------------------------------------- JSON Lines


def test_jsonl_good_and_bad_records_in_order() -> None:
    path = DATA / "batch.jsonl"
    items = list(read_path(path))
    assert len(items) == 6
    kinds = ["A" if isinstance(i, ArticleInput) else "E" for i in items]
    assert kinds == ["A", "E", "E", "E", "A", "A"]
    a1, e2, e3, e4, a5, a6 = items
    assert isinstance(a1, ArticleInput) and a1.id == "a1" and a1.title == "Strike ends"
    assert a1.date == dt.date(2023, 5, 2)
    assert a1.origin == f"{path}:1"
    assert isinstance(e2, InputError) and e2.where == f"{path}:2"
    assert "malformed JSON" in e2.problem
    assert isinstance(e3, InputError) and e3.where == f"{path}:3"
    assert "no 'text'" in e3.problem
    assert isinstance(e4, InputError) and e4.where == f"{path}:4"
    assert "expected a JSON object" in e4.problem and "list" in e4.problem
    # invalid date: a warning naming the line, and no date
    assert isinstance(a5, ArticleInput) and a5.date is None
    assert len(a5.warnings) == 1 and a5.warnings[0].startswith(f"{path}:5:")
    assert "2023-02-30" in a5.warnings[0]
    # missing id: derived from the file stem and line
    assert isinstance(a6, ArticleInput) and a6.id == "batch-6"
    assert a6.source == "Harbour Gazette"
    assert str(e2) == f"{path}:2: {e2.problem}"


def test_jsonl_text_type_and_empty_text(tmp_path: Path) -> None:
    p = tmp_path / "t.jsonl"
    p.write_text('{"text": 42}\n\n{"text": "   "}\n{"id": 7, "text": "Ok."}\n', encoding="utf-8")
    e1, e2, a = list(read_path(p))
    assert isinstance(e1, InputError) and e1.where == f"{p}:1" and "must be a string" in e1.problem
    # the blank line is skipped but still counted
    assert isinstance(e2, InputError) and e2.where == f"{p}:3" and "empty" in e2.problem
    assert isinstance(a, ArticleInput) and a.id == "7"


# --------------------------------------------------------------------------- JSON


def test_json_object_and_list(tmp_path: Path) -> None:
    obj = tmp_path / "one.json"
    obj.write_text(json.dumps({"text": "A ferry sank off Port Elden.", "date": "2020-01-02"}))
    [a] = list(read_path(obj))
    assert isinstance(a, ArticleInput)
    assert a.id == "one" and a.date == dt.date(2020, 1, 2)

    lst = tmp_path / "many.json"
    lst.write_text(
        json.dumps([{"id": "x", "text": "First."}, {"title": "no text"}, {"text": "Third."}])
    )
    items = list(read_path(lst))
    assert isinstance(items[0], ArticleInput) and items[0].id == "x"
    assert isinstance(items[1], InputError) and items[1].where == f"{lst}[2]"
    assert isinstance(items[2], ArticleInput) and items[2].id == "many-3"


def test_json_malformed_names_line(tmp_path: Path) -> None:
    p = tmp_path / "bad.json"
    p.write_text('{\n  "text": "x",\n  "date": \n}\n', encoding="utf-8")
    [err] = list(read_path(p))
    assert isinstance(err, InputError)
    assert err.where == f"{p}:4"
    assert "malformed JSON" in err.problem


# --------------------------------------------------------------------------- CSV


def test_csv_good_rows() -> None:
    path = DATA / "batch.csv"
    items = list(read_path(path))
    arts, errs = _split(items)
    assert errs == []
    assert [a.id for a in arts] == ["c1", "c2"]
    assert arts[0].date == dt.date(2024, 1, 10) and arts[0].title == "Talks"
    assert arts[1].title is None  # empty field -> None
    assert arts[0].text.startswith("Negotiators from both sides met in Valmora")
    assert arts[0].origin == f"{path}:2"


def test_csv_without_text_column(tmp_path: Path) -> None:
    p = tmp_path / "notext.csv"
    p.write_text("id,body\n1,Something happened.\n", encoding="utf-8")
    [err] = list(read_path(p))
    assert isinstance(err, InputError)
    assert err.where == f"{p}:1"
    assert "no 'text' column" in err.problem


def test_csv_row_with_extra_fields(tmp_path: Path) -> None:
    p = tmp_path / "extra.csv"
    p.write_text(
        "id,text\nr1,Good row.\nr2,Bad row,unexpected,fields\nr3,Another good row.\n",
        encoding="utf-8",
    )
    items = list(read_path(p))
    assert len(items) == 3
    assert isinstance(items[0], ArticleInput) and items[0].id == "r1"
    assert isinstance(items[1], InputError) and items[1].where == f"{p}:3"
    assert "more fields" in items[1].problem
    assert isinstance(items[2], ArticleInput) and items[2].id == "r3"


# --------------------------------------------------------------------------- directories


def test_directory_recursive_by_extension_hidden_ignored(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / ".hidden").mkdir()
    (root / "b.txt").write_text("Second article text.", encoding="utf-8")
    (root / "a.txt").write_text("First article text.", encoding="utf-8")
    (root / "sub" / "deeper" / "c.jsonl").write_text('{"id": "c", "text": "Third."}\n')
    (root / "notes.docx").write_bytes(b"PK\x03\x04")
    (root / ".secret.txt").write_text("hidden file", encoding="utf-8")
    (root / ".hidden" / "d.txt").write_text("hidden dir", encoding="utf-8")
    paths = list(iter_paths([root]))
    assert all(isinstance(p, Path) for p in paths)
    assert [p.relative_to(root).as_posix() for p in paths] == [  # type: ignore[union-attr]
        "a.txt",
        "b.txt",
        "sub/deeper/c.jsonl",
    ]
    arts, errs = _split(list(read_paths([root])))
    assert errs == []
    assert [a.id for a in arts] == ["a", "b", "c"]


def test_directory_without_supported_files(tmp_path: Path) -> None:
    (tmp_path / "x.docx").write_bytes(b"PK")
    [err] = list(iter_paths([tmp_path]))
    assert isinstance(err, InputError)
    assert err.where == str(tmp_path)
    assert "no supported files" in err.problem


# --------------------------------------------------------------------------- gzip


def test_gzip_jsonl(tmp_path: Path) -> None:
    p = tmp_path / "feed.jsonl.gz"
    lines = [json.dumps({"id": f"g{i}", "text": f"Article number {i}."}) for i in range(3)]
    p.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    arts, errs = _split(list(read_path(p)))
    assert errs == []
    assert [a.id for a in arts] == ["g0", "g1", "g2"]


def test_gzip_txt_stem(tmp_path: Path) -> None:
    p = tmp_path / "story.txt.gz"
    p.write_bytes(gzip.compress(b"The port reopened on Monday."))
    [a] = list(read_path(p))
    assert isinstance(a, ArticleInput) and a.id == "story"


def test_truncated_gzip_jsonl_keeps_complete_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": f"t{i}", "text": f"Record {i}: " + "filler words " * 40})
        for i in range(200)
    ]
    full = gzip.compress(("\n".join(lines) + "\n").encode(), compresslevel=1)
    p = tmp_path / "cut.jsonl.gz"
    p.write_bytes(full[: len(full) // 2])
    items = list(read_path(p))
    assert isinstance(items[0], InputError)
    assert items[0].where == str(p) and "truncated" in items[0].problem
    arts, errs = _split(items[1:])
    assert errs == []  # only complete lines are read: no malformed partial line
    assert 0 < len(arts) < 200
    assert [a.id for a in arts] == [f"t{i}" for i in range(len(arts))]


def test_truncated_gzip_txt_is_an_error(tmp_path: Path) -> None:
    full = gzip.compress(b"Some article text. " * 500)
    p = tmp_path / "cut.txt.gz"
    p.write_bytes(full[: len(full) // 2])
    [err] = list(read_path(p))
    assert isinstance(err, InputError) and err.where == str(p)
    assert "gzip" in err.problem


# --------------------------------------------------------------------------- streams


def test_stream_sniffs_jsonl() -> None:
    data = b'{"id": "s1", "text": "One."}\n{"id": "s2", "text": "Two."}\n'
    arts, errs = _split(list(read_stream(io.BytesIO(data))))
    assert errs == [] and [a.id for a in arts] == ["s1", "s2"]
    assert arts[0].origin == "<stdin>:1"


def test_stream_sniffs_json_list_and_text() -> None:
    [a] = list(read_stream(io.BytesIO(b' [{"text": "Listed."}]')))
    assert isinstance(a, ArticleInput) and a.text == "Listed."
    raw = b"date 2020-01-06\n\nTroops left the base."
    [t] = list(read_stream(io.BytesIO(raw)))
    assert isinstance(t, ArticleInput)
    assert t.text == raw.decode() and t.date == dt.date(2020, 1, 6) and t.id == "stdin"


def test_stream_sniffs_html() -> None:
    data = (DATA / "grain_deal.html").read_bytes()
    [a] = list(read_stream(io.BytesIO(data), name="<pipe>"))
    assert isinstance(a, ArticleInput)
    assert a.title == "Ministers agree on grain deal" and a.origin == "<pipe>"


def test_stream_empty() -> None:
    [err] = list(read_stream(io.BytesIO(b"   \n")))
    assert isinstance(err, InputError) and err.where == "<stdin>"


# --------------------------------------------------------------------------- bad files


def test_binary_file(tmp_path: Path) -> None:
    p = tmp_path / "image.txt"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    [err] = list(read_path(p))
    assert isinstance(err, InputError)
    assert err.where == str(p) and "binary" in err.problem
    assert str(err).startswith(f"{p}: ")


def test_undecodable_bytes_replaced_with_warning(tmp_path: Path) -> None:
    p = tmp_path / "latin.txt"
    p.write_bytes("Caf\u00e9 owners protested in S\u00e3o Tom\u00e9.".encode("latin-1"))
    [a] = list(read_path(p))
    assert isinstance(a, ArticleInput)
    assert a.text.count("\ufffd") == 3
    assert a.text.startswith("Caf\ufffd owners")
    assert len(a.warnings) == 1
    assert a.warnings[0].startswith(f"{p}: not valid UTF-8") and "3 undecodable" in a.warnings[0]


def test_utf8_bom_is_dropped(tmp_path: Path) -> None:
    p = tmp_path / "bom.txt"
    p.write_bytes(b"\xef\xbb\xbfdate 2020-01-06\n\nText.")
    [a] = list(read_path(p))
    assert isinstance(a, ArticleInput)
    assert a.text.startswith("date") and a.date == dt.date(2020, 1, 6) and a.warnings == []


@pytest.mark.parametrize(
    ("content", "problem"), [(b"", "empty file"), (b" \n\t\n", "only whitespace")]
)
@pytest.mark.parametrize("ext", [".txt", ".jsonl", ".json", ".csv"])
def test_empty_and_whitespace_files(tmp_path: Path, content: bytes, problem: str, ext: str) -> None:
    p = tmp_path / f"blank{ext}"
    p.write_bytes(content)
    [err] = list(read_path(p))
    assert isinstance(err, InputError)
    assert err.where == str(p)
    assert problem in err.problem


def test_unknown_extension(tmp_path: Path) -> None:
    p = tmp_path / "report.pdf"
    p.write_bytes(b"%PDF-1.4")
    [err] = list(read_path(p))
    assert isinstance(err, InputError)
    assert err.where == str(p)
    assert "unsupported file type '.pdf'" in err.problem


def test_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.txt"
    good = DATA / "no_header.txt"
    items = list(read_paths([missing, good]))
    assert isinstance(items[0], InputError)
    assert items[0].where == str(missing) and "no such file" in items[0].problem
    assert isinstance(items[1], ArticleInput)  # one bad path never stops the others


# --------------------------------------------------------------------------- parse_date


@pytest.mark.parametrize(
    "value",
    [
        "2020-01-06",
        "2020-1-6",
        " 2020-01-06T14:30:00Z ",
        "Jan. 6, 2020",
        "January 6, 2020",
        "6 January 2020",
        dt.date(2020, 1, 6),
        dt.datetime(2020, 1, 6, 23, 59),
    ],
)
def test_parse_date_formats(value: object) -> None:
    assert parse_date(value) == dt.date(2020, 1, 6)


@pytest.mark.parametrize("value", [None, "", "   "])
def test_parse_date_none(value: object) -> None:
    assert parse_date(value) is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2020-02-30", "invalid date"),
        ("2021-13-01", "invalid date"),
        ("yesterday-ish", "invalid date"),
        ("1899-12-31", "implausible"),
        ("1066-10-14", "implausible"),
    ],
)
def test_parse_date_rejects(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_date(value)


def test_parse_date_future_window() -> None:
    today = dt.date(2024, 6, 1)
    assert parse_date("2025-06-01", today=today) == dt.date(2025, 6, 1)  # within a year
    with pytest.raises(ValueError, match="implausible"):
        parse_date("2026-06-03", today=today)
    with pytest.raises(ValueError, match="implausible"):
        parse_date("2999-01-01")
    assert parse_date("1900-01-01") == dt.date(1900, 1, 1)


def test_read_bytes_takes_the_format_from_a_uri_and_names_it_in_errors() -> None:
    import gzip

    from eventwire.read import read_bytes

    data = gzip.compress(b'{"id": "a", "text": "Police arrested two men."}\n{bad\n')
    items = list(read_bytes(data, "s3://bucket/news/day.jsonl.gz"))
    assert [type(i).__name__ for i in items] == ["ArticleInput", "InputError"]
    assert items[0].id == "a"
    assert str(items[1]).startswith("s3://bucket/news/day.jsonl.gz:2")
    (err,) = list(read_bytes(b"x", "s3://bucket/report.pdf"))
    assert "unsupported file type '.pdf'" in str(err)


# --------------------------------------------------------------------------- hostile files
# (issue #11: every bad file or record is named by file and line, the rest is read)


def test_csv_unclosed_quote_reports_its_row_and_reads_on(tmp_path: Path) -> None:
    p = tmp_path / "quotes.csv"
    p.write_text(
        'id,text\nr1,"A quote that is never closed\nr2,Second row.\nr3,"Third, quoted."\n',
        encoding="utf-8",
    )
    items = list(read_path(p))
    err = items[0]
    assert isinstance(err, InputError) and err.where == f"{p}:2"
    assert "not closed" in err.problem and "row skipped" in err.problem
    arts, errs = _split(items[1:])
    assert errs == []
    assert [(a.id, a.text, a.origin) for a in arts] == [
        ("r2", "Second row.", f"{p}:3"),
        ("r3", "Third, quoted.", f"{p}:4"),
    ]


def test_csv_quote_open_to_the_end_of_the_file(tmp_path: Path) -> None:
    p = tmp_path / "eof.csv"
    p.write_text('id,text\nr1,Fine.\nr2,"Runs to the end\n', encoding="utf-8")
    a, err = list(read_path(p))
    assert isinstance(a, ArticleInput) and a.id == "r1"
    assert isinstance(err, InputError) and err.where == f"{p}:3"
    assert "unexpected end of data" in err.problem


def test_csv_stray_quote_in_one_row_is_read_leniently_with_a_warning(tmp_path: Path) -> None:
    p = tmp_path / "stray.csv"
    p.write_text('id,text\nr1,"Quoted"tail\nr2,Next.\n', encoding="utf-8")
    a1, a2 = list(read_path(p))
    assert isinstance(a1, ArticleInput) and a1.text == "Quotedtail"
    assert a1.warnings == [
        f"{p}:2: malformed CSV quoting (',' expected after '\"'); row read leniently"
    ]
    assert isinstance(a2, ArticleInput) and a2.text == "Next." and a2.warnings == []


def test_csv_multiline_fields_and_blank_lines_keep_line_numbers(tmp_path: Path) -> None:
    p = tmp_path / "multi.csv"
    p.write_text('id,text\n\nm1,"First paragraph.\n\nSecond paragraph."\nm2,Last.\n')
    m1, m2 = list(read_path(p))
    assert isinstance(m1, ArticleInput) and m1.text == "First paragraph.\n\nSecond paragraph."
    assert m1.origin == f"{p}:5"  # as before: the line where the row ends
    assert isinstance(m2, ArticleInput) and m2.origin == f"{p}:6"


def test_csv_with_many_unclosed_quotes_gives_up_in_bounded_time(tmp_path: Path) -> None:
    from eventwire.read.files import MAX_CSV_RESYNCS

    p = tmp_path / "hostile.csv"
    p.write_text("id,text\n" + 'r,"x\n' * 5000 + "last,row\n", encoding="utf-8")
    items = list(read_path(p))
    assert len(items) == MAX_CSV_RESYNCS + 1
    assert all(isinstance(i, InputError) for i in items)
    assert "the rest of the file is skipped" in items[-1].problem  # type: ignore[union-attr]


def test_csv_bad_header(tmp_path: Path) -> None:
    p = tmp_path / "header.csv"
    p.write_text('"id,text\nx,y\n', encoding="utf-8")
    [err] = list(read_path(p))
    assert isinstance(err, InputError) and err.where == f"{p}:1"


def test_truncated_jsonl_keeps_the_complete_lines(tmp_path: Path) -> None:
    lines = [json.dumps({"id": f"j{i}", "text": f"Record {i} text."}) for i in range(5)]
    data = "\n".join(lines)
    p = tmp_path / "cut.jsonl"
    p.write_text(data[: len(data) - 9], encoding="utf-8")  # the last record is cut
    items = list(read_path(p))
    arts, errs = _split(items)
    assert [a.id for a in arts] == ["j0", "j1", "j2", "j3"]
    [err] = errs
    assert err.where == f"{p}:5" and "malformed JSON" in err.problem


@pytest.mark.parametrize("name", ["feed.jsonl", "one.json", "rows.csv", "page.html", "a.txt.gz"])
def test_binary_content_in_any_format(tmp_path: Path, name: str) -> None:
    blob = bytes(range(256)) * 8
    p = tmp_path / name
    p.write_bytes(gzip.compress(blob) if name.endswith(".gz") else blob)
    [err] = list(read_path(p))
    assert isinstance(err, InputError) and err.where == str(p) and "binary" in err.problem


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_a_byte_order_mark_are_decoded(tmp_path: Path, encoding: str) -> None:
    import codecs

    text = "date 2020-01-06\n\nCafé owners protested in São Tomé on Monday."
    bom = {"utf-16": b"", "utf-16-be": codecs.BOM_UTF16_BE, "utf-32": b""}[encoding]
    p = tmp_path / "wide.txt"
    p.write_bytes(bom + text.encode(encoding))
    [a] = list(read_path(p))
    assert isinstance(a, ArticleInput), a
    assert a.text == text and a.date == dt.date(2020, 1, 6) and a.warnings == []


def test_utf16_without_a_byte_order_mark_is_binary(tmp_path: Path) -> None:
    p = tmp_path / "wide.txt"
    p.write_bytes("Plain words.".encode("utf-16-le"))
    [err] = list(read_path(p))
    assert isinstance(err, InputError) and "binary" in err.problem


def test_csv_decoding_warning_reaches_the_first_article(tmp_path: Path) -> None:
    p = tmp_path / "latin.csv"
    p.write_bytes("id,text\nc1,Caf\u00e9 owners protested.\nc2,Second.\n".encode("latin-1"))
    c1, c2 = list(read_path(p))
    assert isinstance(c1, ArticleInput) and isinstance(c2, ArticleInput)
    assert c1.text == "Caf\ufffd owners protested."
    assert len(c1.warnings) == 1 and "not valid UTF-8" in c1.warnings[0]
    assert c2.warnings == []


def test_html_page_without_body_tag(tmp_path: Path) -> None:
    p = tmp_path / "nobody.html"
    para = "<p>Police arrested twenty protesters in Lagos on Monday, officials said.</p>"
    p.write_text(f"<html><head><title>Arrests</title></head>{para * 3}</html>")
    [a] = list(read_path(p))
    assert isinstance(a, ArticleInput) and a.title == "Arrests"
    assert "Police arrested twenty protesters" in a.text
    p.write_text("<html><head><title>Only a head</title></head></html>")
    [err] = list(read_path(p))
    assert isinstance(err, InputError) and "no article text" in err.problem


@pytest.mark.parametrize("depth", [300, 20_000])
def test_deeply_nested_html_keeps_its_text(tmp_path: Path, depth: int) -> None:
    body = (
        "<p>Police arrested twenty protesters in Lagos on Monday.</p>"
        "<p>The army said it had no plans to withdraw.</p><script>var s = '<div>';</script>"
    )
    page = (
        "<html><head><title>Deep</title></head><body><nav>Home | Sport</nav>"
        + "<div>" * depth + body + "</div>" * depth + "</body></html>"
    )  # fmt: skip
    p = tmp_path / "deep.html"
    p.write_text(page, encoding="utf-8")
    [a] = list(read_path(p))
    assert isinstance(a, ArticleInput), a
    assert a.text == (
        "Police arrested twenty protesters in Lagos on Monday.\n\n"
        "The army said it had no plans to withdraw."
    )
    assert a.title == "Deep"
    [w] = a.warnings
    assert w.startswith(f"{p}: elements nested {depth:,} deep")


def test_html_tag_scan_is_linear_on_hostile_markup() -> None:
    import time

    from eventwire.read.files import _tag_depth

    for hostile in ("<a" * 200_000, "<div>" * 200_000, "<!--" * 200_000, "<script>" * 100_000):
        t0 = time.perf_counter()
        _tag_depth(hostile)
        assert time.perf_counter() - t0 < 2.0, hostile[:10]


def test_duplicate_ids_are_reported_and_every_record_kept(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "story.txt").write_text("First story.", encoding="utf-8")
    (tmp_path / "b" / "story.txt").write_text("Another story.", encoding="utf-8")
    feed = tmp_path / "b" / "feed.jsonl"
    feed.write_text(
        '{"id": "x", "text": "One."}\n{"id": "y", "text": "Two."}\n{"id": "x", "text": "Three."}\n'
    )
    items = list(read_paths([tmp_path]))
    arts, errs = _split(items)
    assert errs == [] and len(arts) == 5
    by_origin = {a.origin: a for a in arts}
    dup = by_origin[f"{feed}:3"]
    assert dup.warnings == [
        f"{feed}:3: duplicate id 'x' (first used at {feed}:1); both records are kept"
    ]
    second = by_origin[str(tmp_path / "b" / "story.txt")]
    assert second.warnings == [
        f"{second.origin}: duplicate id 'story' (first used at "
        f"{tmp_path / 'a' / 'story.txt'}); both records are kept"
    ]
    assert sum(bool(a.warnings) for a in arts) == 2


def test_lone_surrogates_in_json_are_replaced_with_a_warning(tmp_path: Path) -> None:
    p = tmp_path / "s.jsonl"
    p.write_text(
        '{"id": "s1", "title": "T\\udc00", "text": "Police \\ud800arrested 20 people."}\n'
        '{"id": "s2", "text": "Fine \\ud83d\\ude00 pair."}\n',
        encoding="utf-8",
    )
    s1, s2 = list(read_path(p))
    assert isinstance(s1, ArticleInput) and isinstance(s2, ArticleInput)
    assert s1.text == "Police \ufffdarrested 20 people." and s1.title == "T\ufffd"
    assert len(s1.warnings) == 1 and s1.warnings[0].startswith(f"{p}:1: 1 lone surrogate")
    assert s2.text == "Fine \U0001f600 pair." and s2.warnings == []  # a valid pair is kept
    s1.text.encode("utf-8")


def test_record_id_of_the_wrong_type(tmp_path: Path) -> None:
    p = tmp_path / "ids.jsonl"
    p.write_text('{"id": {"a": 1}, "text": "x"}\n{"id": 7.5, "text": "y"}\n')
    err, a = list(read_path(p))
    assert isinstance(err, InputError) and err.where == f"{p}:1"
    assert "'id' must be a string or a number" in err.problem
    assert isinstance(a, ArticleInput) and a.id == "7.5"


def test_header_field_with_a_long_blank_run_is_read_in_linear_time(tmp_path: Path) -> None:
    import time

    p = tmp_path / "blank-run.txt"
    p.write_text("Title: Storm" + " " * 300_000 + "x\n\nThe storm hit.\n", encoding="utf-8")
    t0 = time.perf_counter()
    [a] = list(read_path(p))
    assert time.perf_counter() - t0 < 2.0  # the old pattern took minutes
    assert isinstance(a, ArticleInput) and a.title == "Storm" + " " * 300_000 + "x"


def test_five_megabyte_article_is_read_whole(tmp_path: Path) -> None:
    para = "Police arrested twenty protesters in Lagos on Monday, officials said. " * 20
    text = "Title: Big\n\n" + "\n\n".join([para] * 3600)
    assert len(text) > 5_000_000
    p = tmp_path / "big.txt"
    p.write_text(text, encoding="utf-8")
    [a] = list(read_path(p))
    assert isinstance(a, ArticleInput) and a.text == text and a.title == "Big"
