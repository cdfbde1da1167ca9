"""The ``eventwire`` command line: a thin layer over the library API."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from rich.console import Console
from rich.table import Table

from . import __version__
from .errors import EventwireError, InputError

app = typer.Typer(
    name="eventwire",
    help="Turn news articles into structured, verifiable event data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, highlight=False)


class OutputFormat(StrEnum):
    jsonl = "jsonl"
    json = "json"
    table = "table"


def _fail(message: str, code: int = 2) -> typer.Exit:
    from rich.markup import escape

    err.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    return typer.Exit(code)


def _warn(message: str) -> None:
    from rich.markup import escape

    err.print(f"[yellow]warning:[/] {escape(message)}", soft_wrap=True)


def _parse_cli_date(value: str | None) -> dt.date | None:
    from .read import parse_date

    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        raise _fail(f"--date: {exc}") from None


def _make_pipeline(
    model: str | None,
    explain: bool,
    actors: list[Path] | None,
    batch_size: int,
    workers: int = 1,
    max_chars: int | None = None,
) -> Any:
    from .engine import make_pipeline
    from .pipeline import DEFAULT_MAX_CHARS, PipelineConfig

    stage_config: dict[str, dict[str, Any]] = {}
    if actors:
        for p in actors:
            if not p.exists():
                raise _fail(f"{p}: no such actor file")
        stage_config["actors"] = {"actor_files": [str(p) for p in actors]}
    try:
        return make_pipeline(
            PipelineConfig(
                model=model,
                explain=explain,
                batch_size=batch_size,
                stage_config=stage_config,
                max_chars=max_chars or DEFAULT_MAX_CHARS,
            ),
            workers,
        )
    except EventwireError as exc:
        raise _fail(str(exc)) from None


def _records(
    pipeline: Any, paths: list[str], date: dt.date | None, stats: dict[str, int]
) -> Iterator[Any]:
    """Records for every readable article; errors and warnings go to stderr."""
    from rich.markup import escape

    from .pipeline import Failure
    from .read import ArticleInput, read_paths

    printed: set[str] = set()  # reader warnings already shown, until their record comes

    def articles() -> Iterator[ArticleInput]:
        for item in read_paths(paths, default_date=date):
            if isinstance(item, InputError):
                stats["errors"] += 1
                err.print(f"[red]error:[/] {escape(str(item))}", soft_wrap=True, highlight=False)
                continue
            for w in item.warnings:
                _warn(w)
                printed.add(w)
            stats["read"] += 1
            yield item

    for result in pipeline.process(articles()):
        if isinstance(result, Failure):
            stats["errors"] += 1
            err.print(f"[red]error:[/] {escape(str(result))}", soft_wrap=True)
            continue
        for w in result.warnings:  # the pipeline's own (language, length, a failed stage)
            if w in printed:
                printed.discard(w)
            else:
                _warn(w)
        stats["ok"] += 1
        yield result


def _open_out(output: Path | None) -> TextIO:
    if output is None:
        return sys.stdout
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        return output.open("w", encoding="utf-8")
    except OSError as exc:
        raise _fail(f"{output}: cannot write ({exc.strerror or exc})") from None


@app.command()
def extract(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Files or directories (.txt .html .json .jsonl .csv, optionally .gz); '-' for stdin."
        ),
    ],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write here instead of stdout.")
    ] = None,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="jsonl, json or a readable table.")
    ] = OutputFormat.jsonl,
    date: Annotated[
        str | None, typer.Option(help="Publication date for articles that give none (YYYY-MM-DD).")
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(help="spaCy model package (default: $EVENTWIRE_MODEL or en_core_web_sm)."),
    ] = None,
    actors: Annotated[
        list[Path] | None, typer.Option("--actors", help="Extra actor knowledge file(s), TSV.")
    ] = None,
    explain: Annotated[
        bool, typer.Option(help="Add the rule and dependency paths behind each event.")
    ] = False,
    batch_size: Annotated[int, typer.Option(min=1, help="Articles per spaCy batch.")] = 16,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            help="Worker processes, each loading the pipeline once (default: the number of "
            "cores; 1 = in this process). Records stay in input order.",
        ),
    ] = None,
    max_chars: Annotated[
        int | None,
        typer.Option(
            "--max-chars",
            min=1,
            help="Analyse at most this many characters of an article (default 200,000); the "
            "record keeps the whole text and a warning.",
        ),
    ] = None,
) -> None:
    """Extract one record per article (EVENTS.md section 7)."""
    from .engine import default_workers

    pub = _parse_cli_date(date)
    pipeline = _make_pipeline(
        model, explain, actors, batch_size, workers or default_workers(), max_chars
    )
    stats = {"read": 0, "ok": 0, "errors": 0}
    records = _records(pipeline, paths, pub, stats)
    out = _open_out(output)
    try:
        if fmt is OutputFormat.table:
            render_tables(
                list(records), Console(file=out, width=160) if output else Console(width=160)
            )
        elif fmt is OutputFormat.json:
            items = [r.to_dict() for r in records]
            from .record import dumps_line

            out.write(dumps_line(items if len(items) != 1 else items[0], indent=2))
            out.write("\n")
        else:
            for rec in records:
                out.write(rec.to_json() + "\n")
                out.flush()
    except BrokenPipeError:  # e.g. `eventwire extract ... | head`
        sys.stderr.close()
        raise typer.Exit(0) from None
    finally:
        if output is not None:
            out.close()
        if hasattr(pipeline, "close"):
            pipeline.close()  # stops worker processes
    if output is not None:
        err.print(f"wrote {stats['ok']} record(s) to {output}", soft_wrap=True)
    if stats["ok"] == 0:
        raise _fail("no article could be processed", 1)


def render_tables(records: Iterable[Any], console: Console) -> None:
    """Readable tables of events and quotes, for a person."""
    records = list(records)
    events = Table(title="Events", show_lines=False, expand=True)
    for col in ("article", "type", "actor", "target", "date", "where", "factuality", "trigger"):
        events.add_column(col, overflow="fold")
    quotes = Table(title="Quotes", expand=True)
    for col in ("article", "speaker", "kind", "quote", "cue"):
        quotes.add_column(col, overflow="fold")

    def who(a: Any) -> str:
        if a is None:
            return ""
        code = "/".join(x for x in (a.country, a.sector) if x)
        return f"{a.name or a.text}" + (f" [{code}]" if code else "")

    for rec in records:
        for ev in rec.events:
            style = None if ev.factuality == "asserted" else "dim"
            events.add_row(
                rec.id,
                ev.type + (f" ({ev.mode})" if ev.mode else ""),
                who(ev.actor),
                who(ev.target),
                ev.date or "",
                (ev.location.name or ev.location.text or "") if ev.location else "",
                ev.factuality,
                ev.trigger.text,
                style=style,
            )
        for q in rec.quotes:
            speaker = q.speaker.name or q.speaker.text if q.speaker else ""
            quotes.add_row(rec.id, speaker or "?", q.kind, q.text, q.cue or "")
    console.print(events)
    console.print(quotes)
    n_ev = sum(len(r.events) for r in records)
    n_as = sum(1 for r in records for e in r.events if e.factuality == "asserted")
    console.print(
        f"{len(records)} article(s), {n_ev} event mention(s) ({n_as} asserted), "
        f"{sum(len(r.quotes) for r in records)} quote(s)"
    )


@app.command()
def quotes(
    paths: Annotated[list[str], typer.Argument(help="Files or directories; '-' for stdin.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or jsonl")] = "table",
    date: Annotated[
        str | None, typer.Option(help="Publication date for articles that give none.")
    ] = None,
    model: Annotated[str | None, typer.Option(help="spaCy model package.")] = None,
) -> None:
    """Print who said what: every quote with its speaker and cue."""
    from .record import dumps_line

    if fmt not in ("table", "jsonl"):
        raise _fail("--format must be 'table' or 'jsonl'")
    pipeline = _make_pipeline(model, False, None, 16)
    stats = {"read": 0, "ok": 0, "errors": 0}
    console = Console(width=160)
    table = Table(title="Quotes", expand=True)
    for col in ("article", "speaker", "kind", "quote", "cue"):
        table.add_column(col, overflow="fold")
    for rec in _records(pipeline, paths, _parse_cli_date(date), stats):
        for q in rec.quotes:
            if fmt == "jsonl":
                sys.stdout.write(
                    dumps_line({"article": rec.id, **q.model_dump(mode="json")}) + "\n"
                )
            else:
                sp = (q.speaker.name or q.speaker.text) if q.speaker else None
                table.add_row(rec.id, sp or "?", q.kind, q.text, q.cue or "")
    if fmt == "table":
        console.print(table)
    if stats["ok"] == 0:
        raise _fail("no article could be processed", 1)


@app.command("eval")
def eval_cmd(
    gold_dir: Annotated[
        Path, typer.Argument(help="Directory of gold JSON files (EVENTS.md section 9).")
    ],
    detail: Annotated[
        bool, typer.Option("--detail", help="List misses, false positives and leaks.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    model: Annotated[str | None, typer.Option(help="spaCy model package.")] = None,
) -> None:
    """Score the pipeline against gold annotations and print the figures.

    The figures agree with the reference scorer (shared/eval/scoring/score.py and
    calibration.py for ece), whose rules eventwire.evaluate follows.
    """
    from rich.markup import escape

    from .evaluate import evaluate, load_gold_dir
    from .pipeline import Failure
    from .read import ArticleInput, parse_date

    try:
        gold, errors = load_gold_dir(gold_dir)
    except InputError as exc:
        raise _fail(str(exc)) from None
    for e in errors:
        err.print(f"[red]error:[/] {escape(str(e))}", soft_wrap=True)
    if not gold:
        raise _fail(f"{gold_dir}: no gold files could be read", 1)
    pipeline = _make_pipeline(model, False, None, 16)
    articles = []
    for g in gold:
        try:
            pub = parse_date(g.date)
        except ValueError as exc:
            _warn(f"{g.path}: {exc}")
            pub = None
        articles.append(ArticleInput(text=g.text, id=g.id, date=pub, origin=g.path))
    records = []
    for g, res in zip(gold, pipeline.process(articles), strict=True):
        if isinstance(res, Failure):
            raise _fail(f"{g.path}: {res.problem}", 1)
        for w in res.warnings:
            if "failed (" in w:  # a stage that crashed: the figures would silently drop
                _warn(w)
        records.append(res)
    scores = evaluate(gold, records)
    figures = scores.figures()
    if as_json:
        out: dict[str, Any] = {"figures": figures}
        if detail:
            out["details"] = scores.details
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return
    console = Console(width=140)
    table = Table(title=f"eventwire eval — {gold_dir} ({len(gold)} articles)")
    table.add_column("figure")
    table.add_column("value", justify="right")
    # three places of the unrounded figures, as the reference scorer prints them
    for k, v in scores.figures(digits=None).items():
        table.add_row(k, "n/a" if v is None else (f"{v:.3f}" if isinstance(v, float) else str(v)))
    console.print(table)
    if detail:
        for d in scores.details:
            if not any(d.get(k) for k in d if k != "id"):
                continue
            console.rule(d["id"])
            for key in ("missed", "false_positives", "leaks", "wrong_arguments", "quote_missed",
                        "quote_false", "wrong_speakers", "bad_evidence"):  # fmt: skip
                for item in d.get(key) or []:
                    console.print(
                        f"[bold]{key}[/]: {json.dumps(item, ensure_ascii=False)}",
                        soft_wrap=True,
                        highlight=False,
                    )


@app.command()
def schema(
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write the schema to this file.")
    ] = None,
) -> None:
    """Print the JSON Schema of one output record."""
    from .record import json_schema

    text = json.dumps(json_schema(), indent=2) + "\n"
    if output:
        output.write_text(text, encoding="utf-8")
        err.print(f"wrote {output}", soft_wrap=True)
    else:
        sys.stdout.write(text)


@app.command()
def version() -> None:
    """Print eventwire's version and the spaCy model it would use."""
    from .nlp import resolve_model_name

    try:
        model = resolve_model_name()
    except EventwireError as exc:
        model = f"none ({exc})"
    print(f"eventwire {__version__}; spaCy model: {model}")


def _register_store_commands() -> None:
    """``ingest``, ``query``, ``sql``, ``export``, ``stats``, ``cluster`` (the corpus store)."""
    from .store.commands import register

    register(app)


_register_store_commands()


def _register_web_commands() -> None:
    """``serve``: the HTTP API and the dashboard."""
    from .web.commands import register

    register(app)


_register_web_commands()


def main() -> None:
    """Entry point of the ``eventwire`` script."""
    try:
        app()
    except EventwireError as exc:
        from rich.markup import escape

        err.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
        sys.exit(2)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()
