"""Input reading: files, directories and streams become ``ArticleInput`` items.

Every reader yields, in input order, either an :class:`ArticleInput` or an
:class:`~eventwire.errors.InputError` naming the file (and line) and the
problem: one bad record never stops the others.
"""

from __future__ import annotations

from .article import ArticleInput, parse_date
from .files import (
    READERS,
    SUPPORTED_EXTENSIONS,
    iter_paths,
    read_bytes,
    read_path,
    read_paths,
    read_stream,
)

__all__ = [
    "READERS",
    "SUPPORTED_EXTENSIONS",
    "ArticleInput",
    "iter_paths",
    "parse_date",
    "read_bytes",
    "read_path",
    "read_paths",
    "read_stream",
]
