"""The annotated articles the event model learns from, grouped by source corpus.

Corpora are named by the prefix of the gold file's name (``timebank-…``,
``polnear-…``): ``../shared/gold/train`` and ``../shared/gold/dev`` hold articles
of the same source corpora, which are validated together (leave one corpus out);
``examples/gold`` (written by us) is the corpus ``examples``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..read import ArticleInput, parse_date

ROOT = Path(__file__).resolve().parents[3]
SHARED = ROOT.parent / "shared"
#: gold folders read by default, in order
GOLD_DIRS: tuple[Path, ...] = (
    SHARED / "gold" / "train",
    SHARED / "gold" / "dev",
    ROOT / "examples" / "gold",
)


@dataclass
class GoldDoc:
    path: Path
    corpus: str
    data: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.data["id"])

    def article(self) -> ArticleInput:
        return ArticleInput(
            text=self.data["text"],
            id=self.id,
            date=parse_date(self.data.get("date")),
            origin=str(self.path),
        )


def corpus_of(path: Path) -> str:
    if path.parent.name == "gold" and path.parent.parent.name == "examples":
        return "examples"
    return path.stem.split("-", 1)[0]


def load_gold(dirs: tuple[Path, ...] = GOLD_DIRS) -> list[GoldDoc]:
    """Every gold article of ``dirs`` (folders that do not exist are skipped)."""
    docs: list[GoldDoc] = []
    for d in dirs:
        if not d.is_dir():
            continue
        for p in sorted(d.glob("*.json")):
            data = json.loads(p.read_text(encoding="utf-8"))
            docs.append(GoldDoc(path=p, corpus=corpus_of(p), data=data))
    return docs


def fingerprint(docs: list[GoldDoc]) -> dict[str, str]:
    """SHA-256 of each training file (for the model card)."""
    return {
        f"{d.path.parent.name}/{d.path.name}": hashlib.sha256(d.path.read_bytes()).hexdigest()
        for d in docs
    }
