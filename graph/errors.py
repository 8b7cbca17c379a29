"""One error hierarchy for the whole project.

Every error a user can cause derives from `ActorGraphError`, so the CLI can map
it to a non-zero exit and a message on stderr without ever showing a traceback.
Messages never carry secrets (passwords, source identities).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RowError:
    """One problem with one input record, named precisely enough to fix it.

    Follows libhxl's habit: say where (file, row, record id), which field, what
    is wrong and, where we can, how to fix it. `file` and `row` are empty when
    the record did not come from a file (a form, an API call).
    """

    field: str
    message: str
    record: str = ""
    file: str = ""
    row: int | None = None
    suggestion: str = ""
    sheet: str = ""
    value: str | None = None

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.sheet:
            where.append(f"sheet {self.sheet}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.record:
            where.append(f"record {self.record!r}")
        text = f"{', '.join(where)}: " if where else ""
        text += f"field {self.field!r}: {self.message}"
        if self.suggestion:
            text += f" ({self.suggestion})"
        return text


class ActorGraphError(Exception):
    """Root of every error actorgraph raises on purpose."""


class SchemaError(ActorGraphError):
    """The schema registry itself is inconsistent (raised at import time)."""


class InvalidRecords(ActorGraphError):
    """One or more records failed validation; nothing was written.

    Carries every problem found, not only the first, so a user fixes a file in
    one pass.
    """

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = list(errors)
        lines = "\n".join(f"  - {e}" for e in self.errors[:50])
        more = f"\n  … and {len(self.errors) - 50} more" if len(self.errors) > 50 else ""
        super().__init__(f"{len(self.errors)} problem(s); nothing was written:\n{lines}{more}")


class ImportRejected(InvalidRecords):
    """An import file had invalid rows; the store was left unchanged."""


class StoreUnavailable(ActorGraphError):
    """The store cannot be reached or opened (never includes credentials)."""


class StoreTooNew(StoreUnavailable):
    """The store file was written by a newer actorgraph (a higher schema number).

    Opening it read or write with this release could misread or damage it, so
    nothing is done to it: upgrade actorgraph (exit code: unavailable).
    """


class StoreBusy(StoreUnavailable):
    """Another process holds the store's write lock longer than we are willing to wait.

    Nothing was written; the same command run again later will succeed.
    """


class TransactionTooLarge(StoreUnavailable):
    """One write needed more memory than the Neo4j server allows a transaction.

    An import is one transaction (all or nothing), so the server's transaction
    memory limit bounds how many rows one import may hold. The server rolled it
    back: nothing was written. The message names the limit the server reported,
    the setting to raise and the size of the write; `rows` and `source` are
    filled in by the importer, which knows the file (exit code: unavailable).
    """

    def __init__(
        self,
        *,
        url: str,
        records: int,
        limit: str,
        setting: str,
        advice: str,
        rows: int | None = None,
        source: str | None = None,
    ) -> None:
        self.url, self.records, self.limit, self.setting = url, records, limit, setting
        self.advice, self.rows, self.source = advice, rows, source
        what = f"{records:,} records"
        if rows is not None:
            what = f"{rows:,} rows ({what})" + (f" of {source}" if source else "")
        super().__init__(
            f"Neo4j at {url} refused the write: one transaction of {what} needs more "
            f"memory than the server allows ({setting} = {limit}); nothing was written. "
            f"Raise {setting} on the server{advice}, or import the file in parts"
        )

    def for_file(self, rows: int, source: str) -> TransactionTooLarge:
        """The same error, naming the import's file and its row count."""
        return TransactionTooLarge(
            url=self.url,
            records=self.records,
            limit=self.limit,
            setting=self.setting,
            advice=self.advice,
            rows=rows,
            source=source,
        )


class DuplicateId(ActorGraphError):
    """An id is already used by a record of another kind."""


class NotPermitted(ActorGraphError):
    """The caller's role or clearance does not allow this operation."""


class NotFound(ActorGraphError):
    """No record with that id is visible to the caller."""
