"""Gaps in our reach, on FICTIONAL graphs whose answers are argued in comments."""

from __future__ import annotations

import pytest

from queries.constraints import PathConstraints
from queries.gaps import gaps
from tests.queries.conftest import Builder


def fragile(b: Builder) -> Builder:
    """Every route to the Valley Guard runs through one field coordinator.

    lvda -> ellisar (focal point) -> elder -> guard, and ellisar -> captain ->
    guard: two routes, one shared intermediary. Remove ellisar and the guard
    is out of reach. The Hill Band is reached by two engagers over disjoint
    routes: no single point of failure there.
    """
    b.org("lvda", engager=True).org("ocha", engager=True)
    b.person("ellisar").focal_point("ellisar", "lvda")
    b.actor("guard", structure="community_embedded")
    b.person("elder").influences("elder", "guard").access("ellisar", "elder", 0.8)
    b.person("captain").commands("captain", "guard").access("ellisar", "captain", 0.6)
    b.actor("band", structure="centralised").person("band_cdr").commands("band_cdr", "band")
    b.access("ocha", "band_cdr").person("imam").access("lvda", "imam").influences("imam", "band")
    b.actor("ghosts", structure="centralised").person("ghost_cdr").commands("ghost_cdr", "ghosts")
    return b


def test_a_single_point_of_failure_is_found(build: Builder) -> None:
    report = gaps(fragile(build).graph())
    spofs = {s.actor: s for s in report.single_points}
    assert [n for n, _ in spofs["guard"].through] == ["ellisar"]
    assert spofs["guard"].sole_engager == ("lvda", "lvda")
    assert "band" not in spofs


def test_actors_and_commanders_no_one_reaches_are_listed(build: Builder) -> None:
    report = gaps(fragile(build).graph())
    assert [u.node for u in report.unreachable_actors] == ["ghosts"]
    assert [u.node for u in report.unreachable_commanders] == ["ghost_cdr"]


def test_the_hop_limit_decides_what_counts_as_reachable(build: Builder) -> None:
    # lvda -> ellisar -> elder -> guard is three hops: out of reach at two.
    report = gaps(fragile(build).graph(), constraints=PathConstraints(max_hops=2))
    assert "guard" in [u.node for u in report.unreachable_actors]


def test_complementarity_matrix_holds_each_engagers_best_score(build: Builder) -> None:
    report = gaps(fragile(build).graph())
    assert report.matrix["guard"]["ocha"] is None
    # lvda -(0.9)-> ellisar -(0.8)-> elder -(0.8)-> guard
    assert report.matrix["guard"]["lvda"] == pytest.approx(0.9 * 0.8 * 0.8)
    # A centralised group is engaged through its top: reaching its commander
    # (0.8) counts, without the x0.9 of his command over the group as a whole.
    assert report.matrix["band"]["ocha"] == pytest.approx(0.8)
    assert report.matrix["band"]["lvda"] == pytest.approx(0.8 * 0.8)
    assert report.only_reached_by == {"guard": "lvda"}
    rows = {r["actor"]: r for r in report.as_dict()["complementarity"]["rows"]}
    assert rows["band"]["engagers_reaching"] == 2


def test_stale_and_undated_access_is_reported(build: Builder) -> None:
    build.org("wfp", engager=True).person("fp").focal_point("fp", "wfp")
    build.person("chief").person("mayor").person("trader")
    build.access("fp", "chief", last_contact="2023-02", quality="suspended", id="r_stale")
    build.access("wfp", "mayor", last_contact="2024-05", id="r_fresh")
    build.access("wfp", "trader", id="r_undated")
    report = gaps(build.graph(), stale_after_days=365)
    assert [s.relationship for s in report.stale_access] == ["r_stale"]
    assert report.stale_access[0].engagers == ["wfp"]  # the focal point acts for WFP
    assert report.stale_access[0].age_days is not None and report.stale_access[0].age_days > 365
    assert [s.relationship for s in report.undated_access] == ["r_undated"]
