"""Source protection: who told us is visible only to those cleared for it.

Analysts below a source's label still need to weigh the evidence, so instead
of dropping the source they get a mask: a pseudonymous id that is stable
within one store (an HMAC of the real id under a key kept in the store), and
the source's reliability and credibility grades. Name, aliases, locator,
description, dates and notes are never in a mask, and every reference to the
source (`sources` on any record, COM evidence, `CITES` edges) carries the
pseudonym and no locator.

>>> pseudonym("k" * 64, "src_informant_7") == pseudonym("k" * 64, "src_informant_7")
True
>>> pseudonym("k" * 64, "src_informant_7").startswith("src~")
True
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Iterator
from typing import TypeVar

from graph import model as m
from graph.sensitivity import Sensitivity

R = TypeVar("R", bound="m.Envelope")


#: Every pseudonym starts with this; no real id does (ids never contain `~`).
MASK_PREFIX = "src~"


def pseudonym(key: str, source_id: str) -> str:
    digest = hmac.new(key.encode("ascii"), source_id.encode("utf-8"), hashlib.sha256)
    return MASK_PREFIX + digest.hexdigest()[:12]


def is_pseudonym(source_id: str) -> bool:
    """Whether `source_id` has the shape of a mask's id (what an editor sees of a
    source above their clearance, and may send back unchanged with a record).

    >>> is_pseudonym(pseudonym("k" * 64, "src_informant_7"))
    True
    >>> is_pseudonym("src_informant_7")
    False
    """
    tail = source_id.removeprefix(MASK_PREFIX)
    return len(tail) == 12 and tail != source_id and all(c in "0123456789abcdef" for c in tail)


def mask_source(source: m.Source, key: str) -> m.Source:
    """The face of a source shown to someone not cleared for its identity."""
    alias = pseudonym(key, source.id)
    return m.Source(
        id=alias,
        name=f"Protected source {alias.removeprefix('src~')}",
        reliability=source.reliability,
        credibility=source.credibility,
        source_kind=m.SourceKind.OTHER,
        confidence=source.confidence,
        sensitivity=Sensitivity.PUBLIC,
    )


class SourceGuard:
    """Masks what one viewer may not see of sources, for one read."""

    def __init__(self, key: str, clear_sources: set[str], rank: int) -> None:
        self.key = key
        self.clear = clear_sources  # Source ids this viewer may see in clear
        self.rank = rank

    def _ref(self, ref: m.SourceRef) -> m.SourceRef:
        if ref.source_id in self.clear:
            return ref
        return m.SourceRef(source_id=pseudonym(self.key, ref.source_id))

    def _refs(self, refs: tuple[m.SourceRef, ...]) -> tuple[m.SourceRef, ...]:
        return tuple(self._ref(r) for r in refs)

    def apply(self, record: R) -> R:
        if isinstance(record, m.Source) and record.sensitivity.rank > self.rank:
            return mask_source(record, self.key)  # type: ignore[return-value]
        update: dict[str, object] = {}
        if any(r.source_id not in self.clear for r in record.sources):
            update["sources"] = self._refs(record.sources)
        profiles = record.__dict__.get("profiles", ())
        if any(
            ref.source_id not in self.clear
            for p in profiles
            for s in (p.capability, p.opportunity, p.motivation)
            for ref in s.evidence
        ):
            update["profiles"] = tuple(
                p.model_copy(
                    update={
                        name: getattr(p, name).model_copy(
                            update={"evidence": self._refs(getattr(p, name).evidence)}
                        )
                        for name in ("capability", "opportunity", "motivation")
                    }
                )
                for p in profiles
            )
        if isinstance(record, m.Cites) and record.target_id not in self.clear:
            update["target_id"] = pseudonym(self.key, record.target_id)
            update["locator"] = None
        return record.model_copy(update=update) if update else record

    def each(self, records: Iterable[R]) -> Iterator[R]:
        for record in records:
            yield self.apply(record)
