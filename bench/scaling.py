"""Scaling: articles/s with 1 and N local worker processes (and Ray in local mode).

    .venv/bin/python bench/scaling.py                  # ~200 articles, 1 and 2 workers, Ray if installed
    .venv/bin/python bench/scaling.py --articles 400 --workers 1 2 --no-ray

The corpus is examples/articles replicated (ids made unique) to --articles. Each
configuration is timed after its pipelines are loaded (workers started and warmed up),
so the figures are steady-state throughput; start-up costs are printed apart. Ratios
are to 1 worker (goal on 2 cores: 2 workers >= 1.7x).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from eventwire.engine import ParallelPipeline, default_workers
from eventwire.pipeline import Pipeline, PipelineConfig
from eventwire.read import ArticleInput, read_paths

ROOT = Path(__file__).resolve().parents[1]


def corpus(n: int) -> list[ArticleInput]:
    base = [a for a in read_paths([ROOT / "examples" / "articles"]) if isinstance(a, ArticleInput)]
    out = []
    for i in range(n):
        a = base[i % len(base)]
        out.append(dataclasses.replace(a, id=f"{a.id}-{i}", warnings=list(a.warnings)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--articles", type=int, default=200)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--no-ray", action="store_true")
    args = ap.parse_args()

    arts = corpus(args.articles)
    chars = sum(len(a.text) for a in arts)
    print(
        f"{len(arts)} articles, {chars / 1e6:.2f} M characters, {default_workers()} core(s), "
        f"Python {sys.version.split()[0]}",
        flush=True,
    )
    rates: dict[str, float] = {}
    for n in args.workers:
        t0 = time.perf_counter()
        if n == 1:
            pipe = Pipeline(PipelineConfig())
            list(pipe.process(arts[:2]))  # warm-up
            start = time.perf_counter() - t0
            t1 = time.perf_counter()
            got = list(pipe.process(arts))
        else:
            pp = ParallelPipeline(PipelineConfig(), n, in_process_small=False)
            list(pp.process(arts[: 2 * n]))  # starts the workers and warms them up
            start = time.perf_counter() - t0
            t1 = time.perf_counter()
            got = list(pp.process(iter(arts)))
            pp.close()
        secs = time.perf_counter() - t1
        assert len(got) == len(arts)
        rates[f"{n} worker(s)"] = len(arts) / secs
        print(
            f"{n} worker(s): {len(arts) / secs:6.2f} articles/s ({secs:.1f} s; start-up "
            f"{start:.1f} s)",
            flush=True,
        )

    if not args.no_ray:
        try:
            import ray

            from eventwire.engine.ray_engine import run
        except ImportError:
            print("ray: not installed (pip install 'eventwire[ray]'); skipped")
        else:
            n = max(args.workers)
            with tempfile.TemporaryDirectory() as tmp:
                src = Path(tmp) / "corpus.jsonl"
                src.write_text(
                    "".join(
                        json.dumps({"id": a.id, "text": a.text, "date": str(a.date or "")}) + "\n"
                        for a in arts
                    ),
                    encoding="utf-8",
                )
                os.environ.setdefault("RAY_DEDUP_LOGS", "0")
                t0 = time.perf_counter()
                ray.init(num_cpus=n, include_dashboard=False, log_to_driver=False)
                init = time.perf_counter() - t0
                stats = run([str(src)], str(Path(tmp) / "out"), actors=n, progress=False)
                ray.shutdown()
            rates[f"ray local ({n} actors)"] = stats.articles / stats.seconds
            print(
                f"ray local, {n} actors: {stats.articles / stats.seconds:6.2f} articles/s "
                f"({stats.seconds:.1f} s including actor start-up and Parquet writes; "
                f"ray.init {init:.1f} s)",
                flush=True,
            )

    base = rates.get("1 worker(s)")
    if base:
        print("ratios to 1 worker: " + ", ".join(f"{k} {v / base:.2f}x" for k, v in rates.items()))


if __name__ == "__main__":
    main()
