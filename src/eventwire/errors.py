"""eventwire's exceptions: each one carries a message meant for a person."""

from __future__ import annotations


class EventwireError(Exception):
    """Base class of every error eventwire reports to a user."""


class ModelNotFoundError(EventwireError):
    """No usable spaCy model is installed."""


class InputError(EventwireError):
    """An input file or record cannot be read. ``where`` names the file (and line)."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem


class DataFileError(EventwireError):
    """A knowledge file (actors, triggers, places) has a malformed entry."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem
