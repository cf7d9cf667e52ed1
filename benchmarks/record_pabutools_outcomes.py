"""Record pabutools' winners on the shared pabulib files, for tests that cannot afford to run it.

    .venv/bin/python benchmarks/record_pabutools_outcomes.py [--cap SECONDS] [--data DIR]

Each (file, rule) runs in its own subprocess with a wall-clock cap; a run that hits the cap is
recorded as {"status": "timeout"} so the fixture says what is missing instead of silently lacking
it. Results are written after every run (resumable: finished entries are kept unless --redo).
pabutools runs on ``profile.as_multiprofile()`` (identical outcomes, weighted ballots) to save time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from voting_rules.tests import pabutools_oracle  # noqa: E402

FIXTURE = REPO / "voting_rules" / "tests" / "fixtures" / "pabutools_outcomes.json"
DEFAULT_DATA = Path(os.environ.get("QUARTIER_SHARED_DIR", REPO.parent / "shared")) / "data"

# Cheap rules first, so that a capped slow rule never holds back the cheap ones.
RULE_ORDER = ("greedy", "greedy-cost", "mes", "mes-cardinality", "phragmen", "mes-add1")


def run_one(path: str, rule: str) -> None:
    """Child process: print {rule: winners} JSON; mes-add1 also yields mes-add1-greedy."""
    instance, profile = pabutools_oracle.load(path, multiprofile=True)
    if not pabutools_oracle.applies(rule, instance, profile):
        print(json.dumps({rule: {"status": "not applicable"}}))
        return
    started = time.perf_counter()
    if rule == "mes-add1":
        from pabutools.election import Cost_Sat
        from pabutools.rules import method_of_equal_shares

        outcome = method_of_equal_shares(
            instance, profile, sat_class=Cost_Sat, voter_budget_increment=1
        )
        add1_seconds = time.perf_counter() - started
        completed = pabutools_oracle.complete_with_greedy(instance, profile, outcome)
        result = {
            "mes-add1": {"winners": sorted(str(p.name) for p in outcome), "seconds": add1_seconds},
            "mes-add1-greedy": {
                "winners": sorted(str(p.name) for p in completed),
                "seconds": time.perf_counter() - started,
            },
        }
    else:
        winners = pabutools_oracle.run(rule, instance, profile)
        result = {rule: {"winners": winners, "seconds": time.perf_counter() - started}}
    print(json.dumps(result))


def spot_check(path: str, steps: int) -> None:
    """Child process: pabutools' MES at per-voter budgets B/n + steps and B/n + steps - 1.

    For files where pabutools' full Add1 cannot finish: it confirms our Add1 end point from both
    sides (exhaustive at ``steps``, not exhaustive one unit before), though not that no earlier
    point was exhaustive.
    """
    from pabutools.election import Cost_Sat
    from pabutools.fractions import frac
    from pabutools.rules import BudgetAllocation
    from pabutools.rules.mes.mes_rule import method_of_equal_shares_scheme
    from pabutools.tiebreaking import lexico_tie_breaking

    instance, profile = pabutools_oracle.load(path, multiprofile=True)
    start = frac(instance.budget_limit, profile.num_ballots())
    result = {}
    for k in (steps - 1, steps):
        outcome = method_of_equal_shares_scheme(
            instance,
            profile,
            profile.as_sat_profile(Cost_Sat),
            start + k,
            BudgetAllocation(),
            lexico_tie_breaking,
            binary_sat=True,
        )
        result[str(k)] = {
            "winners": sorted(str(p.name) for p in outcome),
            "exhaustive": instance.is_exhaustive(outcome),
            "cost": str(sum(p.cost for p in outcome)),
        }
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cap", type=float, default=900.0, help="seconds per (file, rule)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--files", nargs="*", help="file names (default: all .pb files)")
    parser.add_argument("--rules", nargs="*", default=list(RULE_ORDER))
    parser.add_argument("--redo", action="store_true")
    parser.add_argument("--one", nargs=2, metavar=("PATH", "RULE"), help=argparse.SUPPRESS)
    parser.add_argument("--spot-check-child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument(
        "--spot-check",
        nargs=2,
        metavar=("FILE", "STEPS"),
        help="record pabutools' MES at B/n + STEPS and one unit below (for capped Add1 runs)",
    )
    args = parser.parse_args()
    if args.one:
        run_one(*args.one)
        return
    if args.spot_check_child:
        spot_check(args.spot_check_child[0], int(args.spot_check_child[1]))
        return
    if args.spot_check:
        name, steps = args.spot_check[0], int(args.spot_check[1])
        path = args.data / "pabulib" / name
        done = subprocess.run(
            [sys.executable, __file__, "--spot-check-child", str(path), str(steps)],
            capture_output=True,
            text=True,
            check=True,
        )
        record = json.loads(FIXTURE.read_text())
        record["outcomes"][name]["mes-add1-spot-check"] = {
            "pabutools_mes_at_steps": json.loads(done.stdout.strip().splitlines()[-1]),
            "note": "per-voter budget B/n + steps; steps found by voting_rules' Add1",
            "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        FIXTURE.write_text(json.dumps(record, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
        return

    folder = args.data / "pabulib"
    files = args.files or sorted(p.name for p in folder.glob("*.pb"))
    record = json.loads(FIXTURE.read_text()) if FIXTURE.exists() else {"outcomes": {}}
    record["pabutools_version"] = pabutools_oracle.pabutools_version()
    record["python"] = sys.version.split()[0]
    record["note"] = (
        "Winners of pabutools on profile.as_multiprofile(); seconds are for that call in a "
        "subprocess; status 'timeout' means the run hit cap_seconds and is not verified here."
    )
    outcomes = record["outcomes"]
    for rule in args.rules:
        for name in files:
            done = outcomes.get(name, {})
            if not args.redo and rule in done and done[rule].get("status") != "timeout":
                continue
            command = [sys.executable, __file__, "--one", str(folder / name), rule]
            started = time.perf_counter()
            try:
                finished = subprocess.run(
                    command, capture_output=True, text=True, timeout=args.cap, check=True
                )
                result = json.loads(finished.stdout.strip().splitlines()[-1])
            except subprocess.TimeoutExpired:
                targets = ("mes-add1", "mes-add1-greedy") if rule == "mes-add1" else (rule,)
                result = {t: {"status": "timeout", "cap_seconds": args.cap} for t in targets}
            except subprocess.CalledProcessError as error:
                result = {rule: {"status": "error", "stderr": error.stderr[-2000:]}}
            elapsed = time.perf_counter() - started
            for key, value in result.items():
                value["recorded_at"] = datetime.now(UTC).isoformat(timespec="seconds")
                outcomes.setdefault(name, {})[key] = value
            FIXTURE.write_text(
                json.dumps(record, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
            )
            print(
                f"{rule:16} {name:45} {elapsed:8.1f}s "
                f"{next(iter(result.values())).get('status', 'ok')}",
                flush=True,
            )


if __name__ == "__main__":
    main()
