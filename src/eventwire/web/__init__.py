"""HTTP API and offline web dashboard over a corpus store (``eventwire serve``).

See ``docs/web.md``. :func:`create_app` builds the FastAPI application. FastAPI is
imported only when the app is built, so ``eventwire.web.commands`` (the CLI
command) imports without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import DEFAULT_MAX_BODY, create_app

__all__ = ["DEFAULT_MAX_BODY", "create_app"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
