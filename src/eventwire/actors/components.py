"""spaCy components: the KB entity ruler, post-NER fixes, and ``eventwire_actors``."""

from __future__ import annotations

import re
import warnings
from typing import Any, cast

from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..nlp import register_extensions, text_of
from .index import ActorIndex
from .kb import ActorKB

register_extensions()

RULER_NAME = "eventwire_actor_ruler"
FIXES_NAME = "eventwire_actor_fixes"
ACTORS_NAME = "eventwire_actors"


def fix_entities(doc: Doc, kb: ActorKB) -> Doc:
    """Repair NER output with the KB and the document itself.

    * credit lines: a PERSON next to a slash whose other side is a news agency or a
      line end ("Naif Rahma / Reuters") is a photo credit, not an actor;
    * trailing slashes and spaces are trimmed from entities;
    * a single-token GPE/ORG/NORP/LOC entity equal to the surname of a PERSON in
      the same document (and not itself a KB name) is that person ("Soleimani's");
    * an entity whose whole text is a KB country or seat name is a GPE, a demonym a
      NORP ("Sri Lanka" tagged PERSON); a PERSON equal to a seat only when no full
      person name of the document has that word ("Tallinn said", not "Ana Lima").
    """
    ents = list(doc.ents)
    surnames: set[str] = set()
    name_words: set[str] = set()  # every word of a full person name ("Lima" in "Ana Lima")
    for ent in ents:
        if ent.label_ == "PERSON":
            words = [t.text for t in ent if not (t.is_punct or t.is_space)]
            if len(words) >= 2:
                surnames.add(words[-1])
                name_words.update(words)
    fixed: list[Span] = []
    for ent in ents:
        start, end = ent.start, ent.end
        while end > start and (doc[end - 1].is_space or doc[end - 1].text in ("/", "|")):
            end -= 1
        while start < end and (doc[start].is_space or doc[start].text in ("/", "|")):
            start += 1
        if end <= start:
            continue
        label = ent.label_
        if label == "PERSON" and _is_credit(doc, start, end, kb):
            continue
        text = doc[start:end].text
        if (
            label in ("GPE", "ORG", "NORP", "LOC")
            and end - start == 1
            and text in surnames
            and kb.lookup(text) is None
        ):
            label = "PERSON"
        elif label in ("PERSON", "ORG", "NORP", "LOC", "FAC"):
            entry = kb.lookup(text)
            if entry is not None and entry.kind == "seat" and label == "PERSON":
                if text not in name_words:  # "Tallinn said" tagged PERSON; not "Ana Lima"
                    label = "GPE"
            elif entry is not None and entry.kind in ("country", "seat"):
                label = "GPE"  # "Sri Lanka" tagged PERSON
            elif entry is not None and entry.kind == "demonym":
                label = "NORP"
        fixed.append(Span(doc, start, end, label=label))
    if kb.cased_forms:
        fixed += _cased_forms(doc, kb, fixed)
    doc.ents = filter_spans(fixed)
    return doc


def _cased_forms(doc: Doc, kb: ActorKB, ents: list[Span]) -> list[Span]:
    """KB short forms that are also English words ("IS" for the Islamic State), written
    with a trailing ``*`` in the KB: an entity only where the words around them are not
    all capitals (in "FIGHTING IS OVER" it is the verb), and not inside another entity."""
    taken = {i for e in ents for i in range(e.start, e.end)}
    out: list[Span] = []
    wanted = kb.cased_form_ids
    if len(doc) == 0:
        return out
    for i, orth in enumerate(doc.to_array(ORTH).tolist()):
        if orth not in wanted or i in taken:
            continue
        tok = doc[i]
        label = kb.cased_forms[tok.text]
        words = [
            t
            for t in doc[max(0, tok.i - 3) : tok.i + 4]
            if t.i != tok.i and t.is_alpha and len(t.text) > 1
        ]
        if words and all(t.is_upper for t in words):
            continue
        if not words:
            continue
        out.append(Span(doc, tok.i, tok.i + 1, label=label))
    return out


_LINE_END = re.compile(r"[ \t]*(\n|$)")


def _is_credit(doc: Doc, start: int, end: int, kb: ActorKB) -> bool:
    text = text_of(doc)
    # a credit line is short: look at a bounded window around the name (the whole
    # text here made this quadratic in the article length)
    end_char = doc[end - 1].idx + len(doc[end - 1].text)
    after = text[end_char : end_char + 200]
    before = text[max(0, doc[start].idx - 200) : doc[start].idx]
    m_after = re.match(r"\s*/\s*([^\n/]*)", after)
    if m_after is not None:
        other = m_after.group(1).strip()
        if not other and re.match(r"\s*/[ \t]*(\n|$)", after):
            other = after.split("/", 1)[1].strip().split("\n", 1)[0].strip()
        entry = kb.lookup(other) if other else None
        if entry is not None and entry.sector == "JRN":
            return True
        if re.match(r"\s*/[ \t]*(\n|$)", after):
            return True  # "Name /" alone on its line
    # "Agency /" just before: the words after the last line end or slash before it (a
    # backtracking search here took 150 µs per name)
    tail = before.rstrip()
    if tail.endswith("/"):
        entry = kb.lookup(re.split(r"[\n/]", tail[:-1])[-1].strip())
        if entry is not None and entry.sector == "JRN":
            return True
    return False


@Language.factory(FIXES_NAME, default_config={"actor_files": []})
def make_fixes(nlp: Language, name: str, actor_files: list[str]) -> Any:
    kb = ActorKB.load(actor_files)

    def component(doc: Doc) -> Doc:
        try:
            return fix_entities(doc, kb)
        except (ValueError, IndexError):  # never break the pipeline on odd input
            return doc

    return component


@Language.factory(
    ACTORS_NAME, default_config={"actor_files": [], "nearest_country": True, "home_country": True}
)
def make_actors(
    nlp: Language, name: str, actor_files: list[str], nearest_country: bool, home_country: bool
) -> Any:
    kb = ActorKB.load(actor_files)

    def component(doc: Doc) -> Doc:
        try:
            doc._.actors = ActorIndex.build(
                doc, kb, use_nearest=nearest_country, use_home=home_country
            )
        except (ValueError, IndexError, KeyError) as exc:  # pragma: no cover - defensive
            doc._.actors = ActorIndex([], [], kb.files)
            if doc.user_data is not None:
                doc.user_data.setdefault("eventwire_warnings", []).append(f"actors: {exc}")
        return doc

    return component


def add_to_pipeline(nlp: Language, config: dict[str, Any] | None = None) -> None:
    """Add the KB entity ruler (before "ner"), the NER fixes (after it) and
    ``eventwire_actors`` (last).

    ``config`` keys: ``actor_files`` (user KB files; each bad line is reported as a
    Python warning naming file and line), ``nearest_country`` and ``home_country``
    (bool, default True: see docs/actors.md)."""
    config = config or {}
    files = [str(p) for p in config.get("actor_files", [])]
    kb = ActorKB.load(files)
    for problem in kb.warnings:  # bad lines in data files: reported, the rest loads
        warnings.warn(f"actor knowledge: {problem}", stacklevel=2)
    if RULER_NAME not in nlp.pipe_names:
        where: dict[str, Any] = {"before": "ner"} if "ner" in nlp.pipe_names else {}
        ruler = nlp.add_pipe(
            "entity_ruler",
            name=RULER_NAME,
            config={"phrase_matcher_attr": "ORTH", "overwrite_ents": True},
            **where,
        )
        patterns = [
            {"label": label, "pattern": form} for label, form in dict.fromkeys(kb.ruler_patterns)
        ]
        cast(Any, ruler).add_patterns(patterns)
    if FIXES_NAME not in nlp.pipe_names:
        where = {"after": "ner"} if "ner" in nlp.pipe_names else {}
        nlp.add_pipe(FIXES_NAME, config={"actor_files": files}, **where)
    if ACTORS_NAME not in nlp.pipe_names:
        nlp.add_pipe(
            ACTORS_NAME,
            config={
                "actor_files": files,
                "nearest_country": bool(config.get("nearest_country", True)),
                "home_country": bool(config.get("home_country", True)),
            },
        )
