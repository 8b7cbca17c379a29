"""Who counts as a party to the conflict for the neutrality rule: the flag, for every kind.

Leverage paths do not pass through another party by default. Whether an armed
actor is a party is its `party_to_conflict` flag, whatever its kind: a peace
operation that has become a party (it fights) is one, and a state force marked
as no party is not. A hand mutation that read the kind instead (or ignored the
flag) survived the suite (issue 16). The tiny FICTIONAL graph of
`queries.examples`: General Sask commands the army and is the local
commander's cousin; a national NGO reaches him.
"""

from __future__ import annotations

import networkx as nx
import pytest

from graph import model as m
from queries.command import Parties
from queries.constraints import PathConstraints
from queries.examples import QUESTION_DATE, graph_from_records, tiny_records
from queries.leverage import leverage_paths


def _graph_with_army_as(kind: m.ActorKind, *, party: bool) -> nx.MultiDiGraph[str]:
    records = [
        r.model_copy(update={"actor_kind": kind, "party_to_conflict": party})
        if r.id == "act_army"
        else r
        for r in tiny_records()
    ]
    return graph_from_records(records, as_of=QUESTION_DATE)


@pytest.mark.parametrize("kind", list(m.ActorKind), ids=str)
@pytest.mark.parametrize("party", [True, False], ids=["party", "not-party"])
def test_the_flag_decides_who_is_a_party_for_every_actor_kind(
    kind: m.ActorKind, party: bool
) -> None:
    graph = _graph_with_army_as(kind, party=party)
    parties = Parties(graph)
    assert parties.of("per_gen") == ({"act_army"} if party else set())
    assert parties.is_other_party("per_gen", relative_to="per_local") is party

    result = leverage_paths(graph, "per_local", constraints=PathConstraints(as_of=QUESTION_DATE))
    through_general = [p for p in result.paths if "per_gen" in p.nodes[1:-1]]
    if party:
        assert through_general == []
    else:
        assert through_general, "a non-party intermediary is a usable route"
        assert not any("another party" in w for p in through_general for w in p.warnings)


def test_a_peace_operation_that_is_a_party_warns_when_allowed_through() -> None:
    graph = _graph_with_army_as(m.ActorKind.PEACE_OPERATION, party=True)
    result = leverage_paths(
        graph,
        "per_local",
        constraints=PathConstraints(as_of=QUESTION_DATE),
        allow_through_parties=True,
    )
    through = [p for p in result.paths if "per_gen" in p.nodes[1:-1]]
    assert through
    assert all(any("another party" in w for w in p.warnings) for p in through)
