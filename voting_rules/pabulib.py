"""Reading and writing pabulib ``.pb`` files (pabulib.org/format; Faliszewski et al., IJCAI 2023).

The reader validates everything before it returns: a malformed file raises one
:class:`PabulibError` naming the line and the problem, and no partly loaded election escapes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path

from voting_rules.election import (
    VOTE_TYPES,
    Ballot,
    Election,
    Project,
    format_decimal,
    parse_decimal,
)

SECTIONS = ("meta", "projects", "votes")


class PabulibError(ValueError):
    """A file that is not a valid pabulib election; ``line`` is 1-based (None: whole file)."""

    def __init__(self, line: int | None, problem: str) -> None:
        self.line = line
        self.problem = problem
        super().__init__(f"line {line}: {problem}" if line is not None else problem)


def read_election(path: str | Path) -> Election:
    return parse_election(Path(path).read_bytes())


def parse_election(data: bytes | str) -> Election:
    text = _decode(data) if isinstance(data, bytes) else data
    return _Parser(text).parse()


def find_problems(data: bytes | str, *, limit: int = 50) -> list[PabulibError]:
    """Every problem of a file (up to ``limit``), not only the first: a bad project row or ballot
    is reported and skipped and checking goes on; a broken structure still ends it."""
    try:
        text = _decode(data) if isinstance(data, bytes) else data
    except PabulibError as error:
        return [error]
    parser = _Parser(text, keep_going=limit)
    try:
        parser.parse()
    except PabulibError as error:
        if error not in parser.problems:
            parser.problems.append(error)
    return parser.problems[:limit]


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise PabulibError(line, f"not UTF-8 text (byte {data[error.start]:#04x})") from None


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) per CSV record; a record spanning lines counts as its first line."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", strict=True)
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise PabulibError(reader.line_num, f"broken CSV quoting ({error})") from None
        yield line, row
        line = reader.line_num + 1


class _Parser:
    def __init__(self, text: str, *, keep_going: int = 0) -> None:
        self.text = text
        # keep_going > 0: collect up to that many row problems instead of raising the first.
        self.keep_going = keep_going
        self.problems: list[PabulibError] = []
        self.meta: dict[str, str] = {}
        self.projects: dict[str, Project] = {}
        self.ballots: list[Ballot] = []
        self.project_columns: tuple[str, ...] = ()
        self.vote_columns: tuple[str, ...] = ()
        self.last_line = 1
        self.limits: dict[str, int | Fraction] = {}
        self.point_values: dict[str, Fraction] = {}
        self.exact_costs: dict[str, int | Fraction] = {}

    def parse(self) -> Election:
        section: str | None = None
        header: list[str] | None = None
        header_line = 0
        seen: list[str] = []
        voter_ids: set[str] = set()
        for line, row in _rows(self.text):
            self.last_line = line
            if not row or all(not cell.strip() for cell in row):
                continue
            first = row[0].strip().lower()
            if len(row) == 1 and first in SECTIONS:
                expected = SECTIONS[len(seen)] if len(seen) < len(SECTIONS) else None
                if first != expected:
                    raise PabulibError(
                        line, f"section {first.upper()} where {_expected(expected)} was expected"
                    )
                if section is not None and header is None:
                    raise PabulibError(line, f"section {section.upper()} has no header line")
                seen.append(first)
                section, header = first, None
                if first == "votes":
                    self._check_meta(line)
                continue
            if section is None:
                raise PabulibError(line, "content before the META section")
            if header is None:
                header = [cell.strip() for cell in row]
                header_line = line
                self._check_header(section, header, line)
                continue
            if len(row) != len(header):
                raise PabulibError(
                    line,
                    f"{len(row)} columns where the {section.upper()} header on line "
                    f"{header_line} has {len(header)}",
                )
            if section == "meta":
                key = row[0].strip()
                if key in self.meta:
                    raise PabulibError(line, f"META key {key!r} appears twice")
                self.meta[key] = row[1].strip()
            elif section == "projects":
                self._recoverable(self._add_project, line, header, row)
            else:
                self._recoverable(self._add_ballot, line, header, row, voter_ids)
        if len(seen) < len(SECTIONS):
            raise PabulibError(
                self.last_line, f"file ends without the {SECTIONS[len(seen)].upper()} section"
            )
        if header is None:
            raise PabulibError(self.last_line, "section VOTES has no header line")
        if self.problems:
            raise self.problems[0]
        self._check_counts()
        return Election(
            meta=self.meta,
            projects=self.projects,
            ballots=tuple(self.ballots),
            project_columns=self.project_columns,
            vote_columns=self.vote_columns,
        )

    def _recoverable(self, add: Callable[..., None], *args: object) -> None:
        if not self.keep_going:
            add(*args)
            return
        try:
            add(*args)
        except PabulibError as error:
            self.problems.append(error)
            if len(self.problems) >= self.keep_going:
                raise
            # The declared counts no longer match once a row is skipped: do not report that too.
            self.meta.pop("num_votes", None)
            self.meta.pop("num_projects", None)

    def _check_header(self, section: str, header: list[str], line: int) -> None:
        required = {"meta": ("key", "value"), "projects": ("project_id", "cost")}.get(
            section, ("voter_id", "vote")
        )
        if section == "meta" and len(header) != 2:
            raise PabulibError(line, "the META header must be 'key;value'")
        if header[0] != required[0] or required[1] not in header:
            raise PabulibError(
                line,
                f"{section.upper()} header must start with {required[0]!r} "
                f"and hold {required[1]!r}",
            )
        if len(set(header)) != len(header):
            raise PabulibError(line, f"{section.upper()} header repeats a column")
        if section == "projects":
            self.project_columns = tuple(header)
        elif section == "votes":
            self.vote_columns = tuple(header)
            if self.meta["vote_type"] in ("cumulative", "scoring") and "points" not in header:
                raise PabulibError(line, f"{self.meta['vote_type']} ballots need a 'points' column")

    def _check_meta(self, line: int) -> None:
        """Run when VOTES starts: ballots are checked against META, so META must be sound."""
        if "budget" not in self.meta:
            raise PabulibError(line, "META has no 'budget'")
        self._meta_number("budget")
        self.meta.setdefault("vote_type", "approval")
        if self.meta["vote_type"] not in VOTE_TYPES:
            raise PabulibError(line, f"unknown vote_type {self.meta['vote_type']!r}")
        # Parsed once: every ballot is checked against them.
        # Whole limits as int: ballots are compared with them, and int comparisons are cheap.
        self.limits = {
            key: _whole_or_fraction(self._meta_number(key))
            for key in _LIMIT_KEYS
            if key in self.meta
        }
        # Whole costs as int: summing ints per ballot is much cheaper than summing fractions.
        self.exact_costs = {pid: _whole_or_fraction(p.cost) for pid, p in self.projects.items()}

    def _meta_number(self, key: str) -> Fraction:
        try:
            return parse_decimal(self.meta[key])
        except (ValueError, ZeroDivisionError):
            raise PabulibError(
                self._meta_line(key), f"META {key} {self.meta[key]!r} is not a number"
            ) from None

    def _meta_line(self, key: str) -> int | None:
        for number, text in enumerate(self.text.splitlines(), start=1):
            if text.split(";", 1)[0].strip() == key:
                return number
        return None

    def _add_project(self, line: int, header: list[str], row: list[str]) -> None:
        values = dict(zip(header, row, strict=True))
        project_id = values.pop("project_id").strip()
        if not project_id:
            raise PabulibError(line, "empty project_id")
        if project_id in self.projects:
            raise PabulibError(line, f"project {project_id!r} appears twice")
        raw_cost = values.pop("cost")
        try:
            cost = parse_decimal(raw_cost)
        except (ValueError, ZeroDivisionError):
            raise PabulibError(
                line, f"cost {raw_cost!r} of project {project_id!r} is not a number"
            ) from None
        if cost < 0:
            raise PabulibError(line, f"negative cost {raw_cost!r} of project {project_id!r}")
        self.projects[project_id] = Project(project_id, cost, values)

    def _add_ballot(
        self, line: int, header: list[str], row: list[str], voter_ids: set[str]
    ) -> None:
        values = dict(zip(header, row, strict=True))
        voter_id = values.pop("voter_id").strip()
        if voter_id in voter_ids:
            raise PabulibError(line, f"voter {voter_id!r} appears twice")
        voter_ids.add(voter_id)
        raw_vote = values.pop("vote").strip()
        chosen = tuple(p.strip() for p in raw_vote.split(",")) if raw_vote else ()
        for project_id in chosen:
            if project_id not in self.projects:
                raise PabulibError(
                    line, f"ballot of voter {voter_id!r} names unknown project {project_id!r}"
                )
        if len(set(chosen)) != len(chosen):
            raise PabulibError(line, f"ballot of voter {voter_id!r} names a project twice")
        points: tuple[Fraction, ...] = ()
        vote_type = self.meta["vote_type"]
        if vote_type in ("cumulative", "scoring"):
            raw_points = values.pop("points").strip()
            texts = [p.strip() for p in raw_points.split(",")] if raw_points else []
            if len(texts) != len(chosen):
                raise PabulibError(
                    line,
                    f"ballot of voter {voter_id!r} has {len(chosen)} projects "
                    f"but {len(texts)} points",
                )
            try:
                points = tuple(map(self._points, texts))
            except (ValueError, ZeroDivisionError):
                raise PabulibError(
                    line, f"points {raw_points!r} of voter {voter_id!r} are not numbers"
                ) from None
        ballot = Ballot(voter_id, chosen, points, values)
        problem = self._limit_violation(ballot)
        if problem:
            raise PabulibError(line, f"ballot of voter {voter_id!r} {problem}")
        self.ballots.append(ballot)

    def _points(self, text: str) -> Fraction:
        # Ballots repeat a handful of point values: parse each text once.
        value = self.point_values.get(text)
        if value is None:
            value = Fraction(int(text)) if text.isdigit() else parse_decimal(text)
            self.point_values[text] = value
        return value

    def _limit_violation(self, ballot: Ballot) -> str | None:
        limits = self.limits
        count = len(ballot.projects)
        if self.meta["vote_type"] == "choose-1" and count > 1:
            return f"chooses {count} projects in a choose-1 election"
        if "min_length" in limits and count < limits["min_length"]:
            return f"names {count} projects, fewer than min_length {self.meta['min_length']}"
        if "max_length" in limits and count > limits["max_length"]:
            return f"names {count} projects, more than max_length {self.meta['max_length']}"
        if "max_sum_cost" in limits or "min_sum_cost" in limits:
            cost = sum(self.exact_costs[p] for p in ballot.projects)
            if "max_sum_cost" in limits and cost > limits["max_sum_cost"]:
                return (
                    f"costs {format_decimal(Fraction(cost))}, more than max_sum_cost "
                    f"{self.meta['max_sum_cost']}"
                )
            if "min_sum_cost" in limits and cost < limits["min_sum_cost"]:
                return (
                    f"costs {format_decimal(Fraction(cost))}, less than min_sum_cost "
                    f"{self.meta['min_sum_cost']}"
                )
        if ballot.points:
            total: int | Fraction = (
                sum(p.numerator for p in ballot.points)
                if all(p.denominator == 1 for p in ballot.points)
                else sum(ballot.points, Fraction(0))
            )
            if "max_sum_points" in limits and total > limits["max_sum_points"]:
                return (
                    f"gives {format_decimal(Fraction(total))} points, over max_sum_points "
                    f"{self.meta['max_sum_points']}"
                )
            if "min_sum_points" in limits and total < limits["min_sum_points"]:
                return (
                    f"gives {format_decimal(Fraction(total))} points, under min_sum_points "
                    f"{self.meta['min_sum_points']}"
                )
            if "max_points" in limits and max(ballot.points) > limits["max_points"]:
                return f"gives a project more than max_points {self.meta['max_points']}"
            if "min_points" in limits and min(ballot.points) < limits["min_points"]:
                return f"gives a project less than min_points {self.meta['min_points']}"
        return None

    def _check_counts(self) -> None:
        # A truncated file usually still parses; the declared counts are what give it away.
        for key, actual in (("num_projects", len(self.projects)), ("num_votes", len(self.ballots))):
            if key in self.meta:
                declared = self._meta_number(key)
                if declared != actual:
                    raise PabulibError(
                        self.last_line,
                        f"META {key} is {self.meta[key]} but the file holds {actual}",
                    )


def _whole_or_fraction(value: Fraction) -> int | Fraction:
    return value.numerator if value.denominator == 1 else value


_LIMIT_KEYS = (
    "min_length",
    "max_length",
    "min_sum_cost",
    "max_sum_cost",
    "min_sum_points",
    "max_sum_points",
    "min_points",
    "max_points",
    "num_projects",
    "num_votes",
)


def _expected(section: str | None) -> str:
    return "nothing more" if section is None else section.upper()


def format_election(election: Election) -> str:
    """The election as pabulib text: LF line endings, ``;`` separators, CSV quoting as needed."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    for key, value in election.meta.items():
        writer.writerow([key, value])
    writer.writerow(["PROJECTS"])
    writer.writerow(election.project_columns)
    for project in election.projects.values():
        fields = {"project_id": project.project_id, "cost": format_decimal(project.cost)}
        writer.writerow([fields.get(c, project.extra.get(c, "")) for c in election.project_columns])
    writer.writerow(["VOTES"])
    writer.writerow(election.vote_columns)
    for ballot in election.ballots:
        fields = {
            "voter_id": ballot.voter_id,
            "vote": ",".join(ballot.projects),
            "points": ",".join(format_decimal(p) for p in ballot.points),
        }
        writer.writerow([fields.get(c, ballot.extra.get(c, "")) for c in election.vote_columns])
    return out.getvalue()


def write_election(election: Election, path: str | Path) -> None:
    Path(path).write_text(format_election(election), encoding="utf-8", newline="")
