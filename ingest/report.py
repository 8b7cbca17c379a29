"""What an import reports: counts, problems, review items, each row's match, new records."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graph.errors import RowError
from ingest.drafts import NewRecord, Resolved, ReviewItem

Progress = Callable[[str, int, int], None]


@dataclass
class ImportReport:
    file: str
    format: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0
    rejected: int = 0
    records: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    review: list[ReviewItem] = field(default_factory=list)
    matches: list[Resolved] = field(default_factory=list)
    new_records: list[NewRecord] = field(default_factory=list)
    reject_file: str | None = None
    seconds: float = 0.0
    change_counter: int | None = None

    @property
    def fuzzy_matches(self) -> list[Resolved]:
        """Matches that were not exact: each one is a merge a person should see."""
        return [r for r in self.matches if not r.exact]

    @property
    def rows_per_second(self) -> float:
        return round(self.rows / self.seconds, 1) if self.seconds > 0 else float(self.rows)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "format": self.format,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "records": self.records,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "closed": self.closed,
            "rejected": self.rejected,
            "errors": [error_dict(e) for e in self.errors],
            "warnings": list(self.warnings),
            "review": [r.as_dict() for r in self.review],
            "matches": [r.as_dict() for r in self.matches],
            "new_records": [r.as_dict() for r in self.new_records],
            "reject_file": self.reject_file,
            "seconds": round(self.seconds, 3),
            "rows_per_second": self.rows_per_second,
            "change_counter": self.change_counter,
        }

    def summary(self) -> str:
        verb = "would write" if self.dry_run else "wrote"
        return (
            f"{self.file}: {self.rows} rows, {verb} created {self.created}, "
            f"updated {self.updated}, unchanged {self.unchanged}, closed {self.closed}, "
            f"rejected {self.rejected} rows; {self.rows_per_second:,.0f} rows/s"
        )


def error_dict(error: RowError) -> dict[str, Any]:
    return {
        "file": error.file,
        "sheet": error.sheet,
        "row": error.row,
        "field": error.field,
        "value": error.value,
        "message": error.message,
        "suggestion": error.suggestion,
        "record": error.record,
    }


def sort_key(e: RowError) -> tuple[str, str, int, str]:
    return (e.file, e.sheet, e.row or 0, e.field)
