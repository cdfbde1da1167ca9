"""The corpus store's tables, as one declaration used for the DDL and for bulk inserts.

Every table is a list of ``(column, DuckDB type)``; :func:`ddl` turns it into
``CREATE TABLE`` and :func:`arrow_schema` into the pyarrow schema of the batch
tables that ingest inserts (one ``INSERT ... SELECT`` per table per batch).

The schema is versioned: ``schema_version`` holds one row per applied
migration, and :data:`MIGRATIONS` lists, for every version, the statements that
bring a store from the previous version to it. Opening a store applies the
missing ones in one transaction; a store newer than this code is refused.
"""

from __future__ import annotations

import pyarrow as pa

#: The schema version this code writes.
SCHEMA_VERSION = 1

Column = tuple[str, str]

TABLES: dict[str, list[Column]] = {
    # one row per distinct article text (``id`` = content hash of the text)
    "articles": [
        # unique by construction (ingest checks before inserting); no PRIMARY KEY:
        # DuckDB keeps ART indexes in memory, which made ingest memory grow with the store
        ("id", "VARCHAR"),
        ("record_id", "VARCHAR"),
        ("title", "VARCHAR"),
        ("date", "DATE"),
        ("source", "VARCHAR"),
        ("url", "VARCHAR"),
        ("language", "VARCHAR"),
        ("text", "VARCHAR"),
        ("origin", "VARCHAR"),
        ("status", "VARCHAR"),
        ("pipeline_version", "VARCHAR"),
        ("run_id", "INTEGER"),
        ("ingested_at", "TIMESTAMP"),
        ("n_events", "INTEGER"),
        ("warnings", "VARCHAR[]"),
        ("duplicate_of", "VARCHAR"),
        ("similarity", "DOUBLE"),
    ],
    "segments": [
        ("article_id", "VARCHAR"),
        ("idx", "INTEGER"),
        ("kind", "VARCHAR"),
        ("span_start", "INTEGER"),
        ("span_end", "INTEGER"),
    ],
    "entities": [
        ("article_id", "VARCHAR"),
        ("entity_id", "VARCHAR"),
        ("name", "VARCHAR"),
        ("type", "VARCHAR"),
        ("country", "VARCHAR"),
        ("sector", "VARCHAR"),
        ("n_mentions", "INTEGER"),
    ],
    "mentions": [
        ("article_id", "VARCHAR"),
        ("entity_id", "VARCHAR"),
        ("span_start", "INTEGER"),
        ("span_end", "INTEGER"),
        ("text", "VARCHAR"),
    ],
    "places": [
        ("article_id", "VARCHAR"),
        ("idx", "INTEGER"),
        ("text", "VARCHAR"),
        ("span_start", "INTEGER"),
        ("span_end", "INTEGER"),
        ("name", "VARCHAR"),
        ("country", "VARCHAR"),
        ("admin1", "VARCHAR"),
        ("lat", "DOUBLE"),
        ("lon", "DOUBLE"),
        ("feature", "VARCHAR"),
    ],
    "times": [
        ("article_id", "VARCHAR"),
        ("idx", "INTEGER"),
        ("text", "VARCHAR"),
        ("span_start", "INTEGER"),
        ("span_end", "INTEGER"),
        ("value", "VARCHAR"),
        ("type", "VARCHAR"),
    ],
    # one row per event mention, arguments flattened
    "events": [
        ("article_id", "VARCHAR"),
        ("event_id", "VARCHAR"),
        ("type", "VARCHAR"),
        ("mode", "VARCHAR"),
        ("cameo", "VARCHAR"),
        ("cameo_root", "VARCHAR"),
        ("intensity", "DOUBLE"),
        ("actor_text", "VARCHAR"),
        ("actor_name", "VARCHAR"),
        ("actor_country", "VARCHAR"),
        ("actor_sector", "VARCHAR"),
        ("actor_entity", "VARCHAR"),
        ("target_text", "VARCHAR"),
        ("target_name", "VARCHAR"),
        ("target_country", "VARCHAR"),
        ("target_sector", "VARCHAR"),
        ("target_entity", "VARCHAR"),
        ("date", "VARCHAR"),
        ("date_source", "VARCHAR"),
        ("day", "DATE"),
        ("location_text", "VARCHAR"),
        ("location_name", "VARCHAR"),
        ("location_country", "VARCHAR"),
        ("location_lat", "DOUBLE"),
        ("location_lon", "DOUBLE"),
        ("location_source", "VARCHAR"),
        ("factuality", "VARCHAR"),
        ("confidence", "DOUBLE"),
        ("trigger_text", "VARCHAR"),
        ("trigger_start", "INTEGER"),
        ("trigger_end", "INTEGER"),
        ("sentence_start", "INTEGER"),
        ("sentence_end", "INTEGER"),
        ("sentence", "VARCHAR"),
        ("coref", "VARCHAR"),
        ("segment", "VARCHAR"),
        ("source_text", "VARCHAR"),
        ("source_name", "VARCHAR"),
        ("source_entity", "VARCHAR"),
        ("source_quote", "VARCHAR"),
        ("cluster_id", "BIGINT"),
    ],
    "quotes": [
        ("article_id", "VARCHAR"),
        ("quote_id", "VARCHAR"),
        ("text", "VARCHAR"),
        ("span_start", "INTEGER"),
        ("span_end", "INTEGER"),
        ("kind", "VARCHAR"),
        ("speaker_text", "VARCHAR"),
        ("speaker_name", "VARCHAR"),
        ("speaker_entity", "VARCHAR"),
        ("cue", "VARCHAR"),
        ("events", "VARCHAR[]"),
    ],
    # near-duplicate detection: LSH band keys of each article's MinHash signature
    "article_bands": [
        ("article_id", "VARCHAR"),
        ("band", "SMALLINT"),
        ("bucket", "UBIGINT"),
    ],
    # cross-article event clusters ("stories")
    "clusters": [
        ("cluster_id", "BIGINT PRIMARY KEY"),
        ("type", "VARCHAR"),
        ("first_day", "DATE"),
        ("last_day", "DATE"),
        ("rep_article_id", "VARCHAR"),
        ("rep_event_id", "VARCHAR"),
        ("n_mentions", "INTEGER"),
        ("n_articles", "INTEGER"),
        ("n_sources", "INTEGER"),
    ],
    "ingest_runs": [
        ("run_id", "INTEGER PRIMARY KEY"),
        ("started_at", "TIMESTAMP"),
        ("finished_at", "TIMESTAMP"),
        ("status", "VARCHAR"),
        ("pipeline_version", "VARCHAR"),
        ("inputs", "VARCHAR"),
        ("n_read", "INTEGER"),
        ("n_stored", "INTEGER"),
        ("n_skipped", "INTEGER"),
        ("n_failed", "INTEGER"),
        ("n_events", "INTEGER"),
    ],
    "failures": [
        ("run_id", "INTEGER"),
        ("location", "VARCHAR"),
        ("error", "VARCHAR"),
        ("failed_at", "TIMESTAMP"),
    ],
}

#: Child tables: rows keyed by ``article_id`` that are replaced when an article is re-coded.
CHILD_TABLES: tuple[str, ...] = (
    "segments",
    "entities",
    "mentions",
    "places",
    "times",
    "events",
    "quotes",
    "article_bands",
)

#: Secondary indexes. None: DuckDB's ART indexes live in memory (they made ingest
#: memory grow with the store) and filtered scans / hash joins are fast without them.
INDEXES: tuple[str, ...] = ()


def ddl(table: str) -> str:
    cols = ", ".join(f'"{name}" {typ}' for name, typ in TABLES[table])
    return f"CREATE TABLE IF NOT EXISTS {table} ({cols})"


_ARROW: dict[str, pa.DataType] = {
    "VARCHAR": pa.string(),
    "INTEGER": pa.int32(),
    "SMALLINT": pa.int16(),
    "BIGINT": pa.int64(),
    "UBIGINT": pa.uint64(),
    "DOUBLE": pa.float64(),
    "DATE": pa.date32(),
    "TIMESTAMP": pa.timestamp("us"),
    "VARCHAR[]": pa.list_(pa.string()),
}


def arrow_schema(table: str) -> pa.Schema:
    return pa.schema([(name, _ARROW[typ.split(" PRIMARY")[0]]) for name, typ in TABLES[table]])


def columns(table: str) -> list[str]:
    return [name for name, _ in TABLES[table]]


#: version -> statements that migrate a store from ``version - 1``. Version 1
#: creates everything; later versions append ``ALTER TABLE`` etc. here.
MIGRATIONS: dict[int, list[str]] = {
    1: [ddl(t) for t in TABLES] + list(INDEXES),
}
