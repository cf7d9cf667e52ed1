"""Speed and agreement of voting_rules against pabutools 1.2.3 on the shared pabulib files.

    .venv/bin/python benchmarks/pb_vs_pabutools.py [--cap 120] [--rules mes mes-add1-greedy ...]

For every (rule, file): our time (parsing included, pabulib file to winners, best of --repeat),
pabutools' time (parsing included, in a subprocess killed after --cap seconds: "> cap"), the ratio
and whether the winners are identical. pabutools runs on the plain profile, as a user would call it.
When pabutools hits the cap, winners are compared with the recorded fixture if it has them.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from voting_rules.pabulib import read_election  # noqa: E402
from voting_rules.rules import Options, tally  # noqa: E402
from voting_rules.tests import pabutools_oracle  # noqa: E402

DEFAULT_DATA = Path(os.environ.get("QUARTIER_SHARED_DIR", REPO.parent / "shared")) / "data"
FIXTURE = REPO / "voting_rules" / "tests" / "fixtures" / "pabutools_outcomes.json"
RULES = ("mes", "mes-add1", "mes-add1-greedy", "greedy", "greedy-cost", "phragmen")


def pabutools_child(path: str, rule: str) -> None:
    import pabutools.election
    import pabutools.rules  # noqa: F401  (imported before the clock starts, as ours is)

    started = time.perf_counter()
    instance, profile = pabutools_oracle.load(path)
    if not pabutools_oracle.applies(rule, instance, profile):
        print(json.dumps({"status": "not applicable"}))
        return
    winners = pabutools_oracle.run(rule, instance, profile)
    print(json.dumps({"winners": winners, "seconds": time.perf_counter() - started}))


def ours(path: Path, rule: str, repeat: int) -> tuple[list[str], float]:
    best = float("inf")
    winners: list[str] = []
    for attempt in range(repeat):
        if attempt and best > 5:
            break  # a slow run needs no repeat to be measured
        started = time.perf_counter()
        outcome = tally(read_election(path), rule, Options(compat=True))
        best = min(best, time.perf_counter() - started)
        winners = list(outcome.winners)
    return winners, best


def theirs(path: Path, rule: str, cap: float) -> dict[str, object]:
    command = [sys.executable, __file__, "--child", str(path), rule]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=cap, check=True)
    except subprocess.TimeoutExpired:
        return {"status": "timeout"}
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cap", type=float, default=120.0, help="seconds per pabutools run")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--rules", nargs="*", default=list(RULES))
    parser.add_argument("--files", nargs="*")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        pabutools_child(*args.child)
        return
    folder = args.data / "pabulib"
    names = args.files or sorted(p.name for p in folder.glob("*.pb"))
    recorded = json.loads(FIXTURE.read_text(encoding="utf-8"))["outcomes"]
    version = pabutools_oracle.pabutools_version()
    print(
        f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, pabutools {version}, "
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, cap {args.cap:g} s"
    )
    print(
        f"| {'rule':16} | {'file':42} | {'ours s':>8} | {'pabutools s':>11} | {'ratio':>8} | same |"
    )
    print(f"|{'-' * 18}|{'-' * 44}|{'-' * 10}|{'-' * 13}|{'-' * 10}|------|")
    ratios: dict[str, list[float]] = {}
    for rule in args.rules:
        for name in names:
            path = folder / name
            reference = theirs(path, rule, args.cap)
            if reference.get("status") == "not applicable":
                continue
            winners, seconds = ours(path, rule, args.repeat)
            if "winners" in reference:
                their_time = float(reference["seconds"])  # type: ignore[arg-type]
                shown = f"{their_time:11.2f}"
                ratio = f"{their_time / seconds:7.0f}x"
                ratios.setdefault(rule, []).append(their_time / seconds)
                same = "yes" if reference["winners"] == winners else "NO"
            else:
                shown = f"{'> ' + format(args.cap, 'g'):>11}"
                ratio = f"> {args.cap / seconds:.0f}x"
                entry = recorded.get(name, {}).get(rule, {})
                spot = recorded.get(name, {}).get("mes-add1-spot-check")
                if "winners" in entry:
                    same = "yes*" if entry["winners"] == winners else "NO*"
                elif rule in ("mes-add1", "mes-add1-greedy") and spot:
                    # pabutools' MES at our Add1 end point: exhaustive there, with these winners
                    # (so the greedy completion adds nothing either).
                    end = spot["pabutools_mes_at_steps"][
                        max(spot["pabutools_mes_at_steps"], key=int)
                    ]
                    same = "yes+" if end["winners"] == winners and end["exhaustive"] else "NO+"
                else:
                    same = "?"
                ratios.setdefault(rule, []).append(args.cap / seconds)
            print(
                f"| {rule:16} | {name:42} | {seconds:8.3f} | {shown} | {ratio:>8} | {same:4} |",
                flush=True,
            )
    print()
    for rule, values in ratios.items():
        print(
            f"median speed-up {rule}: {statistics.median(values):.0f}x (lower bound where capped)"
        )
    print("* compared with the recorded fixture (pabutools hit the cap here); ? = no reference")
    print("+ pabutools' MES at our Add1 end point (fixture spot check): same winners, exhaustive")


if __name__ == "__main__":
    main()
