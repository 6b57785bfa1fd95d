"""What readers yield: one stream of small typed items, in the order they were met.

Every reader is a generator of these, and of :class:`~.problems.Problem` for bad input. The
run (``run.py``) reports them in that order, so a problem found while reading line 7 is
listed between the problems of lines 6 and 8, as if each record were written as it was read.
"""

from dataclasses import dataclass

from .problems import Location, Problem

__all__ = ["Notice", "Problem", "Record", "Skipped", "Withdrawn"]


@dataclass(frozen=True)
class Record:
    """One record to write: its kind ("person", "article", "tag"), a dictionary of the JSON
    archive's shape (see docs/archive-format.md) and where it came from."""

    kind: str
    data: object  # a dict when the input is sound; anything else is reported by the writer
    location: Location


@dataclass(frozen=True)
class Skipped:
    """An entry a reader counts but does not import (a WordPress attachment).

    ``reason`` is shown to the person importing when the entry is one they may have expected
    to be imported (a post without a title); routine skips leave it empty.
    """

    kind: str
    location: Location
    reason: str = ""


@dataclass(frozen=True)
class Notice:
    """Something the person importing should know that is not a problem."""

    location: Location
    message: str


@dataclass(frozen=True)
class Withdrawn:
    """A record its source has taken down (a WordPress post moved to the trash): a stored
    record found by ``keys`` (its natural keys) is made a draft, through the ordinary write;
    one never imported is counted as skipped."""

    kind: str
    keys: dict
    location: Location
    reason: str
