"""The Pipeline: read → clean → spaCy → eventwire stages → record.

A :class:`Pipeline` loads the spaCy model once, adds eventwire's stages as
registered spaCy components (configuration picks which), and turns an iterable
of :class:`~eventwire.read.ArticleInput` into
:class:`~eventwire.record.ArticleRecord` objects, in order, in batches.

A stage that fails on one article never loses the article nor the others: the
record is still produced (without that stage's output) and carries a warning.

Before analysis each article's language is identified (:mod:`eventwire.language`):
an article that is not English is stored with its ``language`` and a warning, but
not coded (no entities, places, times, quotes or events), since every rule is
English. Articles longer than ``max_chars`` are analysed up to that length (the
record keeps the whole text) so that time and memory per article stay bounded.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import importlib
import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from . import __version__
from .clean import TextMap, analysis_text, find_segments
from .errors import EventwireError, InputError
from .fast_tagging import use_fast_tagging
from .language import ENGLISH, detect_language, language_name, normalize_language
from .nlp import register_extensions, resolve_model_name, seed_text
from .read import ArticleInput, parse_date
from .read.article import replace_surrogates
from .record import ArticleRecord, Entity, Event, Place, Quote, Segment, Time

log = logging.getLogger(__name__)

#: Stages in data-flow order; each names a module ``eventwire.<stage>`` that
#: provides ``add_to_pipeline(nlp, config)``.
DEFAULT_STAGES: tuple[str, ...] = ("actors", "times", "places", "quotes", "events")

#: Articles longer than this (characters) are cut for analysis, with a warning;
#: the stored text stays whole. Keeps time and memory per article bounded: a news
#: article is rarely over 50,000 characters, 200,000 take about 15 s on one core, and
#: spaCy refuses texts over 1,000,000 (``nlp.max_length``). See docs/reliability.md.
DEFAULT_MAX_CHARS = 200_000
#: an analysed article: the input, its doc (``None`` if not coded), text map and segments
Analysed = tuple[ArticleInput, Doc | None, TextMap, list[Segment]]


@dataclass
class PipelineConfig:
    """Everything that changes what the pipeline produces."""

    model: str | None = None
    stages: tuple[str, ...] = DEFAULT_STAGES
    batch_size: int = 16
    explain: bool = False
    max_chars: int = DEFAULT_MAX_CHARS
    #: identify each article's language and code only English ones (eventwire.language)
    detect_language: bool = True
    #: run the model's attribute ruler and lemmatizer as indexed lookups (same output,
    #: about a sixth less model time; eventwire.fast_tagging)
    fast_tagging: bool = True
    #: per-stage settings, e.g. ``{"actors": {"actor_files": ["my.tsv"]}}``
    stage_config: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class Failure:
    """An input that produced no record: where, and why."""

    where: str
    problem: str

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}"


@contextlib.contextmanager
def _fewer_collections(first_generation: int = 20_000) -> Iterator[None]:
    """While articles are processed, collect the youngest generation less often (each
    doc allocates many short-lived objects that reference counting frees anyway); the
    thresholds are restored afterwards. Measured in docs/performance.md."""
    old = gc.get_threshold()
    gc.set_threshold(max(old[0], first_generation), old[1], old[2])
    try:
        yield
    finally:
        gc.set_threshold(*old)


class Pipeline:
    """Loads models once and extracts records from many articles.

    >>> pipe = Pipeline()                       # doctest: +SKIP
    >>> rec = pipe.extract("Police arrested 20 protesters in Lagos on Monday.", date="2024-03-04")
    """

    def __init__(self, config: PipelineConfig | None = None, **overrides: Any) -> None:
        self.config = config or PipelineConfig()
        for key, value in overrides.items():
            if not hasattr(self.config, key):
                raise TypeError(f"unknown Pipeline option {key!r}")
            setattr(self.config, key, value)
        if not isinstance(self.config.max_chars, int) or self.config.max_chars < 1:
            raise EventwireError(
                f"max_chars must be a positive number of characters, got {self.config.max_chars!r}"
            )
        self.nlp = self._build()
        # the model's hundreds of thousands of long-lived objects leave the collector's
        # generations: a full collection no longer walks them (docs/performance.md)
        gc.collect()
        gc.freeze()
        # the trailing eventwire stages run one document at a time (a failure stays with
        # its article); eventwire components placed among the model's (an entity ruler
        # before "ner") run inside nlp.pipe
        names = self.nlp.pipe_names
        trailing: list[str] = []
        for name in reversed(names):
            if not name.startswith("eventwire_"):
                break
            trailing.insert(0, name)
        self._stage_names = trailing
        #: seconds spent in each trailing stage, summed over all processed articles
        self.stage_seconds: dict[str, float] = dict.fromkeys(trailing, 0.0)

    # ------------------------------------------------------------------ building
    def _build(self) -> Language:
        import spacy

        register_extensions()
        model = resolve_model_name(self.config.model)
        try:
            nlp = spacy.load(model.replace("-", "_"))
        except OSError as exc:
            raise EventwireError(f"spaCy model {model!r} could not be loaded: {exc}") from exc
        if self.config.fast_tagging:
            use_fast_tagging(nlp)
        for stage in self.config.stages:
            try:
                module = importlib.import_module(f"eventwire.{stage}")
            except ImportError as exc:
                raise EventwireError(f"unknown pipeline stage {stage!r} ({exc})") from exc
            add = getattr(module, "add_to_pipeline", None)
            if add is None:
                raise EventwireError(f"stage module eventwire.{stage} has no add_to_pipeline()")
            add(nlp, dict(self.config.stage_config.get(stage, {})))
        return nlp

    @property
    def version(self) -> str:
        """Identifies what produced a record: package, model and stages."""
        meta = self.nlp.meta
        key = (
            f"{__version__}|{meta.get('name')}-{meta.get('version')}|{','.join(self.config.stages)}"
        )
        return f"{__version__}+{hashlib.sha1(key.encode()).hexdigest()[:8]}"

    # ------------------------------------------------------------------ running
    def _prepare(self, article: ArticleInput) -> tuple[Doc | None, TextMap, list[Segment]]:
        """The doc to analyse (``None`` for an article not to code), the text map and the
        segments (stored-text offsets)."""
        _sanitize(article)
        segments = find_segments(article.text, article.segments)
        tmap = analysis_text(article.text, segments)
        text = tmap.analysis
        if not self._is_english(article, text):
            return None, tmap, segments
        if len(text) > self.config.max_chars:
            cut = text.rfind("\n", 0, self.config.max_chars)
            cut = cut if cut > self.config.max_chars // 2 else self.config.max_chars
            article.warnings.append(
                f"{article.origin}: article has {len(text):,} characters; only the first "
                f"{cut:,} were analysed (max_chars={self.config.max_chars:,})"
            )
            text = text[:cut]
        doc = self.nlp.make_doc(text)
        seed_text(doc, text)
        doc._.article = article
        doc._.segments = [_analysis_segment(s, tmap) for s in segments]
        doc._.explain = self.config.explain
        return doc, tmap, segments

    def _is_english(self, article: ArticleInput, text: str) -> bool:
        """Decide ``article.language`` (as identified, else as declared, else English) and
        whether the article is coded; a warning says why one is not."""
        declared = normalize_language(article.language) if article.language else None
        if article.language and declared is None:
            article.warnings.append(
                f"{article.origin}: unknown language {article.language[:40]!r} ignored"
            )
        found = detect_language(text) if self.config.detect_language else None
        if found is not None and found.decided:
            if declared and declared != found.language:
                article.warnings.append(
                    f"{article.origin}: declared language {declared!r}, but the text is "
                    f"{language_name(found.language)} (probability {found.confidence or 0:.2f}); "
                    f"taken as {found.language!r}"
                )
            article.language = found.language
            how = (
                f"identified as {language_name(found.language)} "
                f"(probability {found.confidence or 0:.2f})"
            )
        else:
            article.language = declared or ENGLISH
            how = f"declared as {language_name(article.language)}"
        if article.language != ENGLISH:
            article.warnings.append(
                f"{article.origin}: language {article.language!r} {how}; not coded, since "
                "eventwire's rules are for English (stored without entities, places, times, "
                "quotes or events)"
            )
        return article.language == ENGLISH

    def process(self, articles: Iterable[ArticleInput]) -> Iterator[ArticleRecord | Failure]:
        """Records for the articles, in input order (a Failure where none could be made)."""
        with _fewer_collections():
            for batch in self._batches(articles):
                yield from self._process_batch(batch)

    def _batches(self, articles: Iterable[ArticleInput]) -> Iterator[list[ArticleInput]]:
        batch: list[ArticleInput] = []
        for article in articles:
            batch.append(article)
            if len(batch) >= self.config.batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    def _process_batch(self, batch: list[ArticleInput]) -> Iterator[ArticleRecord | Failure]:
        for item in self._analyse_batch(batch):
            if isinstance(item, Failure):
                yield item
                continue
            article, doc, tmap, segments = item
            try:
                if doc is None:  # not English: stored, not coded
                    yield uncoded_record(article, segments)
                else:
                    yield build_record(doc, article, tmap, segments)
            except Exception as exc:
                log.exception("building the record of %s failed", article.origin)
                yield Failure(article.origin, f"could not build the record ({exc!r})")

    def analyse(self, articles: Iterable[ArticleInput]) -> Iterator[Analysed | Failure]:
        """The analysed docs, before their records are built: ``(article, doc, text map,
        segments)``, with ``doc`` ``None`` for an article that is not coded. For tools that
        read the stages' ``Doc`` extensions (``eventwire.training``)."""
        with _fewer_collections():
            for batch in self._batches(articles):
                yield from self._analyse_batch(batch)

    def _analyse_batch(self, batch: list[ArticleInput]) -> Iterator[Analysed | Failure]:
        prepared: list[tuple[ArticleInput, Doc | None, TextMap, list[Segment]] | Failure] = []
        for article in batch:
            try:
                doc, tmap, segments = self._prepare(article)
                prepared.append((article, doc, tmap, segments))
            except Exception as exc:  # never lose the batch for one article
                log.exception("preparing %s failed", article.origin)
                prepared.append(Failure(article.origin, f"could not prepare the text ({exc!r})"))
        docs = [p[1] for p in prepared if not isinstance(p, Failure) and p[1] is not None]
        model_docs = iter(
            self.nlp.pipe(docs, batch_size=self.config.batch_size, disable=self._stage_names)
        )
        for item in prepared:
            if isinstance(item, Failure):
                yield item
                continue
            article, prepared_doc, tmap, segments = item
            if prepared_doc is None:
                yield item
                continue
            doc = next(model_docs)
            for name in self._stage_names:
                t0 = time.perf_counter()
                try:
                    doc = self.nlp.get_pipe(name)(doc)
                except Exception as exc:
                    log.exception("stage %s failed on %s", name, article.origin)
                    article.warnings.append(
                        f"{article.origin}: stage {name} failed ({type(exc).__name__}: {exc}); "
                        "its output is missing from this record"
                    )
                self.stage_seconds[name] += time.perf_counter() - t0
            yield article, doc, tmap, segments

    def extract(
        self,
        text: str,
        date: str | dt.date | None = None,
        *,
        id: str | None = None,
        title: str | None = None,
        url: str | None = None,
        source: str | None = None,
    ) -> ArticleRecord:
        """Extract the record of one article given as text."""
        if not isinstance(text, str):
            raise InputError("<text>", f"text must be a string, got {type(text).__name__}")
        try:
            pub = parse_date(date)
        except ValueError as exc:
            raise InputError("<date>", str(exc)) from None
        article = ArticleInput(
            text=text,
            id=id or hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()[:16],
            date=pub,
            title=title,
            url=url,
            source=source,
            origin=id or "<text>",
        )
        result = next(iter(self.process([article])))
        if isinstance(result, Failure):
            raise EventwireError(str(result))
        return result


def _sanitize(article: ArticleInput) -> None:
    """Replace lone surrogates (invalid Unicode, e.g. from a JSON ``\\ud800`` escape) in the
    article's strings with U+FFFD, same length: no UTF-8 writer (spaCy, JSON output, the
    store) accepts them."""
    text, n = replace_surrogates(article.text)
    if n:
        article.text = text
        article.warnings.append(
            f"{article.origin}: {n} lone surrogate code point(s) (invalid Unicode) in the "
            "text replaced with U+FFFD"
        )
    for name in ("id", "title", "url", "source", "language", "origin"):
        value = getattr(article, name)
        if isinstance(value, str):
            setattr(article, name, replace_surrogates(value)[0])


def uncoded_record(article: ArticleInput, segments: list[Segment]) -> ArticleRecord:
    """The record of an article stored without analysis (not English)."""
    return ArticleRecord.model_validate(_article_fields(article, segments))


def _article_fields(article: ArticleInput, segments: list[Segment]) -> dict[str, Any]:
    """The record fields that come from the input article (coded or not)."""
    return {
        "id": article.id,
        "title": article.title,
        "date": article.date.isoformat() if article.date else None,
        "source": article.source,
        "url": article.url,
        "language": article.language or ENGLISH,
        "text": article.text,
        "segments": [s.model_dump(mode="json") for s in segments],
        "warnings": list(article.warnings),
    }


def _analysis_segment(seg: Segment, tmap: TextMap) -> Segment:
    """A segment of the stored text expressed in analysis-text offsets."""
    if tmap.identity:
        return seg
    return Segment(span=tmap.to_analysis(*seg.span), kind=seg.kind)


# ---------------------------------------------------------------------- record


def _map_spans(obj: Any, tmap: TextMap, text: str) -> Any:
    """Map every span of a dumped record from analysis offsets to the stored text."""
    if isinstance(obj, dict):
        out: dict[str, Any] = {}
        for key, value in obj.items():
            if (
                key in ("span", "sentence_span")
                and isinstance(value, list | tuple)
                and len(value) == 2
            ):
                out[key] = list(tmap.to_original(int(value[0]), int(value[1])))
            elif key == "mentions" and isinstance(value, list):
                out[key] = [list(tmap.to_original(int(s), int(e))) for s, e in value]
            else:
                out[key] = _map_spans(value, tmap, text)
        if "span" in out and isinstance(out.get("text"), str) and out["span"]:
            s, e = out["span"]
            out["text"] = text[s:e]
        return out
    if isinstance(obj, list):
        return [_map_spans(v, tmap, text) for v in obj]
    return obj


def build_record(
    doc: Doc, article: ArticleInput, tmap: TextMap, segments: list[Segment]
) -> ArticleRecord:
    """Assemble the output record of one analysed article (``segments`` in stored offsets)."""
    actors = doc._.actors
    entities: list[Entity] = list(actors.entities) if actors is not None else []
    times: list[Time] = doc._.times or []
    places: list[Place] = doc._.places or []
    quotes: list[Quote] = doc._.quotes or []
    events: list[Event] = doc._.events or []
    body = {
        "entities": [e.model_dump(mode="json") for e in entities],
        "places": [p.model_dump(mode="json") for p in places],
        "times": [t.model_dump(mode="json") for t in times],
        "events": [e.model_dump(mode="json", exclude_none=False) for e in events],
        "quotes": [q.model_dump(mode="json") for q in quotes],
    }
    # map spans to the stored text and refresh every ``text`` from it
    body = _map_spans(body, tmap, article.text)
    if not doc._.explain:
        for ev in body["events"]:
            ev.pop("explain", None)
    return ArticleRecord.model_validate({**_article_fields(article, segments), **body})
