"""Errors a query can raise when the question itself cannot be answered as asked.

They derive from `graph.errors.ActorGraphError`, so the CLI turns them into a
message on stderr and a non-zero exit instead of a traceback.
"""

from __future__ import annotations

from graph.errors import ActorGraphError


class InvalidQuery(ActorGraphError):
    """The question does not fit the data: a target of a kind no leverage path
    can end at, an engager that is not a node, a parameter out of range."""
