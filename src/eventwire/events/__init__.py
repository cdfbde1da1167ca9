"""Event coding: PLOVER events with arguments, factuality, date, place and source.

Modules: ``lexicon`` (the trigger lexicon data files), ``arguments`` (actors and
targets from the dependency parse), ``factuality`` (negation, modality, future),
``coder`` (trigger matching and assembly), ``coref`` (mentions of the same action).
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from ..nlp import register_extensions

register_extensions()


#: events whose confidence is below this are not output (see ``EventCoder._confidence``)
DEFAULT_MIN_CONFIDENCE = 0.25
#: the event model: "off" (the rules alone, the default), "default" (the shipped weights) or a
#: weights path; docs/model.md says why the rules stay the default
DEFAULT_MODEL = "off"


@Language.factory(
    "eventwire_events",
    default_config={
        "trigger_files": [],
        "min_confidence": DEFAULT_MIN_CONFIDENCE,
        "model": DEFAULT_MODEL,
    },
)
def make_event_coder(
    nlp: Language, name: str, trigger_files: list[str], min_confidence: float, model: str
) -> Any:
    from .coder import EventCoder

    return EventCoder(trigger_files=trigger_files, min_confidence=min_confidence, model=model)


def add_to_pipeline(nlp: Language, config: dict[str, Any]) -> None:
    """Add the event coder as the last stage."""
    if "eventwire_events" not in nlp.pipe_names:
        nlp.add_pipe(
            "eventwire_events",
            last=True,
            config={
                "trigger_files": [str(p) for p in config.get("trigger_files", [])],
                "min_confidence": float(config.get("min_confidence", DEFAULT_MIN_CONFIDENCE)),
                "model": str(config.get("model", DEFAULT_MODEL) or "off"),
            },
        )


def code_events(doc: Doc) -> Doc:
    """Run the default event coder on an analysed doc (for use outside a Pipeline)."""
    from .coder import EventCoder

    return EventCoder()(doc)
