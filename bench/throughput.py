"""Throughput of the full pipeline against bare spaCy on the same texts.

Measures, in one run and on one corpus:

  (a) bare ``nlp.pipe`` of the same spaCy model (the floor of our design),
  (a') the same, with the model's attribute ruler and lemmatizer swapped for
       eventwire's indexed versions (``eventwire.fast_tagging``, same annotations):
       (b)/(a') is the cost of eventwire's own stages alone,
  (b) the full eventwire pipeline (read objects → clean → spaCy → stages → records),
  (c) JSON Lines serialisation of the records,
  (d) with ``--event-model``: the full pipeline with the experimental trained event model
      (docs/model.md; needs ``make train``),

as articles/s and tokens/s, the ratios (b)/(a) and (b)/(a'), peak RSS of the process, and the
cold start of ``eventwire extract`` on one article (a fresh process).

The corpus: our bundled examples plus the article texts under
``../shared/eval/external`` when present (gold dev texts, PolNeAR, WikiEvents,
India police events), cycled to ``--articles`` items.

Usage: ``python bench/throughput.py [--articles 2000] [--batch-size 16] [--profile]``
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def corpus_texts(limit: int) -> list[str]:
    """Article texts: examples first, then external corpora, cycled to ``limit``."""
    from eventwire.read import ArticleInput, read_paths

    texts: list[str] = []
    for item in read_paths([ROOT / "examples" / "articles"]):
        if isinstance(item, ArticleInput):
            texts.append(item.text)
    gold = SHARED / "gold" / "dev"
    if gold.exists():
        texts += [
            json.loads(p.read_text(encoding="utf-8"))["text"] for p in sorted(gold.glob("*.json"))
        ]
    ext = SHARED / "eval" / "external"
    docs = ext / "indiapoliceevents" / "docs.jsonl"
    if docs.exists():
        with docs.open(encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                text = rec.get("text") or rec.get("doc_text") or ""
                if isinstance(text, str) and len(text) > 200:
                    texts.append(text)
                if len(texts) >= limit:
                    break
    wiki = ext / "wikievents" / "dev.jsonl"
    if wiki.exists() and len(texts) < limit:
        with wiki.open(encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                text = rec.get("text")
                if isinstance(text, str) and len(text) > 200:
                    texts.append(text)
    if not texts:
        raise SystemExit("no texts found")
    out: list[str] = []
    while len(out) < limit:
        out.extend(texts[: limit - len(out)])
    return out


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cold_start() -> float:
    """Seconds for a fresh `eventwire extract` process on one short article."""
    exe = Path(sys.executable).with_name("eventwire")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "one.txt"
        path.write_text(
            "NAIROBI, March 3 (Wire) - Police arrested 20 protesters in Nairobi on Monday, "
            "officials said.\n",
            encoding="utf-8",
        )
        t0 = time.perf_counter()
        subprocess.run([str(exe), "extract", str(path)], check=True, capture_output=True)
        return time.perf_counter() - t0


def set_fast_tagging(nlp: Any, fast: bool) -> None:
    """Run the bare model with spaCy's own attribute ruler and lemmatizer, or with
    eventwire's indexed versions of them."""
    from eventwire.fast_tagging import SWAPS

    for original, indexed in SWAPS:
        if indexed in nlp.component_names:
            nlp.enable_pipe(indexed if fast else original)
            nlp.disable_pipe(original if fast else indexed)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument(
        "--profile", action="store_true", help="print a pyinstrument profile of (b) if installed"
    )
    ap.add_argument(
        "--event-model",
        action="store_true",
        help="also time (d), the pipeline with the event model",
    )
    args = ap.parse_args()

    from eventwire.fast_tagging import use_fast_tagging
    from eventwire.nlp import load_model
    from eventwire.pipeline import Pipeline
    from eventwire.read import ArticleInput

    texts = corpus_texts(args.articles)
    n_chars = sum(len(t) for t in texts)
    print(f"corpus: {len(texts)} articles, {n_chars / 1e6:.1f} M characters")

    nlp = load_model()
    use_fast_tagging(nlp)
    pipe = Pipeline(batch_size=args.batch_size)
    model_pipe = (
        Pipeline(batch_size=args.batch_size, stage_config={"events": {"model": "default"}})
        if args.event_model
        else None
    )

    # warm all (first batches pay for lazy loads)
    for fast in (False, True):
        set_fast_tagging(nlp, fast)
        list(nlp.pipe(texts[:8]))
    list(pipe.process(ArticleInput(text=t, id=str(i)) for i, t in enumerate(texts[:8])))
    if model_pipe is not None:
        list(model_pipe.process(ArticleInput(text=t, id=str(i)) for i, t in enumerate(texts[:8])))
    pipe.stage_seconds = dict.fromkeys(pipe.stage_seconds, 0.0)

    # (a), (b) and (a') alternate chunk by chunk, so that whatever else the machine is
    # doing weighs on all alike
    profiler = None
    if args.profile:
        try:
            from pyinstrument import Profiler

            profiler = Profiler()
        except ImportError:
            print("pyinstrument is not installed; no profile")
    bare = bare_fast = full = ser = with_model = 0.0
    n_tokens = size = events = 0
    chunk = max(args.batch_size, 50)
    for start in range(0, len(texts), chunk):
        part = texts[start : start + chunk]
        set_fast_tagging(nlp, False)
        t0 = time.perf_counter()
        for doc in nlp.pipe(part, batch_size=args.batch_size):
            n_tokens += len(doc)
        bare += time.perf_counter() - t0
        if profiler is not None:
            profiler.start()
        t0 = time.perf_counter()
        records = list(
            pipe.process(ArticleInput(text=t, id=str(start + i)) for i, t in enumerate(part))
        )
        full += time.perf_counter() - t0
        if profiler is not None:
            profiler.stop()
        # (a') after (b), so that neither (a') nor (b) runs right after the same model
        # weights on the same texts (which runs faster: the CPU caches are warm)
        set_fast_tagging(nlp, True)
        t0 = time.perf_counter()
        for _doc in nlp.pipe(part, batch_size=args.batch_size):
            pass
        bare_fast += time.perf_counter() - t0
        # (c), then the records are dropped, as `eventwire extract` writes and drops
        # them (holding all of them would make every full garbage collection of (b)
        # walk a growing heap that the command never has)
        t0 = time.perf_counter()
        for r in records:
            if hasattr(r, "to_json"):
                size += len(r.to_json())
        ser += time.perf_counter() - t0
        events += sum(len(getattr(r, "events", [])) for r in records)
        del records
        if model_pipe is not None:
            t0 = time.perf_counter()
            for _r in model_pipe.process(
                ArticleInput(text=t, id=str(start + i)) for i, t in enumerate(part)
            ):
                pass
            with_model += time.perf_counter() - t0
    if profiler is not None:
        print(profiler.output_text(unicode=False, color=False, show_all=False))

    model_part = full - sum(pipe.stage_seconds.values())
    print("time per part of (b):")
    print(f"  {'spaCy model + reading + records':34s} {model_part:7.2f} s")
    for name, secs in pipe.stage_seconds.items():
        print(f"  {name:34s} {secs:7.2f} s")
    print(
        f"(a) bare spaCy nlp.pipe:   {len(texts) / bare:8.1f} articles/s  {n_tokens / bare:10.0f} tokens/s"
    )
    print(
        f"(a') spaCy, indexed tagging: {len(texts) / bare_fast:6.1f} articles/s  {n_tokens / bare_fast:10.0f} tokens/s"
    )
    print(f"(b) full eventwire:        {len(texts) / full:8.1f} articles/s  {n_tokens / full:10.0f} tokens/s"
          f"  ({events} events)")  # fmt: skip
    print(f"(c) JSONL serialisation:   {len(texts) / ser:8.1f} articles/s  ({size / 1e6:.1f} MB)")
    print(f"ratio (b)/(a):             {bare / full:.3f}")
    print(f"ratio (b+c)/(a):           {bare / (full + ser):.3f}")
    print(f"ratio (b)/(a'):            {bare_fast / full:.3f}  (eventwire's stages alone)")
    if model_pipe is not None:
        print(f"(d) with the event model:  {len(texts) / with_model:8.1f} articles/s")
        print(f"ratio (d)/(a):             {bare / with_model:.3f}  (event model)")
    print(f"peak RSS:                  {peak_rss_mb():.0f} MB")
    print(f"cold start (CLI, 1 article): {cold_start():.2f} s")
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
