"""Prepared statements for the few statements on the busiest path (the vote's steps).

PostgreSQL plans every statement it is sent; for the vote paper's fingerprint (five small
subqueries) planning took six times as long as running it (0.87 ms of server time against
0.14 ms prepared, measured with benchmarks/prize_money_cast_profile.py's database). Django
sends every query unprepared, on purpose: a pooler such as PgBouncer in transaction mode may
run the next statement on another server connection, which does not know the prepared one.
Statements run through ``cursor()`` here are prepared once per connection (psycopg keeps
them), unless ``DB_PREPARED_STATEMENTS=0`` (for such a pooler: README, "Deployment"), or the
database is not PostgreSQL. Django's own queries stay unprepared.

The cursor is Django's wrapper around psycopg's server-side binding cursor: errors come as
Django's, and tests that count queries see these too.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.conf import settings
from django.db import connection


@contextmanager
def cursor():
    if connection.vendor != "postgresql" or not settings.DB_PREPARED_STATEMENTS:
        with connection.cursor() as plain:
            yield plain
        return
    import psycopg

    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # None switches psycopg's preparing off for the connection; Django's own cursors bind
        # on the client side and never prepare, so this reaches only the cursors made here.
        raw.prepare_threshold = 0
    with connection.wrap_database_errors:
        server_side = psycopg.Cursor(raw)
    wrapped = (
        connection.make_debug_cursor(server_side)
        if connection.queries_logged
        else connection.make_cursor(server_side)
    )
    with wrapped as prepared:
        yield prepared
