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
