"""The leverage ratio target of issue 13 is judged from the leverage result's own key."""

from __future__ import annotations

from bench.__main__ import check_targets

LABEL = "leverage paths k=5 p95 / Yen p95 <= 0.1"


def _row(ratio: float) -> dict[str, object]:
    rows = check_targets("M", {"embedded": {"leverage": {"ratio_p95": ratio}}})
    return next(r for r in rows if r["target"] == LABEL)


def test_leverage_ratio_at_m_is_met_at_or_under_a_tenth_of_yen() -> None:
    assert _row(0.093) == {"store": "embedded", "target": LABEL, "value": 0.093, "met": True}
    assert _row(0.113)["met"] is False


def test_leverage_ratio_is_not_a_target_at_other_sizes() -> None:
    rows = check_targets("L", {"embedded": {"leverage": {"ratio_p95": 0.5}}})
    assert all("Yen" not in r["target"] for r in rows)
