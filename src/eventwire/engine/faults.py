"""A fault-injection stage, to test how the engines recover from crashes.

Add it like any stage: ``PipelineConfig(stages=(*DEFAULT_STAGES, "engine.faults"),
stage_config={"engine.faults": {"marker": "CRASH-ME", "action": "exit"}})``. On an
article whose text contains ``marker`` it either raises (``action="raise"``: the
pipeline keeps the record with a warning), ends the process at once
(``action="exit"``, as a segmentation fault or the out-of-memory killer would), or
sleeps ``seconds`` (``action="sleep"``: a worker starved of CPU, or a very long article).
With ``once_file`` set, it crashes only while that file does not exist, creating it
first (a crash that a retry survives). Articles without the marker are untouched.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

#: Exit status of a process ended by the ``exit`` action.
EXIT_CODE = 86


class FaultComponent:
    def __init__(self, marker: str, action: str, once_file: str, seconds: float = 1.0) -> None:
        if action not in ("exit", "raise", "sleep"):
            raise ValueError(
                f"engine.faults: action must be 'exit', 'raise' or 'sleep', not {action!r}"
            )
        self.marker = marker
        self.action = action
        self.once_file = once_file
        self.seconds = seconds

    def __call__(self, doc: Doc) -> Doc:
        if not self.marker or self.marker not in doc.text:
            return doc
        if self.once_file:
            flag = Path(self.once_file)
            if flag.exists():
                return doc
            flag.touch()
        if self.action == "exit":
            os._exit(EXIT_CODE)
        if self.action == "sleep":
            time.sleep(self.seconds)
            return doc
        raise RuntimeError(f"injected fault on marker {self.marker!r}")


@Language.factory(
    "eventwire_fault",
    default_config={"marker": "", "action": "raise", "once_file": "", "seconds": 1.0},
)
def make_fault_component(
    nlp: Language, name: str, marker: str, action: str, once_file: str, seconds: float
) -> FaultComponent:
    return FaultComponent(marker, action, once_file, seconds)


def add_to_pipeline(nlp: Language, config: dict[str, Any] | None = None) -> None:
    """Add ``eventwire_fault`` at the end of ``nlp``."""
    cfg = dict(config or {})
    nlp.add_pipe(
        "eventwire_fault",
        last=True,
        config={
            "marker": str(cfg.get("marker", "")),
            "action": str(cfg.get("action", "raise")),
            "once_file": str(cfg.get("once_file", "") or ""),
            "seconds": float(cfg.get("seconds", 1.0)),
        },
    )
