"""HTTP API and offline web dashboard over a corpus store (``eventwire serve``).

See ``docs/web.md``. :func:`create_app` builds the FastAPI application.
"""

from __future__ import annotations

from .app import DEFAULT_MAX_BODY, create_app

__all__ = ["DEFAULT_MAX_BODY", "create_app"]
