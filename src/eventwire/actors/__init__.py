"""Actors: knowledge base, mention analysis, coreference, country/sector coding.

``doc._.actors`` is an :class:`ActorIndex` (set by the ``eventwire_actors``
component); build a pipeline with :func:`add_to_pipeline`. See ``docs/actors.md``.
"""

from __future__ import annotations

from .components import add_to_pipeline, fix_entities
from .index import ActorIndex, MentionRecord
from .kb import ActorKB, KBEntry

__all__ = ["ActorIndex", "ActorKB", "KBEntry", "MentionRecord", "add_to_pipeline", "fix_entities"]
