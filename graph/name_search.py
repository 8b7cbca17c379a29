"""What store search compares a typed name against, and how it orders the hits.

Both stores keep, beside every node, the normalised forms of its name, aliases
and P-code (`search_names`, a column in SQLite, a list property in Neo4j) and
match the normalised needle against them; each then orders its hits with
`rank_search`, so a search answers alike on either store.

>>> from graph import model as m
>>> search_names(m.Person(id="per_x", name="Ilyô Várrant", aliases=("I. Varrant",)))
('i varrant', 'ilyo varrant')
"""

from __future__ import annotations

from graph import model as m
from graph.names import normalise


def search_names(record: m.AnyRecord) -> tuple[str, ...]:
    """The normalised forms search compares against: name, aliases, P-code."""
    if not isinstance(record, m.NodeBase):
        return ()
    texts = [record.name, *record.aliases]
    if isinstance(record, m.Area):
        texts.append(record.pcode)
    if len(texts) == 1:  # most nodes: no aliases
        only = normalise(texts[0])
        return (only,) if only else ()
    return tuple(sorted({n for n in map(normalise, texts) if n}))


def rank_search(nodes: list[m.AnyNode], needle: str) -> list[m.AnyNode]:
    """Exact name or alias first, then prefix matches, then the rest; stable by name."""

    def score(node: m.AnyNode) -> tuple[int, str, str]:
        names = [normalise(node.name), *(normalise(a) for a in node.aliases)]
        if needle in names:
            rank = 0
        elif any(n.startswith(needle) for n in names):
            rank = 1
        else:
            rank = 2
        return rank, node.name.casefold(), node.id

    return sorted(nodes, key=score)
