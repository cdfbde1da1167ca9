"""Summary figures of a store (``eventwire stats``)."""

from __future__ import annotations

from typing import Any

import duckdb


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[Any]:
    return con.execute(sql, params or []).fetchall()


def store_stats(con: duckdb.DuckDBPyConnection, top: int = 20) -> dict[str, Any]:
    """Counts by table, event type, country and month, clusters, runs and failures."""

    def one(sql: str) -> Any:
        rows = con.execute(sql).fetchall()
        row = rows[0] if rows else None
        return row[0] if row else None

    return {
        "articles": one("SELECT count(*) FROM articles"),
        "duplicates": one("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL"),
        "events": one("SELECT count(*) FROM events"),
        "asserted_events": one("SELECT count(*) FROM events WHERE factuality = 'asserted'"),
        "quotes": one("SELECT count(*) FROM quotes"),
        "entities": one("SELECT count(*) FROM entities"),
        "places": one("SELECT count(*) FROM places"),
        "clusters": one("SELECT count(*) FROM clusters"),
        "multi_article_clusters": one("SELECT count(*) FROM clusters WHERE n_articles > 1"),
        "failures": one("SELECT count(*) FROM failures"),
        "pipeline_versions": dict(
            _rows(con, "SELECT pipeline_version, count(*) FROM articles GROUP BY 1 ORDER BY 2 DESC")
        ),
        "by_type": dict(
            _rows(con, "SELECT type, count(*) FROM events GROUP BY 1 ORDER BY 2 DESC, 1")
        ),
        "by_factuality": dict(
            _rows(con, "SELECT factuality, count(*) FROM events GROUP BY 1 ORDER BY 2 DESC, 1")
        ),
        "by_actor_country": dict(
            _rows(
                con,
                "SELECT coalesce(actor_country, '-'), count(*) FROM events "
                "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?",
                [top],
            )
        ),
        "by_location_country": dict(
            _rows(
                con,
                "SELECT coalesce(location_country, '-'), count(*) FROM events "
                "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?",
                [top],
            )
        ),
        "by_month": dict(
            _rows(
                con,
                "SELECT coalesce(strftime(day, '%Y-%m'), '-'), count(*) FROM events "
                "GROUP BY 1 ORDER BY 1",
            )
        ),
        "runs": [
            dict(
                zip(
                    (
                        "run_id",
                        "status",
                        "started_at",
                        "read",
                        "stored",
                        "skipped",
                        "failed",
                        "events",
                    ),
                    (str(v) if i == 2 else v for i, v in enumerate(r)),
                    strict=True,
                )
            )
            for r in _rows(
                con,
                "SELECT run_id, status, started_at, n_read, n_stored, n_skipped, n_failed, n_events "
                "FROM ingest_runs ORDER BY run_id DESC LIMIT 5",
            )
        ],
        "recent_failures": [
            {"run_id": r[0], "location": r[1], "error": r[2]}
            for r in _rows(
                con,
                "SELECT run_id, location, error FROM failures ORDER BY run_id DESC, failed_at DESC LIMIT ?",
                [top],
            )
        ],
    }
