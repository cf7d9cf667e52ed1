from fractions import Fraction
from pathlib import Path

import pytest

from voting_rules.election import format_decimal, parse_decimal
from voting_rules.pabulib import PabulibError, format_election, parse_election, read_election

SMALL = """META
key;value
description;"A test; with a semicolon"
budget;100.50
vote_type;approval
num_projects;3
num_votes;3
max_length;2
PROJECTS
project_id;cost;name
p1;50.25;One
p2;40;"Two; quoted"
10;60;Ten
VOTES
voter_id;vote;age
a;p1,p2;30
b;10;41
c;;
"""


def test_parse_keeps_ids_text_costs_exact_and_optional_columns() -> None:
    election = parse_election(SMALL)
    assert list(election.projects) == ["p1", "p2", "10"]
    assert election.projects["p1"].cost == Fraction("50.25")
    assert election.budget == Fraction("100.5")
    assert election.projects["p2"].extra["name"] == "Two; quoted"
    assert election.meta["description"] == "A test; with a semicolon"
    assert [b.projects for b in election.ballots] == [("p1", "p2"), ("10",), ()]
    assert election.ballots[0].extra == {"age": "30"}


def test_crlf_and_lf_give_the_same_election() -> None:
    assert parse_election(SMALL.replace("\n", "\r\n")) == parse_election(SMALL)


def test_write_then_read_gives_the_same_election() -> None:
    election = parse_election(SMALL)
    assert parse_election(format_election(election)) == election


def test_decimals_round_trip() -> None:
    for text in ("0", "12", "1532717.63", "0.05", "-3.5"):
        assert format_decimal(parse_decimal(text)) == text


def _error(text: str | bytes) -> PabulibError:
    with pytest.raises(PabulibError) as caught:
        parse_election(text)
    return caught.value


@pytest.mark.parametrize(
    ("mangled", "line", "words"),
    [
        (SMALL.replace("VOTES\n", ""), 14, "not a number"),
        (SMALL.split("VOTES")[0], 13, "VOTES"),
        (SMALL.replace("p2;40;", "p2;4x0;"), 12, "not a number"),
        (SMALL.replace("p2;40;", "p2;"), 12, "columns"),
        (SMALL.replace("b;10;41", "b;11;41"), 17, "unknown project '11'"),
        (SMALL.replace("a;p1,p2;30", "a;p1,p2,10;30"), 16, "max_length"),
        (SMALL.replace("b;10;41", "a;10;41"), 17, "twice"),
        (SMALL.replace("num_votes;3", "num_votes;4"), 18, "num_votes"),
        (SMALL.replace("budget;100.50", "budget;lots"), 4, "budget"),
        (SMALL.replace("PROJECTS\n", ""), 9, "header"),
    ],
)
def test_malformed_files_name_line_and_problem(mangled: str, line: int, words: str) -> None:
    error = _error(mangled)
    assert error.line == line, str(error)
    assert words in str(error)
    assert str(error).startswith(f"line {line}: ")


def test_wrong_encoding_names_the_line() -> None:
    data = SMALL.replace("Ten", "T\u00e9n").encode("latin-1")
    error = _error(data)
    assert error.line == 13
    assert "UTF-8" in str(error)


@pytest.mark.realdata
def test_every_real_file_reads_and_round_trips(shared_data: Path, tmp_path: Path) -> None:
    files = sorted((shared_data / "pabulib").glob("*.pb"))
    assert len(files) == 8
    for path in files:
        election = read_election(path)
        assert len(election.ballots) == int(election.meta["num_votes"])
        copy = tmp_path / path.name
        copy.write_text(format_election(election), encoding="utf-8")
        assert read_election(copy) == election, path.name


def _real_variants(text: str) -> dict[str, str]:
    lines = text.splitlines(keepends=True)
    votes = next(i for i, line in enumerate(lines) if line.strip() == "VOTES")
    projects = next(i for i, line in enumerate(lines) if line.strip() == "PROJECTS")
    first_project = projects + 2
    cost_field = lines[first_project].split(";")
    corrupt_cost = ";".join([cost_field[0], cost_field[1] + "x", *cost_field[2:]])
    ballot = lines[votes + 2].split(";")
    unknown = ";".join([ballot[0], "no-such-project", *ballot[2:]])
    return {
        "truncated": "".join(lines[: (votes + len(lines)) // 2]),
        "dropped column": "".join(
            lines[:first_project]
            + [line.rsplit(";", 1)[0] + "\n" for line in lines[first_project : first_project + 1]]
            + lines[first_project + 1 :]
        ),
        "corrupt number": "".join(
            [*lines[:first_project], corrupt_cost, *lines[first_project + 1 :]]
        ),
        "unknown project": "".join([*lines[: votes + 2], unknown, *lines[votes + 3 :]]),
    }


@pytest.mark.realdata
@pytest.mark.parametrize(
    "name",
    [
        "Netherlands_Assen_2024.pb",
        "Poland_Czestochowa_2024_Podjasnogorska.pb",
        "Poland_Krakow_2020.pb",
    ],
)
def test_malformed_variants_of_real_files_name_the_line(shared_data: Path, name: str) -> None:
    text = (shared_data / "pabulib" / name).read_text(encoding="utf-8")
    for variant, mangled in _real_variants(text).items():
        with pytest.raises(PabulibError) as caught:
            parse_election(mangled)
        assert caught.value.line is not None, variant
        assert "\n" not in str(caught.value), variant
