"""The FastAPI application: JSON API over a corpus store, ``POST /extract``, the dashboard.

Every store request opens its own **read-only** DuckDB connection (so an
``eventwire ingest`` can run between requests) and every filter value is a bound
parameter. Static files are read once from ``web/static`` into memory and served
from fixed routes: no request path ever reaches the file system.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import json
import threading
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import duckdb
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__
from ..errors import EventwireError
from ..read import parse_date
from ..record import EVENT_TYPES
from ..store.db import Store, StoreError
from ..store.export import ROOT_GOLDSTEIN, TYPE_CAMEO_ROOT, _case
from ..store.query import (
    EVENT_COLUMNS,
    FACTUALITIES,
    EventFilter,
    stories_count_sql,
    stories_sql,
)
from .records import find_article_id, stored_record

#: Largest request body accepted (bytes); larger ones get 413.
DEFAULT_MAX_BODY = 1_000_000
#: Seconds a client may pause while sending a request body; then 408.
DEFAULT_BODY_TIMEOUT = 30.0
#: Longest query string accepted (bytes); longer ones get 414.
MAX_QUERY = 16_384
#: Most bytes of request headers accepted (names and values); more get 431.
MAX_HEADER_BYTES = 65_536
#: Longest article text ``POST /extract`` codes (characters).
MAX_TEXT = 200_000
#: Most rows one page of a list endpoint returns.
MAX_LIMIT = 1000

STATIC = Path(__file__).parent / "static"
#: URL → (file in web/static, media type). Fixed at import: requests never name files.
ASSETS: dict[str, tuple[str, str]] = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/static/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/static/style.css": ("style.css", "text/css; charset=utf-8"),
    "/static/favicon.svg": ("favicon.svg", "image/svg+xml"),
    # Natural Earth 1:110m country outlines (public domain) as TopoJSON, from world-atlas
    "/static/countries-110m.json": ("countries-110m.json", "application/json"),
}
#: The dashboard may load and contact nothing but this app.
CSP = (
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "style-src 'self'; script-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)

Fact = Literal["asserted", "negated", "future", "hypothetical", "any"]


# ----------------------------------------------------------------------------- models


class ExtractRequest(BaseModel):
    """An article to code."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=MAX_TEXT, description="The article text.")
    date: str | None = Field(
        default=None, max_length=64, description="Publication date, e.g. 2024-03-15."
    )
    title: str | None = Field(default=None, max_length=2000)
    url: str | None = Field(default=None, max_length=4000)
    source: str | None = Field(default=None, max_length=500)

    @field_validator("text")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("text is blank")
        return v

    @field_validator("date")
    @classmethod
    def _date(cls, v: str | None) -> str | None:
        if v is None or not v.strip():
            return None
        d = parse_date(v)  # ValueError → 422 naming `date`
        if d is None:
            raise ValueError(f"not a plausible publication date: {v!r}")
        return d.isoformat()


class Page(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[dict[str, Any]]


# ----------------------------------------------------------------------------- body limit


class _BodyTimeout(BaseException):
    """The client stopped sending its request body (a BaseException, so that no handler
    inside the app turns it into a 400 or a 500)."""


class BodyLimitMiddleware:
    """Guards every request before the app sees it, and adds the security headers to
    every response:

    * a body over ``max_body`` bytes gets 413 (by Content-Length when given; a body
      without one, e.g. chunked, is counted while read, up to the limit);
    * a client that stops sending its body for ``body_timeout`` seconds gets 408 and the
      connection is closed (a stalled upload must not hold a worker);
    * a query string over :data:`MAX_QUERY` bytes gets 414, headers over
      :data:`MAX_HEADER_BYTES` bytes in all get 431.
    """

    HEADERS = (
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-frame-options", b"DENY"),
    )

    def __init__(
        self, app: ASGIApp, max_body: int, body_timeout: float = DEFAULT_BODY_TIMEOUT
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.body_timeout = body_timeout

    async def _error(self, send: Send, status: int, detail: str, *, close: bool = False) -> None:
        headers = {"connection": "close"} if close else None
        await JSONResponse({"detail": detail}, status_code=status, headers=headers)(
            {"type": "http"}, _no_receive, send
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(msg: Message) -> None:
            nonlocal started
            if msg["type"] == "http.response.start":
                started = True
                have = {k.lower() for k, _ in msg.get("headers", [])}
                msg["headers"] = [
                    *msg.get("headers", []),
                    *((k, v) for k, v in self.HEADERS if k not in have),
                ]
            await send(msg)

        if len(scope.get("query_string", b"")) > MAX_QUERY:
            await self._error(
                send_with_headers, 414, f"query string too long (limit {MAX_QUERY:,} bytes)"
            )
            return
        headers = scope.get("headers", [])
        if sum(len(k) + len(v) for k, v in headers) > MAX_HEADER_BYTES:
            await self._error(
                send_with_headers,
                431,
                f"request headers too large (limit {MAX_HEADER_BYTES:,} bytes)",
            )
            return

        body_done = scope.get("method") not in ("POST", "PUT", "PATCH")

        async def timed_receive() -> Message:
            """The next message; while the body is incomplete, at most body_timeout s."""
            nonlocal body_done
            if body_done:
                return await receive()
            try:
                msg = await asyncio.wait_for(receive(), self.body_timeout)
            except TimeoutError:
                raise _BodyTimeout from None
            if msg["type"] != "http.request" or not msg.get("more_body", False):
                body_done = True
            return msg

        try:
            await self._guarded(scope, timed_receive, send_with_headers, headers)
        except _BodyTimeout:
            if not started:
                await self._error(
                    send_with_headers,
                    408,
                    f"request body not received within {self.body_timeout:g} s",
                    close=True,
                )

    async def _guarded(
        self, scope: Scope, receive: Receive, send: Send, headers: list[tuple[bytes, bytes]]
    ) -> None:
        too_large = f"request body too large (limit {self.max_body:,} bytes)"
        length = None
        for key, value in headers:
            if key == b"content-length":
                try:
                    length = int(value)
                except ValueError:
                    length = -1
        if length is not None and length < 0:
            await self._error(send, 400, "invalid Content-Length")
            return
        if length is not None and length > self.max_body:
            await self._error(send, 413, too_large, close=True)
            return
        if length is None and scope.get("method") in ("POST", "PUT", "PATCH"):
            # no declared length: read the body (at most max_body bytes), then replay it
            chunks: list[bytes] = []
            size = 0
            while True:
                msg = await receive()
                if msg["type"] != "http.request":
                    return  # client went away
                chunk = msg.get("body", b"")
                size += len(chunk)
                if size > self.max_body:
                    await self._error(send, 413, too_large, close=True)
                    return
                chunks.append(chunk)
                if not msg.get("more_body", False):
                    break
            replayed = False

            async def replay() -> Message:
                nonlocal replayed
                if not replayed:
                    replayed = True
                    return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
                return await receive()

            await self.app(scope, replay, send)
            return
        await self.app(scope, receive, send)


async def _no_receive() -> Message:  # pragma: no cover - responses never read
    return {"type": "http.disconnect"}


def _error_entry(e: Any) -> dict[str, Any]:
    """One validation error for the client: where (``field``) and what (``msg``)."""
    loc = tuple(e.get("loc", ()))
    kind = str(e.get("type", ""))
    if kind == "json_invalid":  # loc is ("body", position)
        field, msg = "body", _json_error(e)
    else:
        field = ".".join(str(p) for p in loc[1:]) or "body"
        msg = str(e.get("msg", ""))
        if kind == "model_attributes_type" and loc == ("body",):
            msg += (
                '; send a JSON object such as {"text": "..."} with Content-Type: application/json'
            )
    return {"loc": list(loc), "field": field, "msg": msg, "type": kind}


def _json_error(error: Any) -> str:
    """A JSON syntax error's message with the position of the bad character."""
    loc = error.get("loc", ())
    pos = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
    ctx = error.get("ctx") or {}
    why = str(ctx.get("error") or error.get("msg") or "JSON decode error")
    return f"not valid JSON ({why}" + (f" at character {pos})" if pos is not None else ")")


def _parse_problem(cause: BaseException) -> str:
    if isinstance(cause, UnicodeDecodeError):
        return f"not valid UTF-8 (bad byte at position {cause.start})"
    if isinstance(cause, RecursionError):
        return "JSON nested too deeply"
    return f"{type(cause).__name__}: {str(cause).splitlines()[0] if str(cause) else ''}".rstrip(
        ": "
    )


# ----------------------------------------------------------------------------- helpers


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for item in values or [] for v in item.split(",") if v.strip()]


def _dicts(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cur.description or []]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _contains(col: str) -> str:
    return f"coalesce(contains(lower({col}), ?), false)"


Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Rows per page.")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Rows to skip.")]
Text = Annotated[str | None, Query(max_length=500)]
Codes = Annotated[list[str] | None, Query(max_length=50)]


def event_filter(
    type: Annotated[
        list[str] | None, Query(max_length=50, description="PLOVER type(s); repeat or commas.")
    ] = None,
    actor_country: Codes = None,
    target_country: Codes = None,
    actor_sector: Codes = None,
    name: Annotated[
        str | None, Query(max_length=500, description="Actor or target name/text contains.")
    ] = None,
    since: Annotated[dt.date | None, Query(description="Event day on or after.")] = None,
    until: Annotated[dt.date | None, Query(description="Event day on or before.")] = None,
    country: Annotated[
        list[str] | None, Query(max_length=50, description="Event location country code(s).")
    ] = None,
    location: Annotated[
        str | None, Query(max_length=500, description="Location name contains.")
    ] = None,
    factuality: Annotated[
        list[Fact] | None, Query(max_length=5, description="asserted (default) ... or any.")
    ] = None,
    min_confidence: Annotated[float | None, Query(ge=0.0, le=1.0)] = None,
    text: Annotated[str | None, Query(max_length=500, description="Sentence contains.")] = None,
    include_duplicates: bool = False,
    cluster: Annotated[int | None, Query(ge=0, le=2**62)] = None,
) -> EventFilter:
    """The filters of ``eventwire query``, as query parameters."""
    types = [t.upper() for t in _split(type)]
    bad = [t for t in types if t not in EVENT_TYPES]
    if bad:
        raise RequestValidationError(
            [
                {
                    "loc": ("query", "type"),
                    "msg": "unknown event type (one of " + ", ".join(EVENT_TYPES) + ")",
                    "type": "value_error",
                }
            ]
        )
    if since and until and since > until:
        raise RequestValidationError(
            [{"loc": ("query", "until"), "msg": "until is before since", "type": "value_error"}]
        )
    return EventFilter(
        types=types,
        actor_country=_split(actor_country),
        target_country=_split(target_country),
        actor_sector=_split(actor_sector),
        name=name or None,
        since=since,
        until=until,
        country=_split(country),
        location=location or None,
        factuality=list(factuality or ["asserted"]),
        min_confidence=min_confidence,
        text=text or None,
        include_duplicates=include_duplicates,
        cluster=cluster,
    )


Filter = Annotated[EventFilter, Depends(event_filter)]


def _store(request: Request) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the app's store for one request."""
    db_path: Path | None = request.app.state.db_path
    if db_path is None:
        raise StoreError("no store: start the server with --db PATH")
    s = Store(db_path, read_only=True)
    try:
        yield s.con
    finally:
        s.close()


Con = Annotated[duckdb.DuckDBPyConnection, Depends(_store)]

ORDER = "ORDER BY e.day NULLS LAST, e.article_id, e.trigger_start, e.event_id"
ROOT = f"coalesce(e.cameo_root, {_case('e.type', TYPE_CAMEO_ROOT)})"


# ----------------------------------------------------------------------------- app


def create_app(
    db: str | Path | None = None,
    *,
    pipeline: Any | None = None,
    pipeline_factory: Callable[[], Any] | None = None,
    max_body: int = DEFAULT_MAX_BODY,
    body_timeout: float = DEFAULT_BODY_TIMEOUT,
) -> FastAPI:
    """The application over the store at ``db`` (``None``: only ``/extract`` and
    ``/health`` work). ``pipeline`` (or ``pipeline_factory``, called on the first
    ``/extract``) codes posted articles; by default a :class:`~eventwire.Pipeline`."""
    db_path = Path(db) if db is not None else None
    app = FastAPI(
        title="eventwire",
        version=__version__,
        description=(
            "News articles in, verifiable event data out. JSON API over an eventwire "
            "corpus store, plus `POST /extract` to code one article. The dashboard is at `/`."
        ),
        docs_url=None,  # served below with local Swagger UI assets (no CDN)
        redoc_url=None,
    )
    app.state.db_path = db_path
    state: dict[str, Any] = {"pipeline": pipeline}
    lock = threading.Lock()
    assets = {url: (STATIC / f).read_bytes() for url, (f, _) in ASSETS.items()}

    # ------------------------------------------------------------------ errors

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [_error_entry(e) for e in exc.errors()]
        return JSONResponse(
            {
                "detail": errors,
                "message": "invalid request: "
                + "; ".join(f"{e['field']}: {e['msg']}" for e in errors),
            },
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail: Any = exc.detail
        if exc.status_code == 400 and exc.__cause__ is not None:
            # FastAPI's "There was an error parsing the body", with the reason
            detail = "request body could not be parsed: " + _parse_problem(exc.__cause__)
        if exc.status_code in (204, 304):
            return Response(status_code=exc.status_code, headers=exc.headers)
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(StoreError)
    async def _store_error(request: Request, exc: StoreError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=503)

    @app.exception_handler(duckdb.Error)
    async def _db_error(request: Request, exc: duckdb.Error) -> JSONResponse:
        return JSONResponse({"detail": "the store could not answer this query"}, status_code=500)

    # ------------------------------------------------------------------ store

    def get_pipeline() -> Any:
        with lock:
            if state["pipeline"] is None:
                if pipeline_factory is not None:
                    state["pipeline"] = pipeline_factory()
                else:
                    from ..pipeline import Pipeline

                    state["pipeline"] = Pipeline()
            return state["pipeline"]

    # ------------------------------------------------------------------ API

    @app.get("/health", tags=["meta"])
    def health() -> dict[str, Any]:
        """Liveness and what the server serves."""
        out: dict[str, Any] = {
            "status": "ok",
            "version": __version__,
            "pipeline_loaded": state["pipeline"] is not None,
            "store": None,
        }
        if db_path is not None:
            info: dict[str, Any] = {"path": str(db_path)}
            try:
                with Store(db_path, read_only=True) as s:
                    info["articles"] = s.scalar("SELECT count(*) FROM articles")
                    info["available"] = True
            except StoreError as exc:
                info["available"] = False
                info["error"] = str(exc)
            out["store"] = info
        return out

    class _OneLineJSON(JSONResponse):
        """JSON with U+2028, U+2029 and U+0085 written as escapes (JSON keeps them raw):
        the record stays one line for a client that saves responses as JSON Lines."""

        def render(self, content: Any) -> bytes:
            from ..record import escape_line_breaks

            return escape_line_breaks(super().render(content).decode("utf-8")).encode("utf-8")

    @app.post("/extract", tags=["extract"], response_class=_OneLineJSON)
    def extract(req: ExtractRequest) -> dict[str, Any]:
        """Code one article: the record (EVENTS.md section 7) with every span."""
        pipe = get_pipeline()
        try:
            with lock:
                rec = pipe.extract(req.text, req.date, title=req.title, url=req.url,
                                   source=req.source)  # fmt: skip
        except EventwireError as exc:
            raise HTTPException(422, str(exc)) from None
        data: dict[str, Any] = rec.model_dump(mode="json")
        return data

    @app.get("/events", tags=["store"], response_model=Page)
    def events(
        flt: Filter,
        con: Con,
        limit: Limit = 100,
        offset: Offset = 0,
        stories: Annotated[
            bool,
            Query(description="One row per story with a matching mention (`--stories`)."),
        ] = False,
    ) -> dict[str, Any]:
        """Event mentions (filters as `eventwire query`), in (day, article, position) order;
        with `stories=true` one row per story (representative mention, first/last day,
        `n_mentions`, `n_articles`, `n_sources`, `mention_ids`), in (first day, story) order."""
        if stories:
            csql, cparams = stories_count_sql(flt)
            n = con.execute(csql, cparams).fetchall()[0][0]
            sql, sparams = stories_sql(flt, limit=limit, offset=offset)
            return {"total": n, "limit": limit, "offset": offset,
                    "items": jsonable_encoder(_dicts(con.execute(sql, sparams)))}  # fmt: skip
        where, params = flt.where("e")
        total = con.execute(f"SELECT count(*) FROM events e WHERE {where}", params).fetchall()
        cols = ", ".join(f"e.{c}" for c in EVENT_COLUMNS)
        sql = (
            f"SELECT {cols}, a.title AS article_title, a.date AS article_date, "
            f"a.source AS article_source FROM events e JOIN articles a ON a.id = e.article_id "
            f"WHERE e.rowid IN (SELECT e.rowid FROM events e WHERE {where} {ORDER} "
            f"LIMIT ? OFFSET ?) {ORDER}"
        )
        items = _dicts(con.execute(sql, [*params, limit, offset]))
        return {"total": total[0][0], "limit": limit, "offset": offset,
                "items": jsonable_encoder(items)}  # fmt: skip

    @app.get("/events/summary", tags=["store"])
    def events_summary(
        flt: Filter,
        con: Con,
        top_edges: Annotated[int, Query(ge=1, le=500)] = 80,
        top_places: Annotated[int, Query(ge=1, le=5000)] = 1000,
        min_count: Annotated[
            int, Query(ge=1, le=1_000_000, description="Fewest events an actor link needs.")
        ] = 1,
    ) -> dict[str, Any]:
        """Aggregates of the filtered events for the dashboard: counts by day and type,
        located events by place (with their number of stories), and the weighted actor →
        target network between real actors only (both sides resolved to a named entity:
        person, organisation, group, nationality or country; no pronouns or generic
        nouns), links with at least ``min_count`` events (cooperation: CAMEO roots 01-08,
        conflict: 09-20; ``mean_root``: the mean CAMEO root, for a diverging palette)."""
        where, params = flt.where("e")
        timeline = _dicts(
            con.execute(
                f"SELECT strftime(e.day, '%Y-%m-%d') AS day, e.type, count(*) AS n FROM events e "
                f"WHERE {where} AND e.day IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2",
                params,
            )
        )
        places = _dicts(
            con.execute(
                "SELECT round(e.location_lat, 3) AS lat, round(e.location_lon, 3) AS lon, "
                "any_value(coalesce(e.location_name, e.location_text)) AS name, "
                "any_value(e.location_country) AS country, count(*) AS n, "
                "count(DISTINCT coalesce(e.cluster_id::VARCHAR, "
                "e.article_id || '-' || e.event_id)) AS stories, "
                "list(DISTINCT e.type ORDER BY e.type) AS types FROM events e "
                f"WHERE {where} AND e.location_lat IS NOT NULL AND e.location_lon IS NOT NULL "
                "GROUP BY 1, 2 ORDER BY n DESC LIMIT ?",
                [*params, top_places],
            )
        )
        actor = "coalesce(e.actor_name, e.actor_text)"
        target = "coalesce(e.target_name, e.target_text)"
        edges = _dicts(
            con.execute(
                f"SELECT {actor} AS source, {target} AS target, count(*) AS n, "
                f"count(*) FILTER (WHERE TRY_CAST({ROOT} AS INTEGER) <= 8) AS cooperation, "
                f"count(*) FILTER (WHERE TRY_CAST({ROOT} AS INTEGER) > 8) AS conflict, "
                f"round(avg(TRY_CAST({ROOT} AS INTEGER)), 2) AS mean_root, "
                f"round(avg(coalesce(e.intensity, {_case(ROOT, ROOT_GOLDSTEIN)})), 2) "
                "AS goldstein, "
                "any_value(e.actor_country) AS source_country, "
                "any_value(e.target_country) AS target_country "
                f"FROM events e WHERE {where} AND {actor} IS NOT NULL AND {target} IS NOT NULL "
                "AND e.actor_entity IS NOT NULL AND e.target_entity IS NOT NULL "
                "GROUP BY 1, 2 HAVING count(*) >= ? ORDER BY n DESC, 1, 2 LIMIT ?",
                [*params, min_count, top_edges],
            )
        )
        total = con.execute(f"SELECT count(*) FROM events e WHERE {where}", params).fetchall()
        return {"total": total[0][0], "timeline": timeline, "places": places, "network": edges}

    @app.get("/articles", tags=["store"], response_model=Page)
    def articles(
        con: Con,
        q: Annotated[str | None, Query(max_length=500, description="Title contains.")] = None,
        include_duplicates: bool = False,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        """Stored articles (without their text), newest first."""
        clauses: list[str] = ["TRUE"]
        params: list[Any] = []
        if q:
            clauses.append(_contains("title"))
            params.append(q.lower())
        if not include_duplicates:
            clauses.append("duplicate_of IS NULL")
        where = " AND ".join(clauses)
        total = con.execute(f"SELECT count(*) FROM articles WHERE {where}", params).fetchall()
        items = _dicts(
            con.execute(
                "SELECT id, record_id, title, date, source, url, n_events, duplicate_of "
                f"FROM articles WHERE {where} ORDER BY date DESC NULLS LAST, id "
                "LIMIT ? OFFSET ?",
                [*params, limit, offset],
            )
        )
        return {"total": total[0][0], "limit": limit, "offset": offset,
                "items": jsonable_encoder(items)}  # fmt: skip

    @app.get("/articles/{article_id}", tags=["store"])
    def article(
        con: Con,
        article_id: Annotated[str, PathParam(min_length=1, max_length=200)],
    ) -> dict[str, Any]:
        """One stored article's record with every span (by store id or input id)."""
        aid = find_article_id(con, article_id)
        rec = stored_record(con, aid) if aid else None
        if rec is None:
            raise HTTPException(404, "no such article")
        result: dict[str, Any] = jsonable_encoder(rec)
        return result

    @app.get("/entities", tags=["store"], response_model=Page)
    def entities(
        con: Con,
        q: Annotated[str | None, Query(max_length=500, description="Name contains.")] = None,
        type: Annotated[str | None, Query(max_length=40)] = None,
        country: Annotated[str | None, Query(max_length=40)] = None,
        sector: Annotated[str | None, Query(max_length=40)] = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        """Entities across the store, by name, type, country and sector, most mentioned first."""
        clauses: list[str] = ["TRUE"]
        params: list[Any] = []
        if q:
            clauses.append(_contains("name"))
            params.append(q.lower())
        for col, val in (("type", type), ("country", country), ("sector", sector)):
            if val:
                clauses.append(f"{col} = ?")
                params.append(val.strip().upper())
        where = " AND ".join(clauses)
        base = (
            "SELECT name, type, country, sector, count(DISTINCT article_id) AS articles, "
            f"sum(n_mentions)::BIGINT AS mentions FROM entities WHERE {where} GROUP BY 1, 2, 3, 4"
        )
        total = con.execute(f"SELECT count(*) FROM ({base})", params).fetchall()
        items = _dicts(
            con.execute(
                f"{base} ORDER BY mentions DESC, articles DESC, name LIMIT ? OFFSET ?",
                [*params, limit, offset],
            )
        )
        return {"total": total[0][0], "limit": limit, "offset": offset, "items": items}

    @app.get("/stories", tags=["store"], response_model=Page)
    def stories(
        con: Con,
        type: Annotated[str | None, Query(max_length=40)] = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        min_articles: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        """Story clusters with their representative mention, largest first."""
        clauses: list[str] = ["c.n_articles >= ?"]
        params: list[Any] = [min_articles]
        if type:
            if type.strip().upper() not in EVENT_TYPES:
                raise RequestValidationError(
                    [{"loc": ("query", "type"), "msg": "unknown event type", "type": "value_error"}]
                )
            clauses.append("c.type = ?")
            params.append(type.strip().upper())
        if since:
            clauses.append("c.last_day >= ?")
            params.append(since)
        if until:
            clauses.append("c.first_day <= ?")
            params.append(until)
        where = " AND ".join(clauses)
        total = con.execute(f"SELECT count(*) FROM clusters c WHERE {where}", params).fetchall()
        items = _dicts(
            con.execute(
                "SELECT c.cluster_id, c.type, c.first_day, c.last_day, c.n_mentions, "
                "c.n_articles, c.n_sources, c.rep_article_id, c.rep_event_id, "
                "e.actor_name, e.actor_country, e.target_name, e.target_country, "
                "e.trigger_text, e.location_name, e.sentence, a.title AS rep_title "
                "FROM clusters c LEFT JOIN events e ON e.article_id = c.rep_article_id "
                "AND e.event_id = c.rep_event_id LEFT JOIN articles a ON a.id = c.rep_article_id "
                f"WHERE {where} ORDER BY c.n_articles DESC, c.n_mentions DESC, c.first_day, "
                "c.cluster_id LIMIT ? OFFSET ?",
                [*params, limit, offset],
            )
        )
        return {"total": total[0][0], "limit": limit, "offset": offset,
                "items": jsonable_encoder(items)}  # fmt: skip

    @app.get("/stats", tags=["store"])
    def stats(con: Con) -> dict[str, Any]:
        """The figures of `eventwire stats`."""
        from ..store.stats import store_stats

        result: dict[str, Any] = jsonable_encoder(store_stats(con))
        return result

    @app.get("/meta", tags=["meta"])
    def meta() -> dict[str, Any]:
        """Vocabularies for the dashboard's filters."""
        conf = _confidence_default()
        return {
            "event_types": list(EVENT_TYPES),
            "factualities": [*FACTUALITIES, "any"],
            "type_roots": {t: TYPE_CAMEO_ROOT.get(t) for t in EVENT_TYPES},
            "min_confidence": conf,
        }

    # ------------------------------------------------------------------ static + docs

    def _asset(url: str, media: str) -> Callable[[], Response]:
        body = assets[url]
        headers = {"Cache-Control": "no-cache"}
        if media.startswith("text/html"):
            headers["Content-Security-Policy"] = CSP

        def serve() -> Response:
            return Response(body, media_type=media, headers=headers)

        return serve

    for url, (_, media) in ASSETS.items():
        app.get(url, include_in_schema=False)(_asset(url, media))

    docs_assets = _swagger_assets()
    for name, (body, media) in docs_assets.items():
        app.get(f"/docs-assets/{name}", include_in_schema=False)(_fixed(body, media))

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        if len(docs_assets) < 2:
            return HTMLResponse(_plain_docs(app.openapi()))
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="eventwire API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon.png",
        )

    app.add_middleware(BodyLimitMiddleware, max_body=max_body, body_timeout=body_timeout)
    return app


@functools.cache
def _confidence_default() -> dict[str, Any]:
    """The dashboard's default minimum confidence and the measurement behind it
    (``data/web/confidence.json``)."""
    raw = resources.files("eventwire.data").joinpath("web/confidence.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(raw)
    return data


def _fixed(body: bytes, media: str) -> Callable[[], Response]:
    def serve() -> Response:
        return Response(body, media_type=media, headers={"Cache-Control": "max-age=3600"})

    return serve


def _swagger_assets() -> dict[str, tuple[bytes, str]]:
    """Swagger UI 5 files shipped by the ``fastapi-offline`` package (none if absent)."""
    try:
        import fastapi_offline
    except ImportError:
        return {}
    base = Path(fastapi_offline.__file__).parent / "static"
    files = {
        "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
        "swagger-ui.css": "text/css; charset=utf-8",
        "favicon.png": "image/png",
    }
    return {n: ((base / n).read_bytes(), m) for n, m in files.items() if (base / n).is_file()}


def _plain_docs(spec: dict[str, Any]) -> str:
    """A static HTML list of the endpoints (when Swagger UI's files are not installed)."""
    from html import escape

    parts = ["<!doctype html><meta charset=utf-8><title>eventwire API</title><h1>eventwire API</h1>",
             "<p>OpenAPI document: <a href='/openapi.json'>/openapi.json</a></p>"]  # fmt: skip
    for path, ops in spec.get("paths", {}).items():
        for method, op in ops.items():
            parts.append(f"<h2>{escape(method.upper())} {escape(path)}</h2>")
            parts.append(f"<p>{escape(op.get('description') or op.get('summary') or '')}</p>")
            params = op.get("parameters") or []
            if params:
                parts.append("<ul>")
                for p in params:
                    parts.append(f"<li><code>{escape(p['name'])}</code> ({escape(p['in'])})</li>")
                parts.append("</ul>")
    return "".join(parts)
