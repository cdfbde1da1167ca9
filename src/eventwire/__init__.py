"""eventwire: news articles in, verifiable event data out.

>>> import eventwire                                              # doctest: +SKIP
>>> rec = eventwire.extract("Police arrested 20 protesters in Lagos on Monday.", date="2024-03-05")
>>> [(e.type, e.actor.name if e.actor else None) for e in rec.events]
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .pipeline import Pipeline, PipelineConfig
    from .record import ArticleRecord

__all__ = ["ArticleRecord", "Pipeline", "PipelineConfig", "__version__", "extract"]


def __getattr__(name: str) -> Any:
    # Lazy imports keep `import eventwire` and `eventwire --help` fast.
    if name in ("Pipeline", "PipelineConfig"):
        from . import pipeline

        return getattr(pipeline, name)
    if name == "ArticleRecord":
        from .record import ArticleRecord

        return ArticleRecord
    raise AttributeError(f"module 'eventwire' has no attribute {name!r}")


@lru_cache(maxsize=2)
def _default_pipeline(model: str | None = None) -> Pipeline:
    from .pipeline import Pipeline

    return Pipeline(model=model)


def extract(
    text: str,
    date: str | dt.date | None = None,
    *,
    id: str | None = None,
    title: str | None = None,
    url: str | None = None,
    source: str | None = None,
    model: str | None = None,
) -> ArticleRecord:
    """Extract the event record of one article (the pipeline is loaded once and reused)."""
    return _default_pipeline(model).extract(text, date, id=id, title=title, url=url, source=source)
