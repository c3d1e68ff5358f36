"""The seed history (fixtures/*.json), loaded once per pytest run.

`loaddata` runs once, at the start of the session, inside a transaction that is then
rolled back: what it wrote is kept in memory as PostgreSQL COPY text, table by table
(every table whose rows it changed, found by comparing them before and after). The
`seed` fixture copies those rows back inside the test's own transaction: the same rows
(the stored register's included: `loaddata` rebuilds it) with the same primary keys as
`loaddata` writes, without deserialising JSON, saving
model by model and running signals, each time. A test without `seed` still starts from
an empty database, as before.

The sequences `loaddata` moved past the seed's primary keys stay moved (sequences are
not rolled back), so rows a test creates never collide with the seed's.

The rows the migrations write (the default alert stages and daily scan, content types and
permissions) are kept the same way when the test database is ready, and
written back after each transactional test's flush, which empties every table: every test
starts from the database as migrated, whichever ran before it on its pytest-xdist worker.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from django.core.management import call_command
from django.db import connection, transaction

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"


def fixture_files():
    return sorted(str(path) for path in FIXTURES_DIR.glob("*.json"))


@dataclass(frozen=True)
class Snapshot:
    rows: dict[str, bytes]  # table -> its rows after loaddata, as COPY text
    replaced: frozenset[str]  # tables that had rows before loaddata (rows replaced, not added)


def _copy_out(cursor, table):
    out = io.BytesIO()
    with cursor.cursor.copy(f'COPY "{table}" TO STDOUT') as copy:
        for chunk in copy:
            out.write(chunk)
    return out.getvalue()


_migrated: dict[str, bytes] = {}


def remember_migrated() -> None:
    """Keep the rows of every table the migrations left rows in."""
    with connection.cursor() as cursor:
        rows = {table: _copy_out(cursor, table) for table in connection.introspection.table_names(cursor)}
    _migrated.clear()
    _migrated.update({table: data for table, data in rows.items() if data})


def restore_migrated(using) -> None:
    """After a flush: write the migrations' rows back into the tables it emptied."""
    from django.db import connections

    conn = connections[using]
    with transaction.atomic(using=using), conn.cursor() as cursor:
        for table, rows in _migrated.items():
            cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")')
            if not cursor.fetchone()[0]:
                with cursor.cursor.copy(f'COPY "{table}" FROM STDIN') as copy:
                    copy.write(rows)


def take() -> Snapshot:
    """Run loaddata in a transaction that is rolled back; keep what it changed."""
    with transaction.atomic(), connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        before = {table: _copy_out(cursor, table) for table in tables}
        call_command("loaddata", *fixture_files(), verbosity=0)
        after = {table: _copy_out(cursor, table) for table in tables}
        transaction.set_rollback(True)
    changed = {table: rows for table, rows in after.items() if rows != before[table]}
    return Snapshot(rows=changed, replaced=frozenset(t for t in changed if before[t]))


def restore(snapshot: Snapshot) -> None:
    """Write the seed's rows in one transaction (a savepoint in the test's own)."""
    with transaction.atomic(), connection.cursor() as cursor:
        for table in sorted(snapshot.replaced):
            cursor.execute(f'DELETE FROM "{table}"')
        # Foreign keys are checked at commit (Django makes them DEFERRABLE INITIALLY
        # DEFERRED), so the order of the tables does not matter.
        for table, rows in snapshot.rows.items():
            with cursor.cursor.copy(f'COPY "{table}" FROM STDIN') as copy:
                copy.write(rows)
