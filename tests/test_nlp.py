"""eventwire.nlp: per-doc caches agree with spaCy's own token attributes."""

from __future__ import annotations

import json

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from conftest import EXAMPLES, GOLD_DEV, require
from eventwire.nlp import columns_of, sentence_of, text_of
from eventwire.read import ArticleInput, read_paths


def _example_docs(nlp: Language) -> list[Doc]:
    texts = [a.text for a in read_paths([EXAMPLES / "articles"]) if isinstance(a, ArticleInput)]
    assert len(texts) >= 8
    return list(nlp.pipe(texts))


def _check_columns(doc: Doc) -> None:
    cols = columns_of(doc)
    assert cols.n == len(doc)
    lo, hi = cols.edges
    order = cols.walk[0]
    assert sorted(order) == list(range(len(doc)))  # every token walked once
    for tok in doc:
        i = tok.i
        assert cols.lower[i] == tok.lower_
        assert int(cols.lower_ids[i]) == tok.lower and int(cols.lemma_ids[i]) == tok.lemma
        assert cols.lemma[i] == tok.lemma_
        assert cols.pos[i] == tok.pos_
        assert cols.tag[i] == tok.tag_
        assert cols.dep[i] == tok.dep_
        assert cols.text[i] == tok.text
        assert cols.idx[i] == tok.idx
        assert cols.is_space[i] == tok.is_space and cols.is_punct[i] == tok.is_punct
        assert cols.upper_initial[i] == tok.text[:1].isupper()
        assert cols.head[i] == tok.head.i
        assert cols.children[i] == [c.i for c in tok.children]
        subtree = sorted(t.i for t in tok.subtree)
        assert sorted(cols.subtree(i)) == subtree
        assert all(cols.in_subtree(t, i) for t in subtree)
        assert tok.head.i == i or not cols.in_subtree(tok.head.i, i)
        assert cols.left_edge(i) == tok.left_edge.i == lo[i] == subtree[0]
        assert cols.bounds(i) == (subtree[0], subtree[-1])
        # the last token of the subtree (spaCy's right_edge can stop short of it in a
        # non-projective parse)
        assert hi[i] == subtree[-1] >= tok.right_edge.i


def test_columns_match_token_attributes_on_the_examples(nlp: Language) -> None:
    for doc in _example_docs(nlp):
        _check_columns(doc)


def test_columns_match_token_attributes_on_gold_dev(nlp: Language) -> None:
    paths = sorted(require(GOLD_DEV).glob("*.json"))
    texts = [json.loads(p.read_text(encoding="utf-8"))["text"] for p in paths]
    for doc in nlp.pipe(texts):
        _check_columns(doc)


def test_columns_are_built_once_per_doc_and_rebuilt_for_another(nlp: Language) -> None:
    a, b = nlp("Police arrested 20 protesters."), nlp("Troops left the city on Monday.")
    assert columns_of(a) is columns_of(a)
    assert columns_of(b) is not columns_of(a)
    assert columns_of(b).lower[0] == "troops"


@pytest.mark.parametrize("text", ["", " ", "\n\n", "Hello"])
def test_columns_of_tiny_docs(nlp: Language, text: str) -> None:
    doc = nlp(text)
    cols = columns_of(doc)
    assert cols.n == len(doc) and cols.lower == [t.lower_ for t in doc]
    assert cols.children == [[] for _ in doc] and cols.walk[0] == [t.i for t in doc]


def test_sentence_of_and_text_of_match_spacy(nlp: Language) -> None:
    for doc in _example_docs(nlp)[:3]:
        assert text_of(doc) == doc.text
        for tok in doc:
            sent = sentence_of(tok)
            assert (sent.start, sent.end) == (tok.sent.start, tok.sent.end)
