"""Quote extraction benchmark on PolNeAR (Newell, Margolin & Ruths, LREC 2018).

Reads the corpus at run time (research-use licence: nothing is copied into the
project) from ``../shared/eval/external/polnear`` relative to the repository
root, or ``--data PATH``. For each article of the chosen splits (default
``train,dev``) the first annotator's ``.ann`` file is the gold standard.

Printed figures, for eventwire and for textacy's ``direct_quotations`` run on
the same spaCy docs (the baseline):

* direct quotes: P/R/F1. Gold direct quotes are the stretches inside double
  quotation marks within an attribution's Content span; the gold speaker is
  that attribution's Source. Match: word-set Jaccard >= 0.6 or one text
  contains the other (as in shared/gold/README.md), one-to-one, greedy.
* speaker accuracy on matched quotes: the system speaker span overlaps the
  gold Source span, or a content word of the gold Source appears in the
  system speaker's name or text. Matched quotes whose gold Source names no
  one (missing, or only "said"/"which"/"who": annotation slips) are left out
  of this figure and counted separately.
* attribution recall: share of all gold Content spans (direct, indirect,
  mixed) matched by any system quote (direct or indirect), same criterion.

Usage: .venv/bin/python bench/polnear.py [--data PATH] [--splits train,dev]
       [--limit N] [--show-misses K]
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "eval" / "external" / "polnear"

STOP = frozenset(
    {
        *("a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "by", "with"),
        *("from", "he", "she", "it", "they", "we", "i", "you", "his", "her", "its", "their"),
        *("our", "mr", "mrs", "ms", "dr", "who", "that", "this", "these", "those", "said"),
        "says",
    }
)
_WORD = re.compile(r"\w+")
# Any double mark may open or close: scraped text often has the wrong glyph.
_MARKED = re.compile(r"(?s)(?:[“\"]|''|(?:(?<=\s)|^)”(?=\S))(.+?)(?:[”\"]|''|“(?=\s|$))")


@dataclass
class GoldQuote:
    span: tuple[int, int]
    text: str
    source: tuple[int, int] | None
    source_text: str


@dataclass
class Article:
    name: str
    text: str
    direct: list[GoldQuote] = field(default_factory=list)
    contents: list[GoldQuote] = field(default_factory=list)


@dataclass
class SysQuote:
    span: tuple[int, int]
    text: str
    speaker_span: tuple[int, int] | None
    speaker_words: str


def _frags(field_: str) -> list[tuple[int, int]]:
    out = []
    for part in field_.split(";"):
        s, e = part.split()
        out.append((int(s), int(e)))
    return out


def parse_ann(text: str, ann: str) -> tuple[list[GoldQuote], list[GoldQuote]]:
    """(gold direct quotes, all gold contents) of one BRAT file."""
    spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    rels: list[dict[str, str]] = []
    for line in ann.splitlines():
        if line.startswith("T"):
            parts = line.split("\t")
            if len(parts) < 2:
                continue
            label, _, rest = parts[1].partition(" ")
            try:
                spans[parts[0]] = (label, _frags(rest))
            except ValueError:
                continue
        elif line.startswith("E"):
            parts = line.split("\t")
            if len(parts) < 2:
                continue
            rel = {}
            for arg in parts[1].split():
                role, _, tid = arg.partition(":")
                rel[role] = tid
            rels.append(rel)
    direct: dict[tuple[int, int], GoldQuote] = {}
    contents: dict[tuple[int, int], GoldQuote] = {}
    for rel in rels:
        content = spans.get(rel.get("Content", ""))
        if content is None:
            continue
        frags = content[1]
        cs, ce = min(s for s, _ in frags), max(e for _, e in frags)
        src = spans.get(rel.get("Source", ""))
        src_span = (min(s for s, _ in src[1]), max(e for _, e in src[1])) if src else None
        src_text = text[src_span[0] : src_span[1]] if src_span else ""
        contents.setdefault((cs, ce), GoldQuote((cs, ce), text[cs:ce], src_span, src_text))
        lo, hi = max(0, cs - 1), min(len(text), ce + 1)
        for m in _MARKED.finditer(text, lo, hi):
            s, e = m.start(1), m.end(1)
            inner = text[s:e]
            if not _WORD.search(inner):
                continue
            direct.setdefault((s, e), GoldQuote((s, e), inner, src_span, src_text))
    return list(direct.values()), list(contents.values())


def load_articles(data: Path, splits: Sequence[str], limit: int | None) -> list[Article]:
    arts: list[Article] = []
    for split in splits:
        tdir, adir = data / split / "text", data / split / "attributions"
        if not tdir.is_dir():
            sys.exit(f"polnear: no {tdir} (use --data)")
        for txt in sorted(tdir.glob("*.txt")):
            anns = sorted(adir.glob(txt.stem + "_*.ann"))
            if not anns:
                continue
            text = txt.read_text(encoding="utf-8")
            direct, contents = parse_ann(text, anns[0].read_text(encoding="utf-8"))
            arts.append(Article(txt.stem, text, direct, contents))
            if limit and len(arts) >= limit:
                return arts
    return arts


def words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def matches(a: str, b: str) -> bool:
    wa, wb = words(a), words(b)
    if not wa or not wb:
        return False
    if len(wa & wb) / len(wa | wb) >= 0.6:
        return True
    na, nb = " ".join(_WORD.findall(a.lower())), " ".join(_WORD.findall(b.lower()))
    return bool(na and nb) and (na in nb or nb in na)


def align(gold: Sequence[GoldQuote], system: Sequence[SysQuote]) -> list[tuple[int, int]]:
    """Greedy one-to-one matching, nearest spans first."""
    pairs = []
    for gi, g in enumerate(gold):
        for si, s in enumerate(system):
            if s.span[1] < g.span[0] - 5 or s.span[0] > g.span[1] + 5:
                continue
            if matches(g.text, s.text):
                pairs.append((abs(g.span[0] - s.span[0]), gi, si))
    pairs.sort()
    used_g: set[int] = set()
    used_s: set[int] = set()
    out = []
    for _, gi, si in pairs:
        if gi not in used_g and si not in used_s:
            used_g.add(gi)
            used_s.add(si)
            out.append((gi, si))
    return out


PRONOUNS = frozenset(["he", "she", "it", "they", "we", "i", "you"])


def scorable(g: GoldQuote) -> bool:
    """False when the gold Source cannot name anyone: missing, or only a cue or
    relative word ("said", "which", "who": annotation slips in PolNeAR)."""
    ws = words(g.source_text)
    return bool(ws - STOP or ws & PRONOUNS)


def speaker_ok(g: GoldQuote, s: SysQuote) -> bool:
    if s.speaker_span is None and not s.speaker_words:
        return False
    if (
        g.source
        and s.speaker_span
        and min(g.source[1], s.speaker_span[1]) > max(g.source[0], s.speaker_span[0])
    ):
        return True
    content = words(g.source_text) - STOP
    return bool(content & words(s.speaker_words))


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    spk_ok: int = 0
    attr_gold: int = 0
    attr_hit: int = 0
    spk_unscorable: int = 0
    seconds: float = 0.0

    def f1(self) -> float:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self, label: str) -> str:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        n_spk = self.tp - self.spk_unscorable
        acc = self.spk_ok / n_spk if n_spk else 0.0
        ar = self.attr_hit / self.attr_gold if self.attr_gold else 0.0
        return (
            f"{label:<10} direct P={p:.3f} R={r:.3f} F1={f:.3f} (tp={self.tp} fp={self.fp} "
            f"fn={self.fn})  speaker acc={acc:.3f} ({self.spk_ok}/{n_spk}, "
            f"{self.spk_unscorable} gold without a source left out; "
            f"{self.spk_ok / self.tp if self.tp else 0.0:.3f} over all matched)  "
            f"attribution recall={ar:.3f} ({self.attr_hit}/{self.attr_gold})"
        )


def eventwire_quotes(doc: object) -> tuple[list[SysQuote], list[SysQuote]]:
    from eventwire.quotes import find_quotes

    direct, every = [], []
    for q in find_quotes(doc):  # type: ignore[arg-type]
        sp = q.speaker
        sq = SysQuote(
            q.span,
            q.text,
            sp.span if sp else None,
            f"{sp.name or ''} {sp.text or ''}" if sp else "",
        )
        every.append(sq)
        if q.kind == "direct":
            direct.append(sq)
    return direct, every


TEXTACY_FAILURES: list[int] = []


def textacy_quotes(doc: object) -> tuple[list[SysQuote], list[SysQuote]]:
    from textacy.extract.triples import direct_quotations

    out = []
    try:
        for speaker, _cue, content in direct_quotations(doc):  # type: ignore[arg-type]
            s, e = content.start_char, content.end_char
            text = doc.text  # type: ignore[attr-defined]
            while s < e and text[s] in "\"“”'‘’ ":
                s += 1
            while e > s and text[e - 1] in "\"“”'‘’ ":
                e -= 1
            spk = (speaker[0].idx, speaker[-1].idx + len(speaker[-1])) if speaker else None
            out.append(SysQuote((s, e), text[s:e], spk, " ".join(t.text for t in speaker)))
    except Exception:  # textacy bails out on an odd number of quotation marks
        TEXTACY_FAILURES.append(1)
    return out, out


def score_doc(
    art: Article,
    doc: object,
    system: Callable[[object], tuple[list[SysQuote], list[SysQuote]]],
    score_: Score,
    misses: list[str],
    show: int,
) -> None:
    """Score one system on one parsed article, adding to ``score_``."""
    t0 = time.perf_counter()
    direct, every = system(doc)
    score_.seconds += time.perf_counter() - t0
    pairs = align(art.direct, direct)
    score_.tp += len(pairs)
    score_.fp += len(direct) - len(pairs)
    score_.fn += len(art.direct) - len(pairs)
    for gi, si in pairs:
        if not scorable(art.direct[gi]):
            score_.spk_unscorable += 1
        elif speaker_ok(art.direct[gi], direct[si]):
            score_.spk_ok += 1
        elif len(misses) < show:
            g, s = art.direct[gi], direct[si]
            misses.append(
                f"SPEAKER {art.name}: gold={g.source_text!r} sys={s.speaker_words!r} :: {g.text[:70]!r}"
            )
    if len(misses) < show:
        mg = {gi for gi, _ in pairs}
        ms = {si for _, si in pairs}
        for gi, g in enumerate(art.direct):
            if gi not in mg and len(misses) < show:
                misses.append(f"FN {art.name}: {g.text[:100]!r}")
        for si, s in enumerate(direct):
            if si not in ms and len(misses) < show:
                misses.append(f"FP {art.name}: {s.text[:100]!r}")
    score_.attr_gold += len(art.contents)
    score_.attr_hit += len(align(art.contents, every))


def main(argv: Iterable[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help="PolNeAR folder (default: %(default)s)"
    )
    ap.add_argument(
        "--splits", default="train,dev", help="comma-separated splits (default: train,dev)"
    )
    ap.add_argument("--limit", type=int, default=None, help="only the first N articles (a subset)")
    ap.add_argument("--show-misses", type=int, default=0, help="print up to K misses of eventwire")
    ap.add_argument("--no-baseline", action="store_true", help="skip textacy")
    ap.add_argument("--processes", type=int, default=1, help="spaCy parsing processes")
    args = ap.parse_args(list(argv) if argv is not None else None)

    from eventwire.nlp import load_model

    logging.getLogger("eventwire").setLevel(logging.ERROR)  # unbalanced-mark notes
    arts = load_articles(args.data, [s for s in args.splits.split(",") if s], args.limit)
    print(
        f"PolNeAR {args.splits}: {len(arts)} articles, "
        f"{sum(len(a.direct) for a in arts)} gold direct quotes, "
        f"{sum(len(a.contents) for a in arts)} gold attribution contents"
    )
    baseline: Callable[[object], tuple[list[SysQuote], list[SysQuote]]] | None = None
    if not args.no_baseline:
        try:
            import textacy  # noqa: F401

            baseline = textacy_quotes
        except ImportError:
            print("textacy not installed: pip install textacy (bench-only dependency)")
    nlp = load_model()
    ours, base, misses = Score(), Score(), []  # type: ignore[var-annotated]
    t0 = time.perf_counter()
    docs = nlp.pipe((a.text for a in arts), batch_size=16, n_process=args.processes)
    for art, doc in zip(arts, docs, strict=True):
        score_doc(art, doc, eventwire_quotes, ours, misses, args.show_misses)
        if baseline is not None:
            score_doc(art, doc, baseline, base, [], 0)
    total = time.perf_counter() - t0
    print(f"total {total:.1f}s (spaCy parse and scoring included)")
    print(ours.line("eventwire") + f"  [quotes {ours.seconds:.1f}s]")
    if baseline is not None:
        print(
            base.line("textacy")
            + f"  [quotes {base.seconds:.1f}s; gave up on {len(TEXTACY_FAILURES)} articles]"
        )
        d = ours.f1() - base.f1()
        print(f"eventwire - textacy: direct F1 {d:+.3f}")
    for m in misses:
        print("  " + m)
    return 0


if __name__ == "__main__":
    sys.exit(main())
