"""The chain's clock and the witnessed head (graph/audit.py), without a store."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from graph.audit import AuditEvent, Checkpoint, chain, parse_time, stamp, store_time, verify


def test_store_time_never_goes_back_behind_the_last_entry() -> None:
    ahead = datetime.now(UTC) + timedelta(hours=3)  # the last entry, by a clock now set back
    assert store_time(stamp(ahead)) == ahead
    now = store_time(None)
    assert store_time(stamp(now - timedelta(days=1))) >= now


def test_stamps_always_carry_microseconds_so_they_sort_as_text() -> None:
    whole = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert stamp(whole) == "2026-01-02T03:04:05.000000+00:00"
    assert parse_time(stamp(whole)) == whole
    assert parse_time("yesterday") is None


def test_verify_names_an_entry_dated_before_its_predecessor() -> None:
    first = chain(AuditEvent("a", "x"), prev_seq=0, prev_hash="0" * 64, at=datetime.now(UTC))
    earlier = datetime.now(UTC) - timedelta(days=9000)
    second = chain(AuditEvent("a", "x"), prev_seq=1, prev_hash=first.hash, at=earlier)
    problems = verify([first, second], head_seq=2, head_hash=second.hash)
    assert [str(p) for p in problems] == [
        f"entry 2: time {second.at} is before the entry before it"
    ]


def test_a_checkpoint_is_read_from_its_line_a_file_or_an_export_manifest(tmp_path: Path) -> None:
    kept = Checkpoint(12, "ab" * 32, "2026-12-02T04:00:00.000000+00:00")
    assert Checkpoint.parse(kept.line()) == kept
    line_file = tmp_path / "head.json"
    line_file.write_text(kept.line() + "\n", "utf-8")
    assert Checkpoint.parse(str(line_file)) == kept
    manifest = tmp_path / "out.jsonl.manifest.json"
    manifest.write_text(json.dumps({"records": 3, "audit_head": kept.as_dict()}), "utf-8")
    assert Checkpoint.parse(str(manifest)) == kept
    with pytest.raises(ValueError, match="neither a checkpoint nor a file"):
        Checkpoint.parse(str(tmp_path / "missing.json"))
    with pytest.raises(ValueError, match="needs seq, hash and at"):
        Checkpoint.parse('{"seq": "x"}')
