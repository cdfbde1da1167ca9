"""The corpus store: ingest records at scale into DuckDB, query, export, cluster.

See ``docs/store.md`` for the schema and the commands.
"""

from __future__ import annotations

from .db import DEFAULT_DB, Store, StoreError, StoreLockedError
from .ingest import IngestStats, ingest
from .query import EventFilter
from .schema import SCHEMA_VERSION

__all__ = [
    "DEFAULT_DB",
    "SCHEMA_VERSION",
    "EventFilter",
    "IngestStats",
    "Store",
    "StoreError",
    "StoreLockedError",
    "ingest",
]
