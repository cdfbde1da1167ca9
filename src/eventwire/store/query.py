"""Filtered, parameterized queries over the stored event mentions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from .db import StoreError

#: Columns a query returns by default (``events`` joined with its article).
EVENT_COLUMNS: tuple[str, ...] = (
    "article_id", "event_id", "type", "mode", "cameo", "actor_text", "actor_name",
    "actor_country", "actor_sector", "target_text", "target_name", "target_country",
    "target_sector", "date", "date_source", "day", "location_name", "location_country",
    "location_lat", "location_lon", "factuality", "confidence", "trigger_text",
    "trigger_start", "trigger_end", "sentence_start", "sentence_end", "sentence", "coref",
    "segment", "source_text", "cluster_id",
)  # fmt: skip

FACTUALITIES = ("asserted", "negated", "future", "hypothetical")


@dataclass
class EventFilter:
    """What ``eventwire query`` / ``export`` select. Empty fields do not filter."""

    types: list[str] = field(default_factory=list)
    actor_country: list[str] = field(default_factory=list)
    target_country: list[str] = field(default_factory=list)
    actor_sector: list[str] = field(default_factory=list)
    name: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    country: list[str] = field(default_factory=list)
    location: str | None = None
    #: "asserted" by default; "any" for every factuality
    factuality: list[str] = field(default_factory=lambda: ["asserted"])
    min_confidence: float | None = None
    text: str | None = None
    include_duplicates: bool = False
    cluster: int | None = None
    #: keep only the representative mention of each story with a matching mention
    stories: bool = False

    def where(self, alias: str = "e") -> tuple[str, list[Any]]:
        """The WHERE clause over ``events`` (as ``alias``) and its parameters."""
        if self.stories:
            return story_reps_where(replace(self, stories=False), alias)
        clauses: list[str] = []
        params: list[Any] = []

        def any_of(col: str, values: list[str], upper: bool = True) -> None:
            vals = [v.strip().upper() if upper else v.strip() for v in values if v.strip()]
            if vals:
                clauses.append(f"{col} IN (SELECT unnest(?::VARCHAR[]))")
                params.append(vals)

        any_of(f"{alias}.type", self.types)
        any_of(f"{alias}.actor_country", self.actor_country)
        any_of(f"{alias}.target_country", self.target_country)
        any_of(f"{alias}.actor_sector", self.actor_sector)
        any_of(f"{alias}.location_country", self.country)
        facts = [f.strip().lower() for f in self.factuality if f.strip()]
        if facts and "any" not in facts:
            bad = [f for f in facts if f not in FACTUALITIES]
            if bad:
                raise StoreError(
                    f"unknown factuality {bad[0]!r} (one of {', '.join(FACTUALITIES)}, any)"
                )
            clauses.append(f"{alias}.factuality IN (SELECT unnest(?::VARCHAR[]))")
            params.append(facts)
        if self.name:
            cols = ("actor_name", "actor_text", "target_name", "target_text")
            clauses.append("(" + " OR ".join(_contains(f"{alias}.{c}") for c in cols) + ")")
            params.extend([self.name.lower()] * 4)
        if self.location:
            clauses.append(
                f"({_contains(alias + '.location_name')} OR {_contains(alias + '.location_text')})"
            )
            params.extend([self.location.lower()] * 2)
        if self.text:
            clauses.append(f"{_contains(alias + '.sentence')}")
            params.append(self.text.lower())
        if self.since:
            clauses.append(f"{alias}.day >= ?")
            params.append(self.since)
        if self.until:
            clauses.append(f"{alias}.day <= ?")
            params.append(self.until)
        if self.min_confidence is not None:
            clauses.append(f"{alias}.confidence >= ?")
            params.append(self.min_confidence)
        if self.cluster is not None:
            clauses.append(f"{alias}.cluster_id = ?")
            params.append(self.cluster)
        if not self.include_duplicates:
            # an anti-join on the (few) copies: no join with articles needed
            clauses.append(
                f"{alias}.article_id NOT IN "
                "(SELECT id FROM articles WHERE duplicate_of IS NOT NULL)"
            )
        return (" AND ".join(clauses) or "TRUE"), params


def _contains(col: str) -> str:
    """Case-insensitive literal substring test (no LIKE wildcards in user text)."""
    return f"coalesce(contains(lower({col}), ?), false)"


def events_sql(
    flt: EventFilter,
    columns: tuple[str, ...] = EVENT_COLUMNS,
    *,
    extra: str = "",
    limit: int | None = None,
) -> tuple[str, list[Any]]:
    """SELECT of ``columns`` from ``events e`` (``extra`` may use ``articles a``), filtered,
    in (day, article, position) order.

    With a ``limit`` the matching rows are ranked on the narrow sort key first and
    only the first ``limit`` are then read whole (late materialization): sorting
    every wide matching row cost 2-3x more on 1M events."""
    where, params = flt.where("e")
    cols = ", ".join(f"e.{c}" for c in columns)
    order = "ORDER BY e.day NULLS LAST, e.article_id, e.trigger_start, e.event_id"
    source = "events e JOIN articles a ON a.id = e.article_id"
    if limit is None:
        return f"SELECT {cols}{extra} FROM {source} WHERE {where} {order}", params
    sql = (
        f"SELECT {cols}{extra} FROM {source} WHERE e.rowid IN "
        f"(SELECT e.rowid FROM events e WHERE {where} {order} LIMIT ?) {order}"
    )
    return sql, [*params, int(limit)]


#: Columns of a ``--stories`` row, in order.
STORY_COLUMNS: tuple[str, ...] = (
    "story", "type", "first_day", "last_day", "n_mentions", "n_articles", "n_sources",
    "rep_article_id", "rep_event_id", "actor_name", "actor_country", "target_name",
    "target_country", "trigger_text", "location_name", "location_country", "confidence",
    "sentence", "mention_ids",
)  # fmt: skip


def stories_sql(
    flt: EventFilter, *, limit: int | None = None, offset: int = 0
) -> tuple[str, list[Any]]:
    """One row per story (cluster) with at least one mention matching ``flt``: its
    representative mention, first/last day, ``n_mentions``, ``n_articles``, ``n_sources``
    (of the whole story) and its mention ids (``<article id>-<event id>``, in day
    order). Matching mentions outside any story (e.g. negated ones, or stored after
    the last clustering) are left out. In (first day, story) order."""
    where, params = replace(flt, stories=False).where("e")
    lim = ""
    if limit is not None:
        lim = " LIMIT ? OFFSET ?"
        params = [*params, int(limit), int(offset)]
    sql = f"""
        WITH hit AS (
          SELECT DISTINCT e.cluster_id FROM events e
          WHERE e.cluster_id IS NOT NULL AND {where}
        ), page AS (
          SELECT c.* FROM clusters c JOIN hit h ON h.cluster_id = c.cluster_id
          ORDER BY c.first_day NULLS LAST, c.cluster_id{lim}
        ), ids AS (
          SELECT x.cluster_id,
                 list(x.article_id || '-' || x.event_id
                      ORDER BY x.day NULLS LAST, x.article_id, x.trigger_start, x.event_id)
                   AS mention_ids
          FROM events x JOIN page p ON p.cluster_id = x.cluster_id
          GROUP BY x.cluster_id
        )
        SELECT p.cluster_id AS story, p.type, p.first_day, p.last_day, p.n_mentions,
               p.n_articles, p.n_sources, p.rep_article_id, p.rep_event_id,
               r.actor_name, r.actor_country, r.target_name, r.target_country,
               r.trigger_text, r.location_name, r.location_country, r.confidence,
               r.sentence, i.mention_ids
        FROM page p
        LEFT JOIN events r ON r.article_id = p.rep_article_id AND r.event_id = p.rep_event_id
        LEFT JOIN ids i ON i.cluster_id = p.cluster_id
        ORDER BY p.first_day NULLS LAST, p.cluster_id
    """
    return sql, params


def stories_count_sql(flt: EventFilter) -> tuple[str, list[Any]]:
    """The number of stories :func:`stories_sql` returns without a limit."""
    where, params = replace(flt, stories=False).where("e")
    return (
        f"SELECT count(DISTINCT e.cluster_id) FROM events e "
        f"WHERE e.cluster_id IS NOT NULL AND {where}",
        params,
    )


def story_reps_where(flt: EventFilter, alias: str = "e") -> tuple[str, list[Any]]:
    """A WHERE clause keeping, of ``events`` (as ``alias``), only the representative
    mention of each story with a mention matching ``flt``."""
    where, params = flt.where("f")
    return (
        f"EXISTS (SELECT 1 FROM clusters c WHERE c.rep_article_id = {alias}.article_id "
        f"AND c.rep_event_id = {alias}.event_id AND c.cluster_id IN "
        f"(SELECT f.cluster_id FROM events f WHERE f.cluster_id IS NOT NULL AND {where}))",
        params,
    )
