"""The experimental event model's pieces (events/model, eventwire.training) on text we
wrote: candidates and their rule features, gold labels on candidates, the weights
file, and the coder's errors when the model's files are missing. The encoder itself
is only exercised when ``make train`` has built it (skipped otherwise)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from eventwire.errors import EventwireError
from eventwire.events.model.features import RULE_FEATURES, TYPES, find_candidates, rule_features
from eventwire.events.model.head import Heads
from eventwire.read import ArticleInput

TEXT = (
    "Rebels attacked an army base near the border on Friday. "
    "The government said it would not negotiate with the rebels."
)


@pytest.fixture(scope="module")
def analysed(pipeline: Any) -> Any:
    article = ArticleInput(text=TEXT, id="t", date=None, origin="t")
    (item,) = list(pipeline.analyse([article]))
    return item


def coder_of(pipeline: Any) -> Any:
    return pipeline.nlp.get_pipe("eventwire_events")


def test_candidates_are_verbs_and_nouns_with_their_lexicon_entries(
    pipeline: Any, analysed: Any
) -> None:
    _, doc, _, _ = analysed
    cands = find_candidates(doc, coder_of(pipeline))
    words = {c.token.text: c for c in cands}
    assert {"attacked", "base", "negotiate"} <= set(words)
    assert "Friday" not in words and "near" not in words
    assert words["attacked"].entries and words["attacked"].entries[0].type == "ASSAULT"
    assert not words["base"].entries


def test_rule_features_say_what_the_rules_see(pipeline: Any, analysed: Any) -> None:
    _, doc, _, _ = analysed
    coder = coder_of(pipeline)
    cands = find_candidates(doc, coder)
    X = rule_features(cands, coder)
    assert X.shape == (len(cands), len(RULE_FEATURES))
    col = {name: i for i, name in enumerate(RULE_FEATURES)}
    row = {c.token.text: X[k] for k, c in enumerate(cands)}
    assert row["attacked"][col["lex=ASSAULT"]] == 1.0
    assert row["attacked"][col["rule_fact=asserted"]] == 1.0
    assert row["base"][col["lex=none"]] == 1.0
    assert row["negotiate"][col["rule_fact=negated"]] == 1.0


def test_gold_labels_fall_on_the_trigger_head(pipeline: Any, analysed: Any) -> None:
    from eventwire.training.labels import IGNORE, label

    _, doc, tmap, _ = analysed
    cands = find_candidates(doc, coder_of(pipeline))
    gold = {
        "text": TEXT,
        "events": [
            {"type": "ASSAULT", "trigger": "attacked an army base", "factuality": "asserted",
             "evidence": "Rebels attacked an army base near the border on Friday."},
            {"type": "CONSULT", "trigger": "negotiate", "factuality": "negated",
             "evidence": "it would not negotiate with the rebels"},
        ],
    }  # fmt: skip
    lab = label(gold, cands, tmap)
    by_word = {c.token.text: (int(lab.type[k]), int(lab.fact[k])) for k, c in enumerate(cands)}
    assert by_word["attacked"] == (TYPES.index("ASSAULT") + 1, 0)
    assert by_word["negotiate"] == (TYPES.index("CONSULT") + 1, 1)
    assert by_word["base"][0] == IGNORE  # inside the trigger, not its head
    assert by_word["government"] == (0, -1)
    assert not lab.unreachable


def _heads(d: int) -> Heads:
    rng = np.random.default_rng(0)
    return Heads(
        mean=np.zeros(d), scale=np.ones(d), type_coef=rng.normal(size=(17, d)),
        type_bias=np.zeros(17), fact_coef=rng.normal(size=(4, d)), fact_bias=np.zeros(4),
        threshold=0.4, calib_x=np.array([0.0, 0.5, 1.0]), calib_y=np.array([0.0, 0.3, 0.9]),
        meta={"name": "test"},
    )  # fmt: skip


def test_weights_round_trip(tmp_path: Path) -> None:
    heads = _heads(10 + len(RULE_FEATURES))
    path = tmp_path / "w.npz"
    heads.save(path)
    back = Heads.load(path)
    assert back.threshold == pytest.approx(0.4)
    assert np.allclose(back.type_coef, heads.type_coef, atol=1e-5)
    Z = np.ones((3, 10 + len(RULE_FEATURES)))
    assert np.allclose(back.type_probs(Z).sum(axis=1), 1.0)
    assert float(back.calibrate(0.75)) == pytest.approx(0.6)


def test_weights_of_other_features_are_refused(tmp_path: Path) -> None:
    heads = _heads(12)
    heads.rule_features = ("something", "else")
    path = tmp_path / "w.npz"
    heads.save(path)
    with pytest.raises(EventwireError, match="other features"):
        Heads.load(path)


def test_missing_weights_give_a_clear_error(tmp_path: Path) -> None:
    from eventwire.events.coder import EventCoder

    with pytest.raises(EventwireError, match="missing"):
        EventCoder(model=str(tmp_path / "none.npz"))


def test_rules_are_the_default(pipeline: Any) -> None:
    assert coder_of(pipeline).model is None


def test_shipped_model_codes_events_when_built() -> None:
    from eventwire.events.model.encoder import MODEL_DIR
    from eventwire.events.model.head import WEIGHTS_PATH

    if not (WEIGHTS_PATH.is_file() and (MODEL_DIR / "encoder.onnx").is_file()):
        pytest.skip("the event model is built by 'make train' (not shipped)")
    pytest.importorskip("onnxruntime")
    from eventwire.pipeline import Pipeline

    pipe = Pipeline(stage_config={"events": {"model": "default"}}, explain=True)
    rec = pipe.extract(TEXT, "2024-05-06")
    for ev in rec.events:
        assert 0.0 <= ev.confidence <= 1.0
        assert ev.explain is not None and "model" in ev.explain
