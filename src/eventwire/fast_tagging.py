"""The model's attribute ruler and lemmatizer, run as indexed lookups.

spaCy's small English pipeline ends its tagging with two Python-level components:

- the ``attribute_ruler`` maps each fine-grained tag (and a few words) to a coarse
  part of speech and morphological features. It runs a ``Matcher`` that tries every
  one of its ~180 token patterns at every token: about 19 µs per token, 15% of the
  whole model's time, more than the tagger and the parser's tok2vec together;
- the rule ``lemmatizer`` reads every token through Python attribute access, and for
  a word it has not seen tests candidate forms against index tables that the model
  ships as lists (about 75 µs per new word): another 6%.

:class:`IndexedAttributeRuler` reads the ruler's own patterns. The one-token rules on
``TAG`` and ``LOWER`` (all but a handful) become hash tables. The other rules that
test ``LOWER``, ``TAG``, ``DEP`` or ``IS_SPACE`` against strings, ``IN``/``NOT_IN``
lists or regular expressions, several-token rules included, are tested once per
distinct token key; words that no rule names share a key class. Only rules with other
attributes or operators stay in a ``Matcher`` (the English model has none). Matches
are applied in the ruler's order, later rules winning, exactly as the ruler does.
:class:`CachedLemmatizer` asks spaCy's lemmatizer only for (word, part of speech,
morphology) triples it has not seen, through a copy whose index tables are sets;
spaCy's rule lemmatizer caches on the same triple, so the result cannot differ. Both
caches are bounded.

Both write the document through ``Doc.to_array``/``Doc.from_array`` columns instead of
token objects. ``use_fast_tagging`` swaps them in after the model is loaded; the
originals stay in the pipeline, disabled, so that the model serialises unchanged.
``tests/test_fast_tagging.py`` checks that tags, parts of speech, morphology, lemmas
and dependencies are identical to spaCy's on real articles and on the ruler's
special cases.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable
from typing import Any, cast

from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.lookups import Lookups
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.tokens import Doc
from spacy.tokens._retokenize import set_token_attrs

RULER_NAME = "attribute_ruler"
LEMMATIZER_NAME = "lemmatizer"
FAST_RULER_NAME = "eventwire_indexed_attribute_ruler"
FAST_LEMMATIZER_NAME = "eventwire_cached_lemmatizer"
#: (spaCy's component, eventwire's indexed version of it)
SWAPS = ((RULER_NAME, FAST_RULER_NAME), (LEMMATIZER_NAME, FAST_LEMMATIZER_NAME))

#: at most this many distinct keys are remembered (the memory of a long run stays
#: bounded; forgetting costs only recomputation)
_MAX_KEYS = 200_000
#: attributes written as array columns; any other attribute a rule sets (a tag, a
#: dependency label) is written token by token, as the ruler does
_COLUMNS = (POS, MORPH, LEMMA)
#: lemmatizer modes whose result depends only on the token's form, part of speech
#: and morphology (the cache key); another mode is left to spaCy
_CACHEABLE_MODES = frozenset({"rule", "lookup", "pos_lookup"})

#: the token attributes a rule may test without the Matcher; a token's key is their
#: hashes (IS_SPACE as 0/1), in this order
_KEY_ATTRS = ("LOWER", "TAG", "DEP", "IS_SPACE")
_KEY_COLUMNS = (LOWER, TAG, DEP, IS_SPACE)

#: a token test: attribute position in the key, operator, operand
_Test = tuple[int, str, Any]
#: the tests of one pattern token
_Spec = tuple[_Test, ...]


def _compile_token(spec: dict[str, Any]) -> _Spec | None:
    """The tests of one pattern token; None when it needs the Matcher (another
    attribute, an operator, an extension)."""
    tests: list[_Test] = []
    for name, value in spec.items():
        name = name.upper()
        if name not in _KEY_ATTRS:
            return None
        at = _KEY_ATTRS.index(name)
        if name == "IS_SPACE":
            if not isinstance(value, bool):
                return None
            tests.append((at, "==", int(value)))
        elif isinstance(value, str):
            tests.append((at, "==", value))
        elif isinstance(value, dict) and len(value) == 1:
            ((op, operand),) = value.items()
            if op in ("IN", "NOT_IN") and isinstance(operand, list):
                if not all(isinstance(v, str) for v in operand):
                    return None
                tests.append((at, op, frozenset(operand)))
            elif op == "REGEX" and isinstance(operand, str):
                tests.append((at, op, re.compile(operand)))
            else:
                return None
        else:
            return None
    return tuple(tests)


def _passes(spec: _Spec, values: tuple[str | int, ...]) -> bool:
    for at, op, operand in spec:
        value = values[at]
        if op == "==":
            ok = value == operand
        elif op == "IN":
            ok = value in operand
        elif op == "NOT_IN":
            ok = value not in operand
        else:  # REGEX, searched as spaCy's Matcher does
            ok = bool(operand.search(value))
        if not ok:
            return False
    return True


#: what a token's key passes: its one-token rules, the steps (sequence, position) of
#: the several-token rules, its array column values and its other attributes
_Entry = tuple[tuple[int, ...], frozenset[tuple[int, int]], list[tuple[int, int]], dict[int, int]]
#: a test screened by the strings it can accept: ("rule", rule id, 0) for a one-token
#: rule, ("step", sequence, position) for a token of a several-token rule
_Target = tuple[str, int, int]


def _accepts(spec: _Spec, at: int) -> frozenset[str] | None:
    """The strings a spec accepts for one key attribute; None when it tests it otherwise
    (or not at all)."""
    for pos, op, operand in spec:
        if pos == at and op == "==":
            return frozenset({operand})
        if pos == at and op == "IN":
            return frozenset(operand)
    return None


class IndexedAttributeRuler:
    """Applies an ``AttributeRuler``'s rules through hash tables (see the module doc)."""

    def __init__(self, ruler: AttributeRuler) -> None:
        self.source = ruler
        self.vocab = ruler.vocab
        self._indices: list[int] = list(ruler.indices)
        self._attrs: list[dict[int, int]] = [dict(a) for a in ruler.attrs]
        #: one-token rules that test only TAG and LOWER, by the strings they accept
        self._by_tag: dict[str, list[int]] = {}
        self._by_lower: dict[str, list[int]] = {}
        self._by_lower_tag: dict[tuple[str, str], list[int]] = {}
        #: the other tests (one-token rules, tokens of fixed-length rules), screened by
        #: the LOWER, else the TAG strings they accept; "free" ones are always tried
        self._screen_lower: dict[str, list[tuple[_Target, _Spec]]] = {}
        self._screen_tag: dict[str, list[tuple[_Target, _Spec]]] = {}
        self._free: list[tuple[_Target, _Spec]] = []
        #: fixed-length rules of several tokens: (rule id, number of tokens)
        self._sequences: list[tuple[int, int]] = []
        #: whatever else, left to spaCy's Matcher
        self._matcher = Matcher(self.vocab)
        for rule_id in range(len(self._attrs)):
            found = ruler.matcher.get(str(rule_id))
            patterns: list[list[dict[str, Any]]] = found[1] if found else []
            rest = []
            for pattern in patterns:
                compiled = [_compile_token(token) for token in pattern]
                specs = [spec for spec in compiled if spec is not None]
                if not specs or len(specs) < len(compiled):
                    rest.append(pattern)
                elif len(specs) == 1:
                    self._add_single(rule_id, specs[0])
                else:
                    n_seq = len(self._sequences)
                    self._sequences.append((rule_id, len(specs)))
                    for k, spec in enumerate(specs):
                        self._add_screened(("step", n_seq, k), spec)
            if rest:
                self._matcher.add(str(rule_id), rest)
        # A word's LOWER matters only when a rule names it, or through the rules' other
        # tests on LOWER (a regular expression): every other word falls in the class of
        # the first word seen with the same results, which keeps the keys few.
        self._named_lowers = (
            set(self._by_lower) | {low for low, _ in self._by_lower_tag} | set(self._screen_lower)
        )
        self._lower_tests: list[_Spec] = [
            (test,)
            for _, spec in [*self._free, *(x for xs in self._screen_tag.values() for x in xs)]
            for test in spec
            if test[0] == 0
        ]
        self._lower_class: dict[int, int] = {}
        self._class_of: dict[tuple[bool, ...], int] = {}
        self._entries: dict[tuple[int, ...], _Entry] = {}
        self._interned: dict[tuple[tuple[int, ...], frozenset[tuple[int, int]]], _Entry] = {}

    def _add_single(self, rule_id: int, spec: _Spec) -> None:
        lowers, tags = _accepts(spec, 0), _accepts(spec, 1)
        if len(spec) != (lowers is not None) + (tags is not None):
            self._add_screened(("rule", rule_id, 0), spec)
        elif tags is None:
            for low in lowers or ():
                self._by_lower.setdefault(low, []).append(rule_id)
        elif lowers is None:
            for tag in tags:
                self._by_tag.setdefault(tag, []).append(rule_id)
        else:
            for low in lowers:
                for tag in tags:
                    self._by_lower_tag.setdefault((low, tag), []).append(rule_id)

    def _add_screened(self, target: _Target, spec: _Spec) -> None:
        lowers, tags = _accepts(spec, 0), _accepts(spec, 1)
        if lowers is not None:
            for low in lowers:
                self._screen_lower.setdefault(low, []).append((target, spec))
        elif tags is not None:
            for tag in tags:
                self._screen_tag.setdefault(tag, []).append((target, spec))
        else:
            self._free.append((target, spec))

    def _entry(self, key: tuple[int, ...]) -> _Entry:
        """What a token key passes, computed once per distinct key."""
        strings = self.vocab.strings
        values: tuple[str | int, ...] = tuple(
            v if attr == "IS_SPACE" else strings[v] for attr, v in zip(_KEY_ATTRS, key, strict=True)
        )
        lower, tag = str(values[0]), str(values[1])
        rules = set(self._by_tag.get(tag, ()))
        rules.update(self._by_lower.get(lower, ()))
        rules.update(self._by_lower_tag.get((lower, tag), ()))
        steps = set()
        for (kind, first, second), spec in (
            self._screen_lower.get(lower, []) + self._screen_tag.get(tag, []) + self._free
        ):
            if _passes(spec, values):
                if kind == "rule":
                    rules.add(first)
                else:
                    steps.add((first, second))
        ordered = tuple(sorted(rules))
        passed = frozenset(steps)
        entry = self._interned.get((ordered, passed))
        if entry is None:
            columns, rest = self._split(self._merge(ordered))
            entry = self._interned[(ordered, passed)] = (ordered, passed, columns, rest)
        if len(self._entries) >= _MAX_KEYS:
            self._entries.clear()
        self._entries[key] = entry
        return entry

    def _classify(self, lower: int) -> int:
        """The key a word's LOWER stands for: itself when a rule names it, else the first
        word seen with the same results on the rules' other LOWER tests."""
        text = self.vocab.strings[lower]
        if text in self._named_lowers:
            found = lower
        else:
            results = tuple(_passes(test, (text,)) for test in self._lower_tests)
            found = self._class_of.setdefault(results, lower)
        if len(self._lower_class) >= _MAX_KEYS:
            self._lower_class.clear()
        self._lower_class[lower] = found
        return found

    def _merge(self, rule_ids: Iterable[int]) -> dict[int, int]:
        merged: dict[int, int] = {}
        for rule_id in rule_ids:
            merged.update(self._attrs[rule_id])
        return merged

    @staticmethod
    def _split(attrs: dict[int, int]) -> tuple[list[tuple[int, int]], dict[int, int]]:
        """Attributes as (array column, value) pairs and the rest."""
        columns = [(col, attrs[attr]) for col, attr in enumerate(_COLUMNS) if attr in attrs]
        rest = {attr: value for attr, value in attrs.items() if attr not in _COLUMNS}
        return columns, rest

    def _target(self, rule_id: int, start: int, end: int) -> int:
        index = self._indices[rule_id]
        at = start + index if index >= 0 else end + index
        if not start <= at < end:
            raise ValueError(
                f"attribute rule {rule_id} has index {index} outside its {end - start}-token match"
            )
        return at

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        known = self._entries
        classes = self._lower_class
        entries: list[_Entry] = []
        for lower, tag, dep, space in doc.to_array(list(_KEY_COLUMNS)).tolist():
            word = classes.get(lower)
            if word is None:
                word = self._classify(lower)
            key = (word, tag, dep, space)
            entry = known.get(key)
            entries.append(entry if entry is not None else self._entry(key))
        # rules of several tokens (and any left to the Matcher), by the token they set
        extra: dict[int, set[int]] = {}
        for i, entry in enumerate(entries):
            for n_seq, k in entry[1]:
                if k:
                    continue
                rule_id, length = self._sequences[n_seq]
                end = i + length
                if end <= n and all((n_seq, j) in entries[i + j][1] for j in range(1, length)):
                    extra.setdefault(self._target(rule_id, i, end), set()).add(rule_id)
        if len(self._matcher):
            for match_id, start, end in self._matcher(doc, allow_missing=True):
                rule_id = int(self.vocab.strings[match_id])
                extra.setdefault(self._target(rule_id, start, end), set()).add(rule_id)
        columns = doc.to_array(list(_COLUMNS))
        others: list[tuple[int, dict[int, int]]] = []
        for i, (rules, _, values, rest) in enumerate(entries):
            if i in extra:
                values, rest = self._split(self._merge(sorted(set(rules) | extra[i])))
            for col, value in values:
                columns[i, col] = value
            if rest:
                others.append((i, rest))
        doc.from_array(list(_COLUMNS), cast(Any, columns))
        for i, rest in others:
            set_token_attrs(doc[i], rest)
        return doc


class CachedLemmatizer:
    """Runs a spaCy ``Lemmatizer`` once per distinct (form, POS, morphology).

    In rule mode, the lemmas of unseen keys come from a copy of the lemmatizer whose
    word index tables are sets: spaCy tests every candidate form against the index,
    which the model ships as lists (57,000 nouns), at about 75 µs per new word.
    """

    def __init__(self, lemmatizer: Lemmatizer) -> None:
        self.source = lemmatizer
        self.vocab = lemmatizer.vocab
        self._lemmas: dict[tuple[int, int, int], int] = {}
        self._lemmatize: Callable[[Any], list[str]] | None = None
        #: the copy of the lemmatizer with set-valued index tables (rule mode)
        self._worker: Lemmatizer | None = None

    def _prepare(self) -> Callable[[Any], list[str]]:
        self.source(Doc(self.vocab, words=[]))  # validates its tables, as spaCy does
        if self.source.mode != "rule":
            return self.source.lemmatize
        worker = self._worker = copy.copy(self.source)
        worker.cache = {}
        worker.lookups = Lookups()
        for name in self.source.lookups.tables:
            table = self.source.lookups.get_table(name)
            data = dict(table.items())
            if name == "lemma_index":
                data = {pos: frozenset(words) for pos, words in data.items()}
            worker.lookups.add_table(name, data)
        return cast(Callable[[Any], list[str]], worker.rule_lemmatize)

    def __call__(self, doc: Doc) -> Doc:
        if self._lemmatize is None:
            self._lemmatize = self._prepare()
        if len(doc) == 0:
            return doc
        columns = doc.to_array([ORTH, POS, MORPH, LEMMA])
        lemmas = columns[:, 3].copy()
        overwrite = bool(self.source.overwrite)
        cache = self._lemmas
        lemmatize = self._lemmatize
        add = self.vocab.strings.add
        for i, (orth, pos, morph, lemma) in enumerate(columns.tolist()):
            if lemma and not overwrite:
                continue
            key = (orth, pos, morph)
            found = cache.get(key)
            if found is None:
                if len(cache) >= _MAX_KEYS:
                    cache.clear()
                found = add(lemmatize(doc[i])[0])
                cache[key] = found
            lemmas[i] = found
        if self._worker is not None:
            self._worker.cache.clear()  # its results are in ours
        doc.from_array([LEMMA], cast(Any, lemmas))
        return doc


def _model_component(nlp: Language, name: str, kind: type[Any]) -> Any:
    """The model's component ``name``, which must be a ``kind``."""
    component = nlp.get_pipe(name)
    if not isinstance(component, kind):
        raise ValueError(f"the model's {name!r} is not a {kind.__name__}")
    return component


@Language.factory(FAST_RULER_NAME)
def make_indexed_attribute_ruler(nlp: Language, name: str) -> IndexedAttributeRuler:
    return IndexedAttributeRuler(_model_component(nlp, RULER_NAME, AttributeRuler))


@Language.factory(FAST_LEMMATIZER_NAME)
def make_cached_lemmatizer(nlp: Language, name: str) -> CachedLemmatizer:
    return CachedLemmatizer(_model_component(nlp, LEMMATIZER_NAME, Lemmatizer))


def use_fast_tagging(nlp: Language) -> list[str]:
    """Swap the model's attribute ruler and lemmatizer for their indexed versions, where
    the model has them in the usual form; returns the names of the components
    swapped. The originals are kept, disabled."""
    swapped: list[str] = []
    names = nlp.pipe_names
    if RULER_NAME in names and isinstance(nlp.get_pipe(RULER_NAME), AttributeRuler):
        nlp.add_pipe(FAST_RULER_NAME, after=RULER_NAME)
        nlp.disable_pipe(RULER_NAME)
        swapped.append(RULER_NAME)
    if LEMMATIZER_NAME in names:
        lemmatizer = nlp.get_pipe(LEMMATIZER_NAME)
        if isinstance(lemmatizer, Lemmatizer) and lemmatizer.mode in _CACHEABLE_MODES:
            nlp.add_pipe(FAST_LEMMATIZER_NAME, after=LEMMATIZER_NAME)
            nlp.disable_pipe(LEMMATIZER_NAME)
            swapped.append(LEMMATIZER_NAME)
    return swapped
