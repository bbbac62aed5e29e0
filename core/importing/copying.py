"""The write half of a ``fast_import`` hook: validated rows into one table by PostgreSQL COPY, all or nothing.

An app whose files run to 100,000 rows validates them its own way (bulk natural keys, one
preloaded rule set, ``full_clean`` on one reused instance) and hands each valid row, as a
tuple ordered like ``columns``, to a ``CopyWriter``::

    writer = CopyWriter(ExerciseRecord._meta.db_table, COLUMNS, actor=actor, reason=reason,
                        stream=not dry_run)
    try:
        for row in rows:
            ...                                   # validate
            writer.append(values, send=not errors)
        if errors or dry_run:
            writer.abort()
        else:
            writer.commit(result, finalize)        # finalize runs in the writing transaction
    finally:
        writer.abort()                             # no-op after commit

The rows are attributed like every other write: the pghistory context of ``actor_context``
is set on the COPY's connection (COPY bypasses pghistory's SQL wrapper), and
``pgtrigger.ignore`` is given a value so the triggers raise nothing per row (otherwise a large
insert is quadratic: each caught error rolls a subtransaction back and PostgreSQL rescans the
pending after-trigger events; measured 20,000 rows 11.5 s instead of 2.2 s).

Outside a transaction (``stream``) the rows go, in batches, to a second connection in a thread
while the caller validates the next ones: PostgreSQL runs the triggers and foreign-key checks
of one batch while Python checks the next, so the import costs about the larger of the two
instead of their sum. Its transaction commits only when the caller commits. Inside an atomic
block a second connection would not see the caller's rows, so everything is written at commit
on the caller's connection.
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterable, Sequence

import pghistory
import pghistory.config
from django.db import connection, transaction

from core.history import actor_context

from .resources import Finalize, ImportResult

BATCH = 5000  # rows a streamed COPY sends at a time


def prepare_history(cursor) -> None:
    """Attribute what this transaction writes by COPY to the open ``actor_context``; no per-row errors."""
    with pghistory.context() as ctx:  # nested in actor_context: the same context, no new hook
        metadata = json.dumps(ctx.metadata, cls=pghistory.config.json_encoder())
        cursor.execute(
            "SELECT set_config('pghistory.context_id', %s, true), set_config('pghistory.context_metadata', %s, true),"
            " set_config('pgtrigger.ignore', coalesce(nullif(current_setting('pgtrigger.ignore', true), ''), '{}'), true)",
            [str(ctx.id), metadata],
        )


def copy_rows(cursor, table: str, columns: Sequence[str], rows: Iterable[tuple]) -> None:
    """One COPY of ``rows`` (tuples ordered as ``columns``) into ``table``."""
    with cursor.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as copy:
        write = copy.write_row
        for row in rows:
            write(row)


class _Stream:
    """The second connection's thread: COPYs each batch it is given, in one transaction."""

    _STOP = object()

    def __init__(self, table: str, columns: Sequence[str], *, actor, reason: str):
        self.table, self.columns, self.actor, self.reason = table, tuple(columns), actor, reason
        self.queue: queue.Queue = queue.Queue(maxsize=4)
        self.error: BaseException | None = None
        self.result: ImportResult | None = None
        self.finalize: Finalize | None = None
        self.thread = threading.Thread(target=self._run, name=f"copy-{table}", daemon=True)
        self.thread.start()

    def put(self, rows: list) -> None:
        self.queue.put(rows)

    def finish(self, result: ImportResult | None, finalize: Finalize | None = None) -> None:
        """Commit (``result`` given; ``finalize`` runs in the transaction) or roll back (None)."""
        self.result, self.finalize = result, finalize
        self.queue.put(self._STOP)
        self.thread.join()
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        batch = None
        try:
            with transaction.atomic(), actor_context(self.actor, reason=self.reason):
                with connection.cursor() as cursor:
                    prepare_history(cursor)
                    # Check the foreign keys batch by batch, overlapped with validation, instead
                    # of all at commit after the last row (same checks, no serial tail).
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    while (batch := self.queue.get()) is not self._STOP:
                        copy_rows(cursor, self.table, self.columns, batch)
                if self.result is None:
                    transaction.set_rollback(True)
                else:
                    self.result.committed = True
                    if self.finalize is not None:
                        self.finalize(self.result)
        except BaseException as e:  # handed to the caller's thread by finish()
            self.error = e
            if self.result is not None:
                self.result.committed = False
            while batch is not self._STOP:  # keep the producer from blocking on a full queue
                batch = self.queue.get()
        finally:
            connection.close()


class CopyWriter:
    """Collects validated rows and writes them by COPY in one transaction (see the module doc).

    ``append(row, send=...)``: ``send`` is false once the file has an error (the rows are then
    only counted, for the dry-run figures, and never written). ``stream=False`` (a dry run, or
    a caller that wants one write at the end) never opens the second connection.
    """

    def __init__(self, table: str, columns: Sequence[str], *, actor, reason: str, stream: bool = True,
                 batch: int | None = None):
        self.table, self.columns, self.actor, self.reason = table, tuple(columns), actor, reason
        self.batch = batch or BATCH
        self.rows: list[tuple] = []
        self.sent = 0
        self.stream: _Stream | None = None
        if stream and not connection.in_atomic_block:
            self.stream = _Stream(table, columns, actor=actor, reason=reason)

    def __len__(self) -> int:
        return len(self.rows)

    def append(self, row: tuple, *, send: bool = True) -> None:
        self.rows.append(row)
        if self.stream is not None and send and len(self.rows) - self.sent >= self.batch:
            self.stream.put(self.rows[self.sent:])
            self.sent = len(self.rows)

    def commit(self, result: ImportResult, finalize: Finalize | None = None) -> None:
        """Write what is left, run ``finalize`` in the transaction, commit; ``result.committed`` says so."""
        if self.stream is not None:
            stream, self.stream = self.stream, None
            stream.put(self.rows[self.sent:])
            stream.finish(result, finalize)
            return
        with transaction.atomic(), actor_context(self.actor, reason=self.reason):
            with connection.cursor() as cursor:
                prepare_history(cursor)
                copy_rows(cursor, self.table, self.columns, self.rows)
            result.committed = True
            if finalize is not None:
                finalize(result)

    def abort(self) -> None:
        """Roll back whatever was streamed (no-op when nothing was, or after ``commit``)."""
        if self.stream is not None:
            stream, self.stream = self.stream, None
            stream.finish(None)
