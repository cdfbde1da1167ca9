"""The ``eventwire_places`` spaCy component: sets ``doc._.places``."""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from ..nlp import register_extensions
from .gazetteer import DEFAULT_CITIES, Gazetteer
from .resolve import find_places

COMPONENT = "eventwire_places"


class PlacesComponent:
    """Finds and resolves the toponyms of each doc (the gazetteer opens on first use)."""

    def __init__(self, cities: str = DEFAULT_CITIES) -> None:
        register_extensions()
        self.cities = cities
        self._gazetteer: Gazetteer | None = None

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            self._gazetteer = (
                Gazetteer.default()
                if self.cities == DEFAULT_CITIES
                else Gazetteer.open(self.cities)
            )
        return self._gazetteer

    def __call__(self, doc: Doc) -> Doc:
        doc._.places = find_places(doc, self.gazetteer)
        return doc


@Language.factory(COMPONENT, default_config={"cities": DEFAULT_CITIES})
def make_places(nlp: Language, name: str, cities: str) -> PlacesComponent:
    """spaCy factory of the places stage."""
    return PlacesComponent(cities=cities)


def add_to_pipeline(nlp: Language, config: dict[str, Any] | None = None) -> None:
    """Add ``eventwire_places`` to ``nlp`` (once). ``config`` may hold ``{"cities": ...}``
    directly or under a ``"places"`` key; unknown keys are ignored."""
    register_extensions()
    if COMPONENT in nlp.pipe_names:
        return
    conf = config or {}
    section = conf.get("places", conf) if isinstance(conf, dict) else {}
    cities = section.get("cities", DEFAULT_CITIES) if isinstance(section, dict) else DEFAULT_CITIES
    nlp.add_pipe(COMPONENT, config={"cities": str(cities)})
