"""The vote paper: what every step of a vote reads and nobody changes while people vote (the
city, the process with its phases, the pots and the projects on their ballots), kept by each
worker between requests.

A vote step used to read it in five queries; on a busy evening they were most of a cast's
time (the city row alone carries its boundary as GeoJSON). Each request now asks PostgreSQL
for a *fingerprint* of those rows instead, one small query: every row's ``xmin`` (the
transaction that wrote this version of the row) and ``ctid`` (where the version lies). Any
write to any of the rows, however it is made (a service, the admin, a ``.update()``, SQL by
hand), gives the row a new version with a new ``ctid`` and, from another transaction, a new
``xmin``; an added or removed row changes the list. Only when the fingerprint differs from the
kept one is the paper read again. So a page never shows, and a cast never checks against,
anything older than the last committed write (the same as reading it all every time).

SQLite has no row versions: there the paper is read on every request.

Each request gets its own copies of the city and the process (a view may set an attribute on
them, e.g. ``settings_locked_at``, in a transaction that is then rolled back); the pots and the
proposals are shared and only read.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.http import Http404

from quartier.cities.models import City, District
from quartier.cities.selectors import city_get
from quartier.core import prepared
from quartier.participation.selectors import process_tables

from .models import Pot, Proposal, RegisterEntry
from .selectors import (
    BallotSheet,
    entry_id_or_none,
    on_ballot,
    prize_money_get,
    register_entry_get,
)

# Votes kept per worker; a city runs one or two at a time.
KEPT = 16


@dataclass(frozen=True)
class VotePaper:
    city: City
    process: Any  # participation's Process, with its phases prefetched
    pots: tuple[Pot, ...]  # every pot, the districts' too
    projects: dict[int, list[Proposal]]  # pot id -> the projects on its ballot, by title
    # This request's only: the register entry asked for (``entry_id``), read with the
    # fingerprint; None when it is not this vote's.
    entry_id: int | None = None
    entry: RegisterEntry | None = None

    def sheet(self, *, district_id: int | None) -> BallotSheet:
        """One voter's ballot paper: the city-wide pots and their district's."""
        pots = [p for p in self.pots if p.district_id is None or p.district_id == district_id]
        return BallotSheet(pots=pots, projects={pot.pk: self.projects[pot.pk] for pot in pots})

    def for_request(self, *, entry_id: int | None, entry: RegisterEntry | None) -> VotePaper:
        city, process = copy.copy(self.city), copy.copy(self.process)
        process.city = city  # the copy's, not the kept city
        return VotePaper(
            city=city,
            process=process,
            pots=self.pots,
            projects=self.projects,
            entry_id=entry_id,
            entry=entry,
        )


def _fingerprint_sql() -> str:
    # Every name comes from the models; the values go as parameters.
    def versions(table: str, where: str) -> str:
        return (
            f"(SELECT string_agg(id || ':' || xmin::text || ctid::text, ',' ORDER BY id) "  # noqa: S608
            f"FROM {table} WHERE {where})"
        )

    city = City._meta.db_table
    process, phase = process_tables()
    pot, proposal = Pot._meta.db_table, Proposal._meta.db_table
    entry = ", ".join(f"e.{f.column}" for f in _ENTRY_FIELDS)
    return (
        f"SELECT {entry}, c.xmin::text || c.ctid::text, p.xmin::text || p.ctid::text, "  # noqa: S608
        f"{versions(phase, 'process_id = p.id')}, "
        f"{versions(pot, 'process_id = p.id')}, "
        f"{versions(District._meta.db_table, f'id IN (SELECT district_id FROM {pot} WHERE process_id = p.id)')}, "  # noqa: E501, S608
        f"{versions(proposal, 'process_id = p.id')} "
        f"FROM {city} c JOIN {process} p ON p.city_id = c.id "
        f"LEFT JOIN {RegisterEntry._meta.db_table} e ON e.id = %s AND e.process_id = p.id "
        "WHERE c.slug = %s AND p.id = %s"
    )


# What a vote step needs of the voter's register entry (the rest stays deferred), in the
# model's order, as ``Model.from_db`` takes them.
_ENTRY_NEEDS = {"id", "process_id", "user_id", "district_id", "voted"}
_ENTRY_FIELDS = [f for f in RegisterEntry._meta.concrete_fields if f.attname in _ENTRY_NEEDS]


_FINGERPRINT = _fingerprint_sql()
_kept: OrderedDict[tuple[str, int], tuple[tuple, VotePaper]] = OrderedDict()
_lock = threading.Lock()


def _fingerprint(city_slug: str, process_id: int, entry_id: int | None):
    """(the fingerprint, the entry or None)."""
    with prepared.cursor() as cursor:
        cursor.execute(_FINGERPRINT, [entry_id, city_slug, process_id])
        row = cursor.fetchone()
    if row is None:
        raise Http404
    width = len(_ENTRY_FIELDS)
    entry = None
    if row[0] is not None:
        entry = RegisterEntry.from_db(
            connection.alias, [f.attname for f in _ENTRY_FIELDS], row[:width]
        )
    return tuple(row[width:]), entry


def _read(city_slug: str, process_id: int) -> VotePaper:
    city = city_get(slug=city_slug)
    process = prize_money_get(city=city, process_id=process_id, with_links=False)
    pots = tuple(Pot.objects.filter(process=process).select_related("district"))
    projects: dict[int, list[Proposal]] = {pot.pk: [] for pot in pots}
    for proposal in on_ballot().filter(process=process):
        projects.setdefault(proposal.pot_id, []).append(proposal)
    return VotePaper(city=city, process=process, pots=pots, projects=projects)


def vote_paper(*, city_slug: str, process_id: int, entry_id: int | None = None) -> VotePaper:
    """The vote's paper as committed now, or 404 (no such city, another city's process, not a
    prize-money vote); copies of the city and the process for this request, and the register
    entry ``entry_id`` if it is this vote's (read in the same query)."""
    entry_id = entry_id_or_none(entry_id)
    if connection.vendor != "postgresql":
        paper = _read(city_slug, process_id)
        entry = register_entry_get(process=paper.process, entry_id=entry_id)
        return paper.for_request(entry_id=entry_id, entry=entry)
    key = (city_slug, process_id)
    fingerprint, entry = _fingerprint(city_slug, process_id, entry_id)
    with _lock:
        kept = _kept.get(key)
        if kept is not None and kept[0] == fingerprint:
            _kept.move_to_end(key)
            return kept[1].for_request(entry_id=entry_id, entry=entry)
    paper = _read(city_slug, process_id)
    with _lock:
        _kept[key] = (fingerprint, paper)
        _kept.move_to_end(key)
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return paper.for_request(entry_id=entry_id, entry=entry)


def forget_vote_papers() -> None:
    """Drop every kept paper (tests: each test's database starts afresh)."""
    with _lock:
        _kept.clear()
