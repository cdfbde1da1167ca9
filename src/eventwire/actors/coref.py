"""Within-document coreference of actor mentions.

Four passes, each documented in ``docs/actors.md``:

1. **Names** (and appositions: "the village chief, Omar Saleh"): a person mention whose name tokens are contained, in order and
   ending with the same surname, in an earlier person's name is that person
   ("Esper" -> "Mark Esper", "Abdul Mahdi" -> "Adel Abdul Mahdi"); a fuller later
   form joins the earlier short one. Named organisations, countries and seats
   join by their canonical KB name / code.
2. **Titles**: a definite, name-less person title ("the prime minister", "the top
   US military officer") joins the most recent earlier person whose title has the
   same sector phrase, or the same country and sector, when the countries agree.
   A name-less title with no antecedent joins the first person named with the
   same title in the next three sentences (cataphora: a headline's "Russian
   major general" and the lede's "Major General Ivan Petrov").
3. **Definite descriptions** of bodies ("the parliament") join the most recent
   earlier body with the same head word and a compatible country.
4. **Pronouns** (he/she/it/they and forms) are resolved by a salience ranking in
   the manner of Lappin & Leass (1994): candidates in the pronoun's sentence (to
   its left) and the three before it, filtered by agreement (person/non-person,
   number, gender seen so far) and by a binding filter (a non-possessive pronoun is
   not a co-argument of its antecedent). Salience weights per mention: sentence
   recency 100, subject 80, direct object 50, indirect object / oblique 40, head
   noun 80, non-adverbial 50; halved for every sentence back and summed over an
   entity's mentions; a candidate in the pronoun's grammatical role gets +35
   (parallelism), and +200 when the candidate earlier filled the same role of
   the same predicate (the *caseframe* knowledge of Bean & Riloff 2004: "X was
   killed ... He was killed" points to X). Pronouns inside quotation marks are
   left alone (they usually refer to the speaker or the speaker's side).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from ..nlp import columns_of, text_of
from .mentions import GENDER, KNOWN, PRONOUNS, Mention

WINDOW = 3  # sentences before the pronoun's
W_RECENCY, W_SUBJECT, W_OBJECT, W_OBLIQUE, W_HEAD, W_NONADV = 100, 80, 50, 40, 80, 50
W_PARALLEL, W_CASEFRAME = 35, 200
LIGHT_VERBS: frozenset[str] = frozenset(
    {"be", "have", "say", "tell", "add", "do", "make", "get", "go", "come", "see", "know", "think"}
)
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "expl"})
OBJECT_DEPS = frozenset({"dobj", "attr", "oprd"})


@dataclass
class Cluster:
    """An entity under construction."""

    mentions: list[Mention] = field(default_factory=list)
    key: tuple[str, ...] | None = None
    gender: str | None = None

    @property
    def first(self) -> Mention:
        return self.mentions[0]


def quoted_chars(text: str) -> list[tuple[int, int]]:
    """Character ranges inside quotation marks (curly pairs, straight quotes toggling)."""
    ranges: list[tuple[int, int]] = []
    for match in re.finditer(r"“[^”]*”?|\"[^\"]*\"?", text):
        ranges.append((match.start(), match.end()))
    return ranges


def role_of(tok: Token) -> tuple[str, str] | None:
    """(predicate lemma, role) of a token: role is agent / patient / oblique."""
    dep = tok.dep_
    if dep in ("nsubj", "csubj"):
        return tok.head.lemma_.lower(), "agent"
    if dep in ("nsubjpass", "dobj"):
        return tok.head.lemma_.lower(), "patient"
    if dep == "pobj" and tok.head.dep_ == "agent":
        return tok.head.head.lemma_.lower(), "agent"
    if dep in ("dative",):
        return tok.head.lemma_.lower(), "oblique"
    return None


def frames_of(tok: Token) -> set[tuple[str, str]]:
    """Every (predicate, role) a mention head fills, including through relative clauses."""
    frames: set[tuple[str, str]] = set()
    own = role_of(tok)
    if own is not None and own[0] not in LIGHT_VERBS:
        frames.add(own)
    for child in tok.children:
        if child.dep_ in ("relcl", "acl"):
            for grand in child.children:
                if grand.tag_ in ("WP", "WDT") or grand.lower_ in ("who", "that", "which"):
                    rel = role_of(grand)
                    if rel is not None and rel[0] not in LIGHT_VERBS:
                        frames.add(rel)
            if (
                child.dep_ == "acl"
                and child.tag_ == "VBN"
                and child.lemma_.lower() not in LIGHT_VERBS
            ):
                frames.add((child.lemma_.lower(), "patient"))
    return frames


def _weight(tok: Token) -> float:
    cols = columns_of(tok.doc)
    head, pos, deps = cols.head, cols.pos, cols.dep
    i = tok.i
    score = float(W_RECENCY)
    dep = deps[i]
    grandparent_pos = pos[head[head[i]]]
    if dep in SUBJECT_DEPS:
        score += W_SUBJECT
    elif dep in OBJECT_DEPS:
        score += W_OBJECT
    elif dep in ("dative",) or (dep == "pobj" and grandparent_pos in ("VERB", "AUX")):
        score += W_OBLIQUE
    if dep not in ("poss", "compound", "nmod", "amod") and not (
        dep == "pobj" and grandparent_pos in ("NOUN", "PROPN")
    ):
        score += W_HEAD
    # adverbial: inside a prepositional phrase attached to a verb
    cur = i
    adverbial = False
    for _ in range(6):
        if deps[cur] == "prep" and pos[head[cur]] in ("VERB", "AUX"):
            adverbial = True
            break
        if head[cur] == cur:
            break
        cur = head[cur]
    if not adverbial:
        score += W_NONADV
    return score


def _agrees(pron: Mention, cand: Mention, cluster: Cluster | None) -> bool:
    form = pron.name or ""
    animacy, _number = PRONOUNS.get(form, ("any", "sg"))
    if cand.kind == "pronoun":
        return False  # judged through their cluster's other mentions
    if animacy == "person":
        if cand.animacy != "person" or cand.number != "sg":
            return False
        gender = GENDER.get(form)
        known = (cluster.gender if cluster is not None else None) or cand.gender
        return not (gender and known and gender != known)
    if animacy == "nonperson":
        return cand.animacy in ("org", "place", "thing") and cand.number == "sg"
    return cand.number == "pl" or cand.animacy == "group"


def is_pleonastic(tok: Token) -> bool:
    """Expletive "it" ("it was not clear if ...", "it is expected that ...")."""
    if tok.lower_ != "it":
        return False
    if tok.dep_ == "expl":
        return True
    head = tok.head
    after = [c for c in head.children if c.i > tok.i]
    has_pred = any(c.dep_ in ("acomp", "attr", "oprd") for c in after) or head.tag_ == "VBN"
    has_clause = any(c.dep_ in ("ccomp", "xcomp", "csubj", "advcl") for c in after) or any(
        g.dep_ in ("ccomp", "xcomp", "advcl")
        for c in after
        if c.dep_ in ("acomp", "attr")
        for g in c.children
    )
    return (
        has_pred
        and has_clause
        and head.lemma_
        in ("be", "seem", "appear", "remain", "become", "expect", "report", "believe", "say")
    )


def resolve_pronouns(
    doc: Doc, mentions: list[Mention], clusters: list[Cluster], others: list[Mention] | None = None
) -> None:
    """Attach pronoun mentions to clusters (new clusters for unclustered antecedents).

    ``others`` are noun phrases that are not actors ("the letter"): they compete as
    antecedents of "it"/"they", and a pronoun they win stays unresolved."""
    if not any(m.kind == "pronoun" for m in mentions):
        return
    sent_of: dict[int, int] = {}
    sent_starts: list[int] = []
    for s_index, sent in enumerate(doc.sents):
        sent_starts.append(sent.start)
        for i in range(sent.start, sent.end):
            sent_of[i] = s_index
    quotes = quoted_chars(text_of(doc))  # sorted, non-overlapping (one regex pass)
    quote_starts = [a for a, _ in quotes]
    by_cluster: dict[int, Cluster] = {}
    for cluster in clusters:
        for m in cluster.mentions:
            by_cluster[id(m)] = cluster
    frame_cache: dict[int, set[tuple[str, str]]] = {}

    def frames(m: Mention) -> set[tuple[str, str]]:
        found = frame_cache.get(id(m))
        if found is None:
            found = frame_cache[id(m)] = frames_of(doc[m.head])
        return found

    ordered = sorted([*mentions, *(others or [])], key=lambda m: (m.start, m.head))
    starts = [m.start for m in ordered]
    for pron in ordered:
        if pron.kind != "pronoun":
            continue
        char = doc[pron.head].idx
        k = bisect.bisect_right(quote_starts, char) - 1
        if (k >= 0 and char < quotes[k][1]) or is_pleonastic(doc[pron.head]):
            continue
        p_sent = sent_of[pron.head]
        p_tok = doc[pron.head]
        p_role = role_of(p_tok)
        p_frames = frames(pron)
        possessive = p_tok.dep_ == "poss" or p_tok.tag_ == "PRP$"
        scores: dict[int, float] = {}
        best_mention: dict[int, Mention] = {}
        # candidates start at the first phrase of the window's first sentence (scanning
        # from the article's start made this quadratic in its length)
        first = bisect.bisect_left(starts, sent_starts[max(0, p_sent - WINDOW)])
        for cand in ordered[first:]:
            if cand.start >= pron.start and cand.head >= pron.head:
                break
            if cand is pron or (cand.kind == "pronoun" and id(cand) not in by_cluster):
                continue
            c_sent = sent_of[cand.head]
            if p_sent - c_sent > WINDOW or cand.start <= pron.head < cand.end:
                continue
            cand_cluster = by_cluster.get(id(cand))
            target = (
                cand_cluster.first if cand_cluster is not None and cand.kind == "pronoun" else cand
            )
            if not _agrees(pron, target, cand_cluster):
                continue
            c_tok = doc[cand.head]
            if (
                not possessive
                and c_tok.head.i == p_tok.head.i
                and c_sent == p_sent
                and c_tok.dep_ != "poss"
            ):
                continue  # binding: co-arguments of one predicate
            key = id(cand_cluster) if cand_cluster is not None else id(cand)
            scores[key] = scores.get(key, 0.0) + _weight(c_tok) * 0.5 ** (p_sent - c_sent)
            best_mention[key] = target if cand_cluster is None else cand_cluster.first
            c_role = role_of(c_tok)
            if p_role is not None and c_role is not None and c_role[1] == p_role[1]:
                scores[key] += W_PARALLEL * 0.5 ** (p_sent - c_sent)
        if not scores:
            continue
        for key in scores:
            owner = next((c for c in clusters if id(c) == key), None)
            members = owner.mentions if owner is not None else [best_mention[key]]
            if p_frames and any(frames(m) & p_frames for m in members if m.start < pron.start):
                scores[key] += W_CASEFRAME
        winner = max(scores, key=lambda k: (scores[k], best_mention[k].start))
        if best_mention[winner].kind == "other":
            continue  # the pronoun refers to something that is not an actor
        win_cluster = next((c for c in clusters if id(c) == winner), None)
        if win_cluster is None:
            win_cluster = Cluster(
                [best_mention[winner]], key=("PRON-ANTECEDENT", str(best_mention[winner].start))
            )
            clusters.append(win_cluster)
            by_cluster[id(best_mention[winner])] = win_cluster
        win_cluster.mentions.append(pron)
        by_cluster[id(pron)] = win_cluster
        gender = GENDER.get(pron.name or "")
        if gender and win_cluster.gender is None:
            win_cluster.gender = gender


def _name_match(short: tuple[str, ...], full: tuple[str, ...]) -> bool:
    """``short`` is ``full`` or a surname-ending part of it, in order."""
    if not short or not full or len(short) > len(full):
        return False
    if short[-1].lower() != full[-1].lower():
        # "Abdel Abdul Mahdi": the contained part must end with the surname
        return False
    it = iter(t.lower() for t in full)
    return all(any(tok.lower() == f for f in it) for tok in short)


def cluster_mentions(
    doc: Doc, mentions: list[Mention], others: list[Mention] | None = None
) -> list[Cluster]:
    """Passes 1-3 (names, titles, definite descriptions), then pronouns."""
    clusters: list[Cluster] = []
    persons: list[tuple[Cluster, tuple[str, ...]]] = []
    keyed: dict[tuple[str, ...], Cluster] = {}
    ordered = sorted(mentions, key=lambda m: (m.start, m.head))
    for m in ordered:
        if m.kind == "person":
            match: Cluster | None = None
            for cluster, full in reversed(persons):
                if _name_match(m.name_tokens, full):
                    match = cluster
                    break
            if match is None:
                for index, (cluster, full) in enumerate(reversed(persons)):
                    if _name_match(full, m.name_tokens):
                        match = cluster
                        persons[len(persons) - 1 - index] = (cluster, m.name_tokens)
                        break
            if match is None:
                match = Cluster(key=("PERSON", " ".join(m.name_tokens)))
                clusters.append(match)
                persons.append((match, m.name_tokens))
            match.mentions.append(m)
            if m.gender and match.gender is None:
                match.gender = m.gender
            continue
        if m.kind == "nominal" and m.animacy == "person" and m.definite and m.title:
            titled = _title_antecedent(m, persons)
            if titled is not None:
                titled.mentions.append(m)
            continue
        if m.entity_key is not None:
            if m.kind == "nominal" and m.country is None:
                described = _description_antecedent(m, clusters)
                if described is not None:
                    described.mentions.append(m)
                    continue
            same = keyed.get(m.entity_key)
            if same is None:
                same = Cluster(key=m.entity_key)
                keyed[m.entity_key] = same
                clusters.append(same)
            same.mentions.append(m)
    _link_appositions(doc, ordered, clusters)
    _link_cataphora(doc, ordered, clusters)
    resolve_pronouns(doc, mentions, clusters, others)
    return clusters


def _link_cataphora(doc: Doc, ordered: list[Mention], clusters: list[Cluster]) -> None:
    """A name-less title before any name ("Russian major general killed ... Major
    General Ivan Petrov died") joins the first person named with the same title phrase
    within the next ``WINDOW`` sentences, when the countries agree."""
    owner = {id(m): c for c in clusters for m in c.mentions}
    sent_of = {i: k for k, sent in enumerate(doc.sents) for i in range(sent.start, sent.end)}
    for m in ordered:
        if m.kind != "nominal" or m.animacy != "person" or not m.title or id(m) in owner:
            continue
        for later in ordered:
            if later.start <= m.start or later.kind != "person":
                continue
            if sent_of[later.head] - sent_of[m.head] > WINDOW:
                break
            cluster = owner.get(id(later))
            if cluster is None or later.title != m.title:
                continue
            if (
                m.country
                and later.country
                and later.country_strength >= KNOWN
                and later.country != m.country
            ):
                continue
            cluster.mentions.append(m)
            owner[id(m)] = cluster
            break


def _link_appositions(doc: Doc, ordered: list[Mention], clusters: list[Cluster]) -> None:
    """A person-denoting phrase in apposition with a named person is that person
    ("the village chief, Omar Saleh" / "Omar Saleh, the village chief")."""
    owner = {id(m): c for c in clusters for m in c.mentions}
    persons = {m.head: m for m in ordered if m.kind == "person"}
    for m in ordered:
        if m.kind != "nominal" or m.animacy != "person" or id(m) in owner:
            continue
        head = doc[m.head]
        partners = [c.i for c in head.children if c.dep_ == "appos"]
        if head.dep_ == "appos":
            partners.append(head.head.i)
        for i in partners:
            person = persons.get(i)
            if person is not None and id(person) in owner:
                owner[id(person)].mentions.append(m)
                owner[id(m)] = owner[id(person)]
                break


def _title_antecedent(m: Mention, persons: list[tuple[Cluster, tuple[str, ...]]]) -> Cluster | None:
    for cluster, _full in reversed(persons):
        if cluster.first.start >= m.start:
            continue
        titles = {x.title for x in cluster.mentions if x.title}
        countries = {
            x.country for x in cluster.mentions if x.country and x.country_strength >= KNOWN
        }
        if m.country and countries and m.country not in countries:
            continue
        if m.title in titles:
            return cluster
        sectors = {x.sector for x in cluster.mentions if x.sector}
        generic = m.title_kind == "role"  # "the top US military officer", not "the US President"
        if generic and m.country and m.country in countries and m.sector and m.sector in sectors:
            return cluster
    return None


def _description_antecedent(m: Mention, clusters: list[Cluster]) -> Cluster | None:
    head = m.entity_key[-1] if m.entity_key else ""
    for cluster in reversed(clusters):
        first = cluster.first
        if first.start >= m.start or first.kind not in ("org", "nominal"):
            continue
        if cluster.key and cluster.key[-1] == head and cluster.key[0] == "NOM":
            return cluster
        if head and first.name and head in first.name.lower().split():
            return cluster
    return None
