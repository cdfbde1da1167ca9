"""Candidates, features and labels of the gold articles (one pass of the pipeline)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..events.model.encoder import load_encoder
from ..events.model.features import candidate_features
from ..nlp import sentence_of
from ..pipeline import Failure, Pipeline
from .data import GoldDoc
from .labels import label

log = logging.getLogger(__name__)


@dataclass
class Dataset:
    X: np.ndarray
    y: np.ndarray  # type class, -1 ignore
    f: np.ndarray  # factuality class, -1 not an event
    doc: np.ndarray  # index into ids
    ids: list[str]
    corpora: list[str]  # per doc
    #: per candidate: (word, lemma, sentence) for reading errors
    words: list[tuple[str, str, str]] = field(default_factory=list)
    unreachable: int = 0

    @property
    def corpus(self) -> np.ndarray:
        return np.array([self.corpora[d] for d in self.doc])

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            path, X=self.X, y=self.y, f=self.f, doc=self.doc, ids=np.array(self.ids),
            corpora=np.array(self.corpora), words=np.array(self.words, dtype=object).astype(str),
            unreachable=np.array(self.unreachable),
        )  # fmt: skip

    @classmethod
    def load(cls, path: Path) -> Dataset:
        with np.load(path, allow_pickle=False) as z:
            return cls(
                X=z["X"], y=z["y"], f=z["f"], doc=z["doc"], ids=[str(x) for x in z["ids"]],
                corpora=[str(x) for x in z["corpora"]],
                words=[tuple(w) for w in z["words"].tolist()],
                unreachable=int(z["unreachable"]),
            )  # fmt: skip


def rules_pipeline(**kw: Any) -> Pipeline:
    return Pipeline(stage_config={"events": {"model": "off"}}, **kw)


def collect(golds: list[GoldDoc]) -> Dataset:
    pipe = rules_pipeline()
    coder: Any = pipe.nlp.get_pipe("eventwire_events")
    encoder = load_encoder()
    by_id = {g.id: g for g in golds}
    Xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    fs: list[np.ndarray] = []
    docs: list[np.ndarray] = []
    ids: list[str] = []
    corpora: list[str] = []
    words: list[tuple[str, str, str]] = []
    unreachable = 0
    for item in pipe.analyse(g.article() for g in golds):
        if isinstance(item, Failure):
            log.warning("%s", item)
            continue
        article, doc, tmap, _ = item
        if doc is None:
            continue
        gold = by_id[article.id]
        cands, X = candidate_features(doc, coder, encoder)
        lab = label(gold.data, cands, tmap)
        unreachable += len(lab.unreachable)
        k = len(ids)
        ids.append(gold.id)
        corpora.append(gold.corpus)
        Xs.append(X)
        ys.append(lab.type)
        fs.append(lab.fact)
        docs.append(np.full(len(cands), k, dtype=np.int64))
        for c in cands:
            words.append((c.token.text, c.token.lemma_, sentence_of(c.token).text[:300]))
    return Dataset(
        X=np.vstack(Xs).astype(np.float32), y=np.concatenate(ys), f=np.concatenate(fs),
        doc=np.concatenate(docs), ids=ids, corpora=corpora, words=words, unreachable=unreachable,
    )  # fmt: skip
