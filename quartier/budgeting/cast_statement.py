"""A first cast in one statement, on PostgreSQL: the register entry marked and the ballots
written together, or neither.

Through the ORM a cast is a transaction of four round trips (BEGIN, the guarded UPDATE of the
entry, the INSERT of the ballots, COMMIT), each statement compiled afresh; it was the largest
part of the vote's busiest request (benchmarks/prize_money_vote.py). PostgreSQL runs a
data-modifying ``WITH`` and the statement around it as one atomic statement, so

    WITH marked AS (UPDATE entry SET voted = true WHERE id = %s AND voted = false RETURNING id)
    INSERT INTO ballot (...) SELECT ... FROM (VALUES ...) AS v WHERE EXISTS (SELECT FROM marked)

writes the ballots only if this request turned ``voted`` from false to true: the same guard as
the ORM's path, in autocommit, with one commit. Two requests with the same code cannot both
pass it (the second waits for the first's row lock, then finds ``voted`` true).

The columns and their values come from the model (``Field.get_db_prep_save``), as the ORM's
INSERT takes them, so a field added to ``Ballot`` cannot be left out; the PostgreSQL test run
writes ballots through this statement.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from quartier.core import prepared

from .models import Ballot, RegisterEntry


def _statement(rows: int) -> tuple[str, list]:
    quote = connection.ops.quote_name
    fields = list(Ballot._meta.concrete_fields)
    columns = ", ".join(quote(f.column) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    entries = quote(RegisterEntry._meta.db_table)
    sql = (
        f"WITH marked AS (UPDATE {entries} SET {quote('voted')} = true "  # noqa: S608 - names from the models
        f"WHERE {quote('id')} = %s AND {quote('voted')} = false RETURNING 1) "
        f"INSERT INTO {quote(Ballot._meta.db_table)} ({columns}) "
        f"SELECT * FROM (VALUES {', '.join([row] * rows)}) AS v ({columns}) "
        "WHERE EXISTS (SELECT 1 FROM marked)"
    )
    return sql, fields


def cast_first(*, entry_id: int, ballots: Sequence[Ballot]) -> bool:
    """Mark the entry as voted and write ``ballots``; False (nothing written) when the entry
    had voted already. PostgreSQL only; call it outside a transaction or inside the caller's."""
    sql, fields = _statement(len(ballots))
    params: list = [entry_id]
    for ballot in ballots:
        params += [f.get_db_prep_save(f.pre_save(ballot, True), connection) for f in fields]
    with prepared.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount > 0
