"""Check Add1's stretch search against plain unit stepping (one exact MES run per unit).

    .venv/bin/python benchmarks/add1_by_stepping.py FILE.pb [--processes 2]

pabutools cannot finish Add1 on Budapest 2024 (22,001 unit steps, more than ten minutes), so the
recorded fixture only spot-checks its end point. This script steps through every unit with our
exact MES (the one that agrees with pabutools wherever pabutools finishes), in parallel chunks,
and prints the first point whose outcome stops Add1 (exhaustive or overspending) next to what
the stretch search finds, with both times. Budapest: about 10 minutes on 2 processes.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from fractions import Fraction
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from voting_rules.add1 import add1_first_exhaustive  # noqa: E402
from voting_rules.equal_shares import eligible_projects, is_exhaustive, run_equal_shares  # noqa: E402
from voting_rules.pabulib import read_election  # noqa: E402
from voting_rules.profile import Profile, compile_profile  # noqa: E402

_profile: Profile | None = None


def _load(path: str) -> None:
    global _profile
    _profile = compile_profile(read_election(path), compat=True)


def _first_stop(chunk: range) -> int | None:
    """The first k of the chunk whose outcome at B/n + k stops pabutools' Add1."""
    profile = _profile
    assert profile is not None
    start = profile.budget / profile.voters
    among = frozenset(eligible_projects(profile, False))
    for k in chunk:
        chosen = run_equal_shares(profile, per_voter_budget=start + k, detailed=False).chosen
        if profile.total_cost(chosen) > profile.budget or is_exhaustive(profile, chosen, among):
            return k
    return None


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", type=Path)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--chunk", type=int, default=500)
    args = parser.parse_args()
    _load(str(args.file))
    assert _profile is not None
    started = time.perf_counter()
    searched = add1_first_exhaustive(_profile)
    search_seconds = time.perf_counter() - started
    started = time.perf_counter()
    stepped = None
    with ProcessPoolExecutor(args.processes, initializer=_load, initargs=(str(args.file),)) as pool:
        low = 0
        while stepped is None:
            chunks = [
                range(low + n * args.chunk, low + (n + 1) * args.chunk)
                for n in range(args.processes * 4)
            ]
            found = [k for k in pool.map(_first_stop, chunks) if k is not None]
            if found:
                stepped = min(found)
            low = chunks[-1].stop
            print(f"  stepped through {low:,} units ...", file=sys.stderr, flush=True)
    step_seconds = time.perf_counter() - started
    # Add1 keeps the previous outcome when the stopping one overspends.
    start = _profile.budget / _profile.voters
    run = run_equal_shares(_profile, per_voter_budget=start + stepped, detailed=False)
    if _profile.total_cost(run.chosen) > _profile.budget:
        stepped -= 1
        run = run_equal_shares(_profile, per_voter_budget=start + stepped, detailed=False)
    same = (stepped, run.chosen) == (searched.steps, searched.run.chosen)
    print(f"{args.file.name}: per-voter budget B/n = {Fraction(start)}")
    print(f"  unit stepping: ends at B/n + {stepped} ({step_seconds:.0f} s)")
    print(f"  stretch search: ends at B/n + {searched.steps} ({search_seconds:.2f} s)")
    print(f"  same end point and winners: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
