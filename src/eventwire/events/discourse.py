"""``data/events/discourse.tsv``: discourse cue words by kind, read once.

Used by the coder (background and future prepositions, hypothetical governors,
negative subjects, reversal verbs) and by ``arguments`` (quantity heads,
projectiles, victim verbs).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def discourse_words() -> dict[str, frozenset[str]]:
    """Cue words by kind (lower case)."""
    path = resources.files("eventwire.data").joinpath("events", "discourse.tsv")
    out: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("kind\t"):
            continue
        kind, words, *_ = line.split("\t")
        out.setdefault(kind.strip(), set()).add(words.strip().lower())
    return {k: frozenset(v) for k, v in out.items()}


def words(kind: str) -> frozenset[str]:
    """The cue words of one kind (empty when the file lists none)."""
    return discourse_words().get(kind, frozenset())
