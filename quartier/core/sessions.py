"""Sessions in the database, exactly as Django keeps them, read and written with one plain
statement each.

Every request that touches its session reads one row and, when it changed, writes it back.
Through the ORM each of those costs a query compilation and, for the write, a transaction of
its own (BEGIN, UPDATE, COMMIT); on the vote's busiest step that was a fifth of the time
(benchmarks/prize_money_vote.py). The table, the encoding, the expiry and the errors are
Django's own: only the two statements are written out. Creating a session (rare: once per
visitor) still goes through Django, with its check that a new key is unique.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone


class SessionStore(DatabaseSessionStore):
    def _table(self) -> str:
        return self.model._meta.db_table

    def _get_session_from_db(self):
        connection = connections[router.db_for_read(self.model)]
        table = connection.ops.quote_name(self._table())
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s",  # noqa: S608 - the table name is the model's
                [self.session_key, timezone.now()],
            )
            row = cursor.fetchone()
        if row is None:
            # As Django does: an unknown or expired key is forgotten, a new one made on save.
            self._session_key = None
            return None
        return SimpleNamespace(session_data=row[0])

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None or must_create:
            super().save(must_create=must_create)
            return
        data = self._get_session(no_load=False)  # type: ignore[attr-defined]
        connection = connections[router.db_for_write(self.model)]
        table = connection.ops.quote_name(self._table())
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET session_data = %s, expire_date = %s WHERE session_key = %s",  # noqa: S608 - the table name is the model's
                [self.encode(data), self.get_expiry_date(), self.session_key],
            )
            updated = cursor.rowcount
        if not updated:
            # The row is gone (signed out elsewhere, cleared): Django's middleware answers this.
            raise UpdateError
