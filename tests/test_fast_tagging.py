"""The indexed attribute ruler and cached lemmatizer annotate exactly as spaCy's own.

eventwire swaps the model's ``attribute_ruler`` and ``lemmatizer`` for indexed versions
(``eventwire.fast_tagging``) because they cost a sixth of the model's time. Every stage
reads parts of speech, morphology and lemmas, so the swap must not change one of them:
these tests run the same texts through the stock components and the swapped ones and
compare every token.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.attrs import DEP, HEAD, LEMMA, MORPH, ORTH, POS, TAG
from spacy.language import Language

from conftest import EXAMPLES, GOLD_DEV, require
from eventwire.fast_tagging import (
    FAST_LEMMATIZER_NAME,
    FAST_RULER_NAME,
    SWAPS,
    use_fast_tagging,
)
from eventwire.nlp import resolve_model_name
from eventwire.read import ArticleInput, read_paths

COLUMNS = [ORTH, TAG, POS, MORPH, LEMMA, DEP, HEAD]

#: the ruler's word-specific rules: contractions and colloquial forms (several-token
#: rules), an expletive subject (a rule on the dependency label), whitespace tokens
SPECIAL = [
    "I ain't gonna sign it, y'all, and we gotta go. Let's wait. C'mon, there is time.",
    "There are two reasons.  \n\n  There were more,\tand it's done; ya'll know it isn't.",
    "He said: “We're not leaving.” She'd've said no. Who's there? Y'all're late.",
    "THE MINISTER SAID IT WAS 'OVER'.\n\n\nThe end",
]


def _model(fast: bool) -> Language:
    nlp = spacy.load(resolve_model_name().replace("-", "_"))
    if fast:
        assert use_fast_tagging(nlp) == ["attribute_ruler", "lemmatizer"]
    return nlp


@pytest.fixture(scope="module")
def stock() -> Language:
    return _model(fast=False)


@pytest.fixture(scope="module")
def fast() -> Language:
    return _model(fast=True)


def _differences(stock: Language, fast: Language, texts: Iterable[str]) -> list[str]:
    """Every token annotated differently, described."""
    out: list[str] = []
    texts = list(texts)
    for n, (a, b) in enumerate(zip(stock.pipe(texts), fast.pipe(texts), strict=True)):
        left, right = a.to_array(COLUMNS), b.to_array(COLUMNS)
        for i in (left != right).any(axis=1).nonzero()[0]:
            x, y = a[int(i)], b[int(i)]
            out.append(
                f"text {n} token {i} {x.text!r}: spaCy {x.tag_}/{x.pos_}/{x.morph}/{x.lemma_}/"
                f"{x.dep_}, indexed {y.tag_}/{y.pos_}/{y.morph}/{y.lemma_}/{y.dep_}"
            )
        if [(e.start, e.end, e.label_) for e in a.ents] != [
            (e.start, e.end, e.label_) for e in b.ents
        ]:
            out.append(f"text {n}: entities differ")
    return out


def test_swap_replaces_the_two_components_and_keeps_the_originals(fast: Language) -> None:
    names = fast.pipe_names
    assert FAST_RULER_NAME in names and FAST_LEMMATIZER_NAME in names
    assert "attribute_ruler" not in names and "lemmatizer" not in names
    assert names.index(FAST_RULER_NAME) < names.index(FAST_LEMMATIZER_NAME) < names.index("ner")
    for original, _ in SWAPS:
        assert original in fast.disabled
    assert fast.to_bytes()  # the model still serialises, originals included


def test_special_rules_give_spacys_annotations(stock: Language, fast: Language) -> None:
    assert _differences(stock, fast, SPECIAL) == []
    doc = fast(SPECIAL[0])
    lemmas = {t.text.lower(): t.lemma_ for t in doc}
    # several-token rules applied: "gon|na" -> go|to, "ai|n't" -> be, "Let|'s" -> us
    assert lemmas["gon"] == "go" and lemmas["na"] == "to"
    assert lemmas["ai"] == "be"
    assert lemmas["'s"] == "us"
    spaces = [t for t in fast(SPECIAL[1]) if t.is_space]
    assert spaces and all(t.pos_ == "SPACE" for t in spaces)


def test_bundled_examples_annotated_identically(stock: Language, fast: Language) -> None:
    texts = [
        item.text for item in read_paths([EXAMPLES / "articles"]) if isinstance(item, ArticleInput)
    ]
    assert len(texts) >= 8
    assert _differences(stock, fast, texts) == []


def test_gold_dev_articles_annotated_identically(stock: Language, fast: Language) -> None:
    texts = [
        json.loads(p.read_text(encoding="utf-8"))["text"]
        for p in sorted(require(GOLD_DEV).glob("*.json"))
    ]
    assert _differences(stock, fast, texts) == []


WORDS = [
    "ai", "n't", "gon", "na", "got", "ta", "let", "'s", "y'", "y", "all", "there", "is",
    "are", "was", "'re", "c'm", "on", "The", "police", "arrested", "protesters", "in",
    "Lagos", ",", ".", "“", "”", "\n\n", "  ", "\t", "said", "better", "best", "running",
    "mice", "Ministry", "U.S.", "$", "5", "%", "-", "(", ")", "ca", "wo", "'ll", "'d",
]  # fmt: skip


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(WORDS), min_size=0, max_size=30))
def test_random_word_sequences_annotated_identically(
    stock: Language, fast: Language, words: list[str]
) -> None:
    text = " ".join(words)
    assert _differences(stock, fast, [text]) == []


def test_rules_of_every_kind_added_to_the_ruler() -> None:
    """Rules the model does not ship (an operator left to the Matcher, a negative index,
    NOT_IN, REGEX, a TAG change) are applied as the ruler applies them."""
    nlp = _model(fast=False)
    ruler = nlp.get_pipe("attribute_ruler")
    ruler.add(
        [[{"LOWER": "police"}, {"TAG": {"IN": ["VBD", "VBZ"]}, "OP": "+"}]], {"LEMMA": "police-act"}
    )
    ruler.add([[{"LOWER": {"REGEX": "^prot"}}, {"LOWER": "in"}]], {"MORPH": "Foo=Bar"}, index=-1)
    ruler.add([[{"TAG": {"NOT_IN": ["NN", "NNS", "NNP"]}, "LOWER": "lagos"}]], {"TAG": "NNP"})
    ruler.add([[{"LOWER": {"IN": ["said", "says"]}}]], {"LEMMA": "say", "POS": "VERB"})
    texts = [
        "The police arrested protesters in Lagos and police fired at protesters in Abuja.",
        "lagos says it said so.",
    ]
    expected = [doc.to_array(COLUMNS).tolist() for doc in nlp.pipe(texts)]
    assert use_fast_tagging(nlp) == ["attribute_ruler", "lemmatizer"]
    got = [doc.to_array(COLUMNS).tolist() for doc in nlp.pipe(texts)]
    assert got == expected
    doc = nlp(texts[0])
    assert doc[1].lemma_ == "police-act"
    assert str(doc[4].morph) == "Foo=Bar"  # "in" after "protesters"


def test_empty_and_whitespace_documents(fast: Language, stock: Language) -> None:
    assert len(fast("")) == 0
    assert _differences(stock, fast, [" ", "\n\n\n", " \t "]) == []
