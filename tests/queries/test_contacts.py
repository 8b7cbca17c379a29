"""Area contacts, on a FICTIONAL graph."""

from __future__ import annotations

import pytest

from graph import model as m
from graph.errors import NotFound
from queries.contacts import area_contacts
from tests.queries.conftest import Builder
from tests.queries.test_leverage import decentralised_front


def test_contacts_cover_the_area_and_the_areas_inside_it(build: Builder) -> None:
    decentralised_front(build).area("province", "KL01").area("district", "KL0101")
    build.part_of("district", "province")
    build.rel(m.Controls, "cp", "district").rel(m.OperatesIn, "ocha", "province")
    data = area_contacts(build.graph(), "kl01")
    assert [a["area"] for a in data["areas"]] == ["province", "district"]
    (cp,) = data["armed"]
    assert cp["node"] == "cp" and cp["relation"] == "CONTROLS" and cp["actor"] == "front"
    local = {c["node"]: c["local"] for c in cp["commanders"]}
    assert local == {"chair": False, "cp_cdr": True, "local": True}  # holds the local post
    # Structure-aware: the decentralised checkpoint counts through its local
    # commander, so OCHA's best route is the elder's, not the chair's.
    assert cp["engagers"][0]["engager"] == "ocha"
    assert cp["engagers"][0]["path"]["nodes"][-2:] == ["elder", "local"]
    assert [o["node"] for o in data["others"]] == ["ocha"]


def test_an_unknown_pcode_is_not_found(build: Builder) -> None:
    with pytest.raises(NotFound):
        area_contacts(build.area("a", "KL01").graph(), "KL99")
