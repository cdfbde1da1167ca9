"""Shared fixtures: the spaCy model and the full pipeline are loaded once per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
GOLD_DEV = SHARED / "gold" / "dev"
EXTERNAL = SHARED / "eval" / "external"
EXAMPLES = ROOT / "examples"
SEED = GOLD_DEV / "seed-iraq-2020-01-06.json"


def require(path: Path) -> Path:
    """Skip the calling test, with the reason, when shared data is absent."""
    if not path.exists():
        pytest.skip(
            f"{path} is not present (the shared/ folder is only beside the repo in development and CI)"
        )
    return path


@pytest.fixture(scope="session")
def nlp():  # type: ignore[no-untyped-def]
    from eventwire.nlp import load_model

    return load_model()


@pytest.fixture(scope="session")
def pipeline():  # type: ignore[no-untyped-def]
    from eventwire.pipeline import Pipeline

    return Pipeline()


@pytest.fixture(scope="session")
def seed_record(pipeline):  # type: ignore[no-untyped-def]
    import json

    data = json.loads(require(SEED).read_text(encoding="utf-8"))
    return pipeline.extract(data["text"], data["date"], id=data["id"])


@pytest.fixture()
def tmp_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.chdir(tmp_path)
    yield tmp_path
