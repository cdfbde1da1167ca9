"""Engines that run the pipeline at scale: worker processes on one machine
(:mod:`eventwire.engine.local`) and a Ray cluster (:mod:`eventwire.engine.ray`,
with the ``eventwire[ray]`` extra). See ``docs/scale.md``."""

from __future__ import annotations

from .local import ParallelPipeline, default_workers, make_pipeline

__all__ = ["ParallelPipeline", "default_workers", "make_pipeline"]
