from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from voting_rules.cli import main
from voting_rules.tests.test_pabulib import SMALL


@pytest.fixture
def small_file(tmp_path: Path) -> Path:
    path = tmp_path / "small.pb"
    path.write_text(SMALL, encoding="utf-8")
    return path


def test_tally_prints_the_json_summary(
    small_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["tally", str(small_file), "--rule", "greedy", "--format", "json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["rule"] == "greedy"
    assert printed["winners"] == sorted(printed["winners"])
    assert printed["budget"] == "100.5"
    assert set(printed) >= {"rule", "winners", "cost", "budget", "seconds"}


def test_check_accepts_a_sound_file(small_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(small_file)]) == 0
    assert "OK" in capsys.readouterr().out


def test_malformed_file_gives_one_line_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.pb"
    path.write_text(SMALL.replace("b;10;41", "b;99;41"), encoding="utf-8")
    for command in (["check", str(path)], ["tally", str(path), "--rule", "mes"]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1
        assert "line 17" in err
        assert "unknown project '99'" in err


def test_check_lists_every_bad_ballot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.pb"
    path.write_text(
        SMALL.replace("b;10;41", "b;99;41").replace("c;;", "c;p1,p2,10;"), encoding="utf-8"
    )
    assert main(["check", str(path)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(": ")[1] for line in lines] == ["line 17", "line 18"]


def test_missing_file_gives_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "nope.pb")]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_explain_and_compare(small_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(small_file), "p1", "--rule", "mes"]) == 0
    assert "Project p1" in capsys.readouterr().out
    assert main(["explain", str(small_file), "p1", "--rule", "greedy", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["project_id"] == "p1"
    assert main(["compare", str(small_file)]) == 0
    assert "greedy" in capsys.readouterr().out


def test_python_dash_m_runs_the_cli(small_file: Path) -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "voting_rules", "tally", str(small_file), "--rule", "mes"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "winners" in finished.stdout


@pytest.mark.realdata
def test_malformed_real_file_variants_give_one_line(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from voting_rules.tests.test_pabulib import _real_variants

    text = (shared_data / "pabulib" / "Poland_Swiecie_2023.pb").read_text(encoding="utf-8")
    for variant, mangled in _real_variants(text).items():
        path = tmp_path / f"{variant}.pb"
        path.write_text(mangled, encoding="utf-8")
        assert main(["tally", str(path), "--rule", "greedy"]) == 2, variant
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and ": line " in err, (variant, err)
        assert main(["check", str(path)]) == 2, variant
        assert all(": line " in line for line in capsys.readouterr().err.splitlines())


@pytest.mark.realdata
def test_explanations_account_for_every_project(shared_data: Path) -> None:
    from voting_rules.rules import Options, tally
    from voting_rules.tests.conftest import real_election

    election = real_election(shared_data, "Poland_Swiecie_2023.pb")
    outcome = tally(election, "mes-add1-greedy", Options(compat=True, explain=True))
    assert set(outcome.explanations) == set(election.projects)
    for pid, explanation in outcome.explanations.items():
        assert explanation.selected == (pid in outcome.winners)
        if explanation.payments:
            paid = sum(p.amount * p.voters for p in explanation.payments)
            assert paid == election.projects[pid].cost
        if not explanation.selected and explanation.reason == "outbid":
            assert explanation.round is not None and explanation.round_winner in outcome.winners
    greedy = tally(election, "greedy")
    left = [e.remaining_budget for e in greedy.explanations.values() if e.selected]
    assert all(a is not None for a in left)
