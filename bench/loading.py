"""COPY into a model's table with ids assigned by the caller, and dropping / rebuilding a table's
secondary indexes and constraints around a big load (generate.py)."""

from __future__ import annotations

from bench.common import timed


class Loader:
    """COPY rows into a model's table, with ids assigned here and every other column defaulted."""

    def __init__(self, conn, results):
        self.conn = conn
        self.results = results
        self.loaded: list = []  # models loaded, to re-enable triggers and reset sequences

    def columns(self, model, names):
        fields = [model._meta.get_field(n) for n in names]
        missing = [
            f for f in model._meta.concrete_fields
            if f.name not in names and f.attname not in names and not f.primary_key
        ]
        extra = []
        for f in missing:
            if f.has_default():
                extra.append(f.get_default())
            elif f.null:
                extra.append(None)
            else:
                raise SystemExit(f"{model.__name__}.{f.name} is NOT NULL without a default: teach generate.py about it")
        return [f.column for f in fields] + [f.column for f in missing], tuple(extra)

    def disable_triggers(self, model):
        with self.conn.cursor() as cur:
            cur.execute(f'ALTER TABLE "{model._meta.db_table}" DISABLE TRIGGER USER')
        self.loaded.append(model)

    def copy(self, model, names, rows, label=None) -> int:
        if model not in self.loaded:
            self.disable_triggers(model)
        cols, extra = self.columns(model, names)
        table = model._meta.db_table
        n = 0
        with timed(label or f"COPY {table}", self.results) as box:
            with self.conn.cursor() as cur:
                with cur.copy(f'COPY "{table}" ({", ".join(cols)}) FROM STDIN') as copy:
                    write = copy.write_row
                    if extra:
                        for row in rows:
                            write(row + extra)
                            n += 1
                    else:
                        for row in rows:
                            write(row)
                            n += 1
            box["rows"] = n
        return n

    def finish(self):
        with self.conn.cursor() as cur:
            for model in self.loaded:
                table = model._meta.db_table
                cur.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER USER')
                pk = model._meta.pk.column
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE((SELECT max({pk}) FROM \"{table}\"), 0) + 1, false)",  # nosec B608 # table and column names come from the models; every value is a parameter
                    [table, pk],
                )


def secondary_ddl(conn, table: str) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    """The table's secondary indexes (not backing a constraint) and its unique/foreign-key constraints."""
    with conn.cursor() as cur:
        cur.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.schemaname = current_schema() AND i.tablename = %s
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conrelid = %s::regclass AND c.conname = i.indexname)
            ORDER BY i.indexname
            """,
            [table, table],
        )
        indexes = cur.fetchall()
        cur.execute(
            """
            SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint
            WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC, conname
            """,
            [table],
        )
        constraints = cur.fetchall()
    return indexes, constraints


def drop_secondary(conn, table, indexes, constraints):
    with conn.cursor() as cur:
        for name, _kind, _definition in constraints:
            cur.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cur.execute(f'DROP INDEX "{name}"')


def rebuild_secondary(conn, table, indexes, constraints, results):
    with conn.cursor() as cur:
        cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for name, definition in indexes:
            with timed(f"  index {name}", results):
                cur.execute(definition)
        for name, kind, definition in constraints:  # unique ('u') first, then foreign keys ('f')
            with timed(f"  {'unique' if kind == 'u' else 'foreign key'} {name}", results):
                cur.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
    after = secondary_ddl(conn, table)
    if sorted(after[0]) != sorted(indexes) or sorted(after[1]) != sorted(constraints):
        raise RuntimeError(f"{table}: rebuilt indexes/constraints differ from the originals")
