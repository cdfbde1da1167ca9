"""``eventwire serve``: the HTTP API and dashboard. :func:`register` adds it to the CLI."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ..store.db import DEFAULT_DB

err = Console(stderr=True, highlight=False)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve_cmd(
    db: Annotated[
        Path, typer.Option("--db", help="The store (a DuckDB file).", show_default=True)
    ] = Path(DEFAULT_DB),
    host: Annotated[
        str, typer.Option(help="Address to bind; anything but loopback exposes the API.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    max_body: Annotated[
        int, typer.Option("--max-body", min=1024, help="Largest request body in bytes.")
    ] = 1_000_000,
    body_timeout: Annotated[
        float,
        typer.Option(
            "--body-timeout",
            min=0.1,
            help="Seconds a client may pause while sending a request body (then 408).",
        ),
    ] = 30.0,
    model: Annotated[str | None, typer.Option(help="spaCy model for POST /extract.")] = None,
) -> None:
    """Serve the HTTP API (/docs) and the dashboard (/) over a store."""
    try:
        import uvicorn

        from .app import create_app
    except ImportError as exc:  # pragma: no cover - install hint
        err.print(f"[bold red]error:[/] the web server needs fastapi and uvicorn ({exc})")
        raise typer.Exit(2) from None

    if not db.exists():
        err.print(
            f"[yellow]warning:[/] {db}: no such store; only /extract and /health will work "
            "(create one with `eventwire ingest`)"
        )
    if not _is_loopback(host):
        err.print(
            f"[yellow]warning:[/] binding {host}: the API has no authentication and anyone "
            "who can reach this address can use it"
        )

    def factory() -> object:
        from ..pipeline import Pipeline, PipelineConfig

        return Pipeline(PipelineConfig(model=model))

    app = create_app(db, pipeline_factory=factory, max_body=max_body, body_timeout=body_timeout)
    err.print(f"eventwire: dashboard http://{host}:{port}/  API docs http://{host}:{port}/docs")
    uvicorn.run(app, host=host, port=port, log_level="info", server_header=False)


def register(app: typer.Typer) -> None:
    """Add ``serve`` to ``app``."""
    app.command("serve")(serve_cmd)
