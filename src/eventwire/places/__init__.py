"""Places: the gazetteer and toponym resolution (see ``docs/places.md``).

``find_places(doc)`` lists every toponym mention resolved to a gazetteer entry;
``linked_place(trigger, places)`` picks the place attached to an event trigger;
the ``eventwire_places`` spaCy component sets ``doc._.places``.
"""

from __future__ import annotations

from .component import COMPONENT, PlacesComponent, add_to_pipeline
from .gazetteer import Candidate, Gazetteer
from .link import linked_place
from .resolve import find_places, resolve_doc

__all__ = [
    "COMPONENT",
    "Candidate",
    "Gazetteer",
    "PlacesComponent",
    "add_to_pipeline",
    "find_places",
    "linked_place",
    "resolve_doc",
]
