"""`graph.shared_copy.SharedMap`: the projection's relationship-id index, shared
between a cached projection and its updates. Every version must read as the
plain dict it stands for, and an update must never change an older version a
reader may still hold."""

from __future__ import annotations

import random

from graph import shared_copy
from graph.shared_copy import SharedMap


def test_random_edits_read_as_the_plain_dict_and_leave_older_versions_unchanged() -> None:
    rng = random.Random(13)
    plain = {f"rel_{i}": (f"a{i}", f"b{i}") for i in range(300)}
    versions = [(SharedMap(dict(plain)), dict(plain))]
    for step in range(400):  # enough changed keys to merge into a new base more than once
        shared, expected = versions[-1]
        draft = shared.edit()
        expected = dict(expected)
        for _ in range(rng.randint(1, 12)):
            key = f"rel_{rng.randrange(450)}"
            if rng.random() < 0.4 and key in draft:
                assert draft.pop(key) == expected.pop(key)
            else:
                draft[key] = expected[key] = (f"x{step}", key)
            assert (key in draft) == (key in expected)
        versions.append((draft.done(), expected))
    for shared, expected in versions:  # the oldest as well as the newest
        assert dict(shared) == expected
        assert len(shared) == len(expected)
        assert all(shared[k] == v for k, v in expected.items())
        assert "rel_absent" not in shared and shared.get("rel_absent") is None


def test_a_few_changes_share_the_base_instead_of_copying_it() -> None:
    base = {f"rel_{i}": ("a", "b") for i in range(20_000)}
    one = SharedMap(base)
    two = one.edited({"rel_new": ("c", "d")}, removed=["rel_7"])
    assert two._base is base  # ten changes do not copy twenty thousand entries
    assert "rel_7" in one and "rel_7" not in two and "rel_new" not in one
    assert len(one) == 20_000 and len(two) == 20_000


def test_many_changes_merge_into_a_new_base_that_older_versions_do_not_see() -> None:
    base = {f"rel_{i}": ("a", "b") for i in range(shared_copy._MERGE_FLOOR * 2)}
    one = SharedMap(base)
    changed = {f"rel_new_{i}": ("c", "d") for i in range(shared_copy._MERGE_FLOOR + 1)}
    two = one.edited(changed, removed=["rel_0"])
    assert two._base is not base and not two._removed and not two._set
    assert dict(two) == {**{k: v for k, v in base.items() if k != "rel_0"}, **changed}
    assert len(base) == shared_copy._MERGE_FLOOR * 2 and "rel_0" in one
