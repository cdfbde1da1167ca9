"""Opening a corpus store: the DuckDB connection, the lock, schema migrations."""

from __future__ import annotations

import contextlib
import re
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb

from ..errors import EventwireError
from .schema import INDEXES, MIGRATIONS, SCHEMA_VERSION, TABLES, ddl

#: Default database file, in the working directory.
DEFAULT_DB = "eventwire.duckdb"


class StoreError(EventwireError):
    """The store cannot be opened or used (message names the file)."""


class StoreLockedError(StoreError):
    """Another process holds the store's write lock."""


_PID = re.compile(r"PID (\d+)")
_SIZE = re.compile(r"^\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$", re.I)

#: DuckDB memory limit while ingest writes batches. DuckDB's buffer pool otherwise
#: keeps written blocks cached up to 80 % of RAM, so the process grows with the store;
#: 64MB kept peak RSS flat (bench/store_scale.py) for about 10 % less throughput.
INGEST_MEMORY_LIMIT = "64MB"


def set_memory_limit(con: duckdb.DuckDBPyConnection, limit: str | None) -> None:
    """Cap DuckDB's memory (e.g. ``"64MB"``); ``None`` restores the default."""
    if limit is None:
        con.execute("RESET memory_limit")
        return
    if not _SIZE.match(limit):
        raise StoreError(f"invalid memory limit {limit!r} (e.g. 64MB, 1GB)")
    con.execute(f"SET memory_limit = '{limit.strip()}'")  # validated above


def _lock_message(path: Path, exc: Exception) -> str:
    m = _PID.search(str(exc))
    who = f"process {m.group(1)}" if m else "another process"
    return (
        f"{path}: the store is in use by {who} (DuckDB allows one writer at a time); "
        "wait for it to finish (ingest and cluster accept --wait SECONDS)"
    )


_READ_ONLY = ("permission denied", "read-only file system", "operation not permitted")
_FULL = ("no space left", "file too large", "disk quota", "not enough space")


def _detail(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def write_error(path: str | Path, exc: BaseException) -> StoreError:
    """A message for a failed write to the store (disk full, read-only, ...)."""
    text = str(exc).lower()
    detail = _detail(exc)
    if any(k in text for k in _FULL):
        return StoreError(
            f"{path}: cannot write the store, the disk is full or the file too large "
            f"({detail}); every batch committed before is kept: free space and run the same "
            "command again to resume"
        )
    if any(k in text for k in _READ_ONLY):
        return StoreError(
            f"{path}: cannot write the store, it is read-only ({detail}); writing needs "
            f"write access to the file and to its directory (DuckDB keeps {Path(path).name}.wal "
            "beside it); query, sql, export, stats and serve work on a read-only store"
        )
    return StoreError(
        f"{path}: writing to the store failed ({detail}); every batch committed before is kept"
    )


def rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back the open transaction, if any: a failed COMMIT (disk full) has already
    ended it, and an error here would hide the one that matters."""
    with contextlib.suppress(duckdb.Error):
        con.execute("ROLLBACK")


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text and ("conflicting" in text or "could not set" in text)


def connect(
    path: str | Path, *, read_only: bool = False, wait: float = 0.0
) -> duckdb.DuckDBPyConnection:
    """A connection to the store at ``path``; waits up to ``wait`` s for another writer."""
    path = Path(path)
    if read_only and not path.exists():
        raise StoreError(f"{path}: no such store (create one with `eventwire ingest`)")
    if not read_only and path.parent and not path.parent.exists():
        raise StoreError(f"{path}: directory {path.parent} does not exist")
    deadline = time.monotonic() + max(0.0, wait)
    delay = 0.1
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if not _is_lock_error(exc):
                if not read_only and any(k in str(exc).lower() for k in _READ_ONLY):
                    raise write_error(path, exc) from None
                raise StoreError(f"{path}: cannot open the store ({exc})") from None
            if time.monotonic() >= deadline:
                raise StoreLockedError(_lock_message(path, exc)) from None
            time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
            delay = min(delay * 2, 2.0)
        except duckdb.Error as exc:
            raise StoreError(f"{path}: cannot open the store ({exc})") from None


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The store's schema version (0 for an empty database)."""
    row = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchall()
    if not row or not row[0][0]:
        return 0
    rows = con.execute("SELECT max(version) FROM schema_version").fetchall()
    return int(rows[0][0]) if rows and rows[0][0] is not None else 0


def migrate(con: duckdb.DuckDBPyConnection, path: str | Path = "<store>") -> int:
    """Bring the store to :data:`SCHEMA_VERSION`; returns the version it had."""
    current = schema_version(con)
    if current > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: store schema version {current} is newer than this eventwire "
            f"supports ({SCHEMA_VERSION}); upgrade eventwire"
        )
    if current == SCHEMA_VERSION:
        return current
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER, applied_at TIMESTAMP)"
        )
        if current == 0:
            # a new store gets the current schema directly
            for table in TABLES:
                con.execute(ddl(table))
            for stmt in INDEXES:
                con.execute(stmt)
            con.execute(
                "INSERT INTO schema_version VALUES (?, current_timestamp)", [SCHEMA_VERSION]
            )
        else:
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for stmt in MIGRATIONS[version]:
                    con.execute(stmt)
                con.execute("INSERT INTO schema_version VALUES (?, current_timestamp)", [version])
        con.execute("COMMIT")
    except Exception:
        rollback(con)
        raise
    return current


class Store:
    """A corpus store opened for writing (``read_only`` for queries)."""

    def __init__(self, path: str | Path, *, read_only: bool = False, wait: float = 0.0) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self.con = connect(self.path, read_only=read_only, wait=wait)
        if read_only:
            version = schema_version(self.con)
            if version == 0:
                self.con.close()
                raise StoreError(f"{self.path}: not an eventwire store (no schema_version table)")
            if version != SCHEMA_VERSION:
                self.con.close()
                raise StoreError(
                    f"{self.path}: store schema version {version}, this eventwire needs "
                    f"{SCHEMA_VERSION}; open it once for writing (e.g. `eventwire ingest`) "
                    "to migrate it"
                )
        else:
            try:
                migrate(self.con, self.path)
            except duckdb.Error as exc:
                with contextlib.suppress(duckdb.Error):
                    self.con.close()
                raise write_error(self.path, exc) from None
            except Exception:
                with contextlib.suppress(duckdb.Error):
                    self.con.close()
                raise

    def execute(self, sql: str, params: list[Any] | None = None) -> duckdb.DuckDBPyConnection:
        return self.con.execute(sql, params or [])

    def scalar(self, sql: str, params: list[Any] | None = None) -> Any:
        rows = self.con.execute(sql, params or []).fetchall()
        return rows[0][0] if rows else None

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
