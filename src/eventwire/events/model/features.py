"""Candidates of the event model and their features.

A candidate is any verb or common noun of the article body (page furniture,
credits and datelines left out, as for the rules): the lexicon's matches and the
words it does not know alike, so that the model can find triggers the rules miss
and reject the rules' false readings. Each candidate is described by

* the encoder's contextual vectors of the word and of its syntactic head
  (``encoder``), and
* the rules' view of it (:data:`RULE_FEATURES`): the lexicon entry that matches
  (its type, weight, whether a construction was required), the factuality the cue
  scopes give it and the cues themselves, its part of speech, tag and dependency,
  whether it stands in a quote, a caption or a background phrase, governs a
  subject or an object, or is the content of a speech verb.

The feature layout is fixed by the names below; the trained weights record the
names they were fitted with, and loading fails with a clear error if they differ.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from spacy.tokens import Doc, Token

from ...nlp import columns_of, sentence_of
from ..factuality import ASSERTED, FUTURE, HYPOTHETICAL, NEGATED, factuality
from ..lexicon import CAMEO_BY_TYPE, TriggerEntry

if TYPE_CHECKING:
    from ..coder import EventCoder
    from .encoder import Encoder

#: the 16 PLOVER types, in the order of the model's classes 1..16 (0 is "no event")
TYPES: tuple[str, ...] = tuple(sorted(CAMEO_BY_TYPE))
FACTUALITIES: tuple[str, ...] = (ASSERTED, NEGATED, FUTURE, HYPOTHETICAL)
#: segments whose words are never coded (as for the rules)
SKIP_SEGMENTS = frozenset({"boilerplate", "credit", "dateline"})
_POS = ("VERB", "NOUN")
_TAGS = ("VB", "VBD", "VBG", "VBN", "VBP", "VBZ", "NN", "NNS")
_DEPS = (
    "ROOT", "conj", "ccomp", "xcomp", "advcl", "relcl", "acl", "dobj", "pobj", "nsubj",
    "nsubjpass", "compound", "amod", "pcomp", "attr", "appos", "npadvmod",
)  # fmt: skip
_MODALS = frozenset({"could", "might", "may", "should", "would", "will", "shall", "must", "can"})
_DEFINITE = frozenset({"the", "this", "that", "these", "those"})

RULE_FEATURES: tuple[str, ...] = (
    *(f"lex={t}" for t in TYPES),
    "lex=none",
    "lex_weight",
    "lex_construction",
    "lex_entries",
    *(f"pos={p}" for p in _POS),
    *(f"tag={t}" for t in _TAGS),
    *(f"dep={d}" for d in _DEPS),
    "dep=other",
    *(f"rule_fact={f}" for f in FACTUALITIES),
    "rule_fact_cues",
    "in_quote",
    "in_caption",
    "background",
    "neg_child",
    "modal_aux",
    "to_marker",
    "has_subject",
    "has_object",
    "head_is_speech",
    "definite",
    "first_sentence",
    "sentence_length",
)
_INDEX = {name: i for i, name in enumerate(RULE_FEATURES)}


@dataclass
class Candidate:
    """One word the model decides on."""

    token: Token
    #: the lexicon entries whose constraints hold here, most specific first
    entries: list[TriggerEntry]
    segment: str | None


def find_candidates(doc: Doc, coder: EventCoder) -> list[Candidate]:
    """Every verb and common noun of the article body, with the lexicon's entries."""
    cols = columns_of(doc)
    pos = cols.pos
    segments = doc._.segments or []
    out: list[Candidate] = []
    for i, p in enumerate(pos):
        if p not in _POS:
            continue
        tok = doc[i]
        if tok.ent_type_ in ("DATE", "TIME") or not tok.text.strip():
            continue
        seg = coder._segment_of(doc, segments, tok)
        if seg in SKIP_SEGMENTS:
            continue
        out.append(Candidate(token=tok, entries=coder.candidates(tok), segment=seg))
    return out


def _in_quote(doc: Doc, idx: int) -> bool:
    return any(q.span[0] <= idx < q.span[1] and q.kind == "direct" for q in doc._.quotes or [])


def rule_features(cands: Sequence[Candidate], coder: EventCoder) -> np.ndarray:
    """The rules' view of each candidate, as a ``(n, len(RULE_FEATURES))`` array."""
    X = np.zeros((len(cands), len(RULE_FEATURES)), dtype=np.float32)
    if not cands:
        return X
    doc = cands[0].token.doc
    quotes = [q.span for q in doc._.quotes or [] if q.kind == "direct"]
    first_sent_end = next(iter(doc.sents)).end if len(doc) else 0
    for r, c in enumerate(cands):
        tok = c.token
        row = X[r]
        if c.entries:
            e = c.entries[0]
            row[_INDEX[f"lex={e.type}"]] = 1.0
            row[_INDEX["lex_weight"]] = e.weight
            row[_INDEX["lex_construction"]] = 1.0 if e.specificity > 0 else 0.0
            row[_INDEX["lex_entries"]] = min(len(c.entries), 3) / 3.0
        else:
            row[_INDEX["lex=none"]] = 1.0
        if tok.pos_ in _POS:
            row[_INDEX[f"pos={tok.pos_}"]] = 1.0
        tag = f"tag={tok.tag_}"
        if tag in _INDEX:
            row[_INDEX[tag]] = 1.0
        dep = f"dep={tok.dep_}"
        row[_INDEX.get(dep, _INDEX["dep=other"])] = 1.0
        fact = factuality(tok, coder.cues)
        row[_INDEX[f"rule_fact={fact.label}"]] = 1.0
        row[_INDEX["rule_fact_cues"]] = min(len(fact.cues), 3) / 3.0
        row[_INDEX["in_quote"]] = float(any(s <= tok.idx < e for s, e in quotes))
        row[_INDEX["in_caption"]] = float(c.segment == "caption")
        row[_INDEX["background"]] = float(coder._is_background(tok))
        children = list(tok.children)
        row[_INDEX["neg_child"]] = float(any(ch.dep_ == "neg" for ch in children))
        row[_INDEX["modal_aux"]] = float(
            any(ch.dep_ in ("aux", "auxpass") and ch.lower_ in _MODALS for ch in children)
        )
        row[_INDEX["to_marker"]] = float(
            any(ch.dep_ == "aux" and ch.lower_ == "to" for ch in children)
        )
        row[_INDEX["has_subject"]] = float(
            any(ch.dep_ in ("nsubj", "nsubjpass", "agent") for ch in children)
        )
        row[_INDEX["has_object"]] = float(any(ch.dep_ in ("dobj", "dative") for ch in children))
        row[_INDEX["head_is_speech"]] = float(
            tok.head.i != tok.i and tok.head.lemma_.lower() in coder.cues.speech
        )
        row[_INDEX["definite"]] = float(
            any(
                ch.dep_ == "poss" or (ch.dep_ == "det" and ch.lower_ in _DEFINITE)
                for ch in children
            )
        )
        row[_INDEX["first_sentence"]] = float(tok.i < first_sent_end)
        row[_INDEX["sentence_length"]] = min(len(sentence_of(tok)), 80) / 80.0
    return X


def encoder_features(cands: Sequence[Candidate], encoder: Encoder) -> np.ndarray:
    """The contextual vectors of each candidate and of its head: ``(n, 2 * dim)``."""
    dim = encoder.dim
    if not cands:
        return np.zeros((0, 2 * dim), dtype=np.float32)
    # one encoder input per sentence holding a candidate; the spans asked for are the
    # candidates and their heads
    sents: dict[int, tuple[int, list[tuple[int, int]], dict[int, int]]] = {}
    texts: list[str] = []
    for c in cands:
        sent = sentence_of(c.token)
        entry = sents.get(sent.start)
        if entry is None:
            entry = sents[sent.start] = (len(texts), [], {})
            texts.append(sent.text)
        _, spans, where = entry
        base = sent.start_char
        for t in (c.token, c.token.head):
            if t.i not in where and sent.start <= t.i < sent.end:
                where[t.i] = len(spans)
                spans.append((t.idx - base, t.idx - base + len(t.text)))
    order = sorted(sents.values(), key=lambda e: e[0])
    vectors = encoder.token_vectors(texts, [e[1] for e in order])
    X = np.zeros((len(cands), 2 * dim), dtype=np.float32)
    for r, c in enumerate(cands):
        k, _, where = sents[sentence_of(c.token).start]
        X[r, :dim] = vectors[k][where[c.token.i]]
        h = where.get(c.token.head.i)
        X[r, dim:] = vectors[k][h] if h is not None else vectors[k][where[c.token.i]]
    return X


def candidate_features(
    doc: Doc, coder: EventCoder, encoder: Encoder
) -> tuple[list[Candidate], np.ndarray]:
    """The candidates of a doc and their raw feature rows (encoder vectors, then the
    rule features)."""
    cands = find_candidates(doc, coder)
    X = np.hstack([encoder_features(cands, encoder), rule_features(cands, coder)])
    return cands, X
