"""Shared set-up of the web tests (no tests here): a small store built once per session
by ingesting ``examples/articles`` with the real pipeline, through the store API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "articles"

_CACHE: dict[str, Path] = {}


def build_store(tmp_dir: Path, pipeline: Any) -> Path:
    """The path of the example store (built on the first call of the session)."""
    if "db" in _CACHE:
        return _CACHE["db"]
    from eventwire.read import read_paths
    from eventwire.store import Store, ingest
    from eventwire.store.cluster import cluster_store

    db = tmp_dir / "web.duckdb"
    with Store(db) as store:
        stats = ingest(store, pipeline, read_paths([str(EXAMPLES)]), inputs=[str(EXAMPLES)])
        assert stats.stored >= 8, stats
        cluster_store(store)
    _CACHE["db"] = db
    return db


class LiveServer:
    """The app served by uvicorn on a loopback port in a background thread."""

    def __init__(self, app: Any) -> None:
        import socket
        import threading

        import uvicorn

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = int(s.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        import time

        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
