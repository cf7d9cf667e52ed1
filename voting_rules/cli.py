"""``quartier-pb``: tally, explain, check and compare pabulib elections from the command line."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

from voting_rules.election import Election, format_decimal
from voting_rules.explain import describe
from voting_rules.pabulib import PabulibError, find_problems, parse_election, read_election
from voting_rules.profile import TIE_BREAKINGS
from voting_rules.rules import COMPARISONS, COMPLETIONS, RULES, Options, tally


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "check":
        return _check(args)
    try:
        started = time.perf_counter()
        election = read_election(args.file)
        result: int = args.command_function(args, election, started)
        return result
    except PabulibError as error:
        print(f"{args.file}: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"{args.file}: {error.strerror or error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="quartier-pb", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    def rule_options(sub: argparse.ArgumentParser, *, rule_required: bool) -> None:
        sub.add_argument("--rule", choices=list(RULES), required=rule_required, default=None)
        sub.add_argument("--tie-breaking", choices=TIE_BREAKINGS, default=None)
        sub.add_argument("--seed", type=int, default=None, help="lot for equalshares tie-breaking")
        sub.add_argument(
            "--compat",
            choices=["pabutools"],
            default=None,
            help="pabutools' conventions: listed = approved, ties by project id",
        )
        sub.add_argument(
            "--threshold", type=Fraction, default=None, help="greedy-threshold minimum"
        )
        sub.add_argument(
            "--comparison",
            choices=COMPARISONS,
            default="satisfaction",
            help="equalshares: how the comparison with greedy measures a voter's preference",
        )
        sub.add_argument(
            "--completion",
            choices=COMPLETIONS,
            default="add1u",
            help="equalshares: none, utilitarian, add1, or add1u (Add1 then greedy; the default)",
        )
        sub.add_argument(
            "--no-exhaustive",
            dest="add1_exhaustive",
            action="store_false",
            help="equalshares Add1: raise the budget while the next outcome fits, even past an "
            "exhaustive one",
        )
        sub.add_argument(
            "--no-integral",
            dest="add1_integral",
            action="store_false",
            help="equalshares Add1: start from B/n itself, not from floor(B/n)",
        )
        sub.add_argument("--format", choices=["text", "json"], default="text")

    tally_parser = commands.add_parser("tally", help="the winners of one rule")
    tally_parser.add_argument("file", type=Path)
    rule_options(tally_parser, rule_required=True)
    tally_parser.set_defaults(command_function=_tally)

    explain_parser = commands.add_parser("explain", help="why a project won or lost")
    explain_parser.add_argument("file", type=Path)
    explain_parser.add_argument("project_id")
    rule_options(explain_parser, rule_required=True)
    explain_parser.set_defaults(command_function=_explain)

    check_parser = commands.add_parser("check", help="validate a file")
    check_parser.add_argument("file", type=Path)
    check_parser.set_defaults(command_function=None)

    compare_parser = commands.add_parser(
        "compare", help="the file's `selected` column vs every rule"
    )
    compare_parser.add_argument("file", type=Path)
    rule_options(compare_parser, rule_required=False)
    compare_parser.set_defaults(command_function=_compare)
    return parser


def _options(args: argparse.Namespace, *, explain: bool = False) -> Options:
    return Options(
        compat=args.compat == "pabutools",
        tie_breaking=args.tie_breaking,
        lot_seed=args.seed,
        threshold=args.threshold,
        explain=explain,
        comparison=args.comparison,
        completion=args.completion,
        add1_exhaustive=args.add1_exhaustive,
        add1_integral=args.add1_integral,
    )


def _number(value: Fraction) -> int | str:
    """JSON: whole amounts as numbers, others as exact decimal strings (never binary floats)."""
    if value.denominator == 1:
        return value.numerator
    try:
        return format_decimal(value)
    except ValueError:
        return str(value)


def _tally(args: argparse.Namespace, election: Election, started: float) -> int:
    outcome = tally(election, args.rule, _options(args))
    seconds = round(time.perf_counter() - started, 3)
    if args.format == "json":
        print(
            json.dumps(
                {
                    "rule": outcome.rule,
                    "winners": list(outcome.winners),
                    "cost": _number(outcome.cost),
                    "budget": _number(outcome.budget),
                    "seconds": seconds,
                    "details": outcome.details,
                },
                ensure_ascii=False,
            )
        )
    else:
        print(f"{election.name}: {outcome.rule}, {len(outcome.winners)} projects")
        print(f"winners: {', '.join(outcome.winners)}")
        print(f"cost: {_number(outcome.cost)} of {_number(outcome.budget)} ({seconds} s)")
        for key, value in outcome.details.items():
            print(f"{key}: {value}")
    return 0


def _explain(args: argparse.Namespace, election: Election, started: float) -> int:
    if args.project_id not in election.projects:
        print(f"{args.file}: no project {args.project_id!r}", file=sys.stderr)
        return 2
    outcome = tally(election, args.rule, _options(args, explain=True))
    explanation = outcome.explanations[args.project_id]
    if args.format == "json":
        payload = {
            key: (
                _number(value)
                if isinstance(value, Fraction)
                else [{"amount": _number(p.amount), "voters": p.voters} for p in value]
                if key == "payments"
                else value
            )
            for key, value in vars(explanation).items()
        }
        print(json.dumps(payload, ensure_ascii=False))
    else:
        print(describe(explanation, outcome, election))
    return 0


def _check(args: argparse.Namespace) -> int:
    try:
        data = Path(args.file).read_bytes()
    except OSError as error:
        print(f"{args.file}: {error.strerror or error}", file=sys.stderr)
        return 2
    problems = find_problems(data)
    for problem in problems:
        print(f"{args.file}: {problem}", file=sys.stderr)
    if problems:
        return 2
    election = parse_election(data)
    print(
        f"{args.file}: OK, {len(election.projects)} projects, {len(election.ballots)} ballots, "
        f"{election.vote_type}, budget {_number(election.budget)}"
    )
    return 0


def _compare(args: argparse.Namespace, election: Election, started: float) -> int:
    official = election.officially_selected()
    if official is None:
        print(f"{args.file}: no `selected` column; winners per rule only")
    rules = [args.rule] if args.rule else list(RULES)
    for rule in rules:
        outcome = tally(election, rule, _options(args))
        winners = set(outcome.winners)
        if official is None:
            print(f"{rule:18} {len(winners):3} winners")
            continue
        verdict = "same as selected" if winners == official else "differs"
        missing = sorted(official - winners)
        extra = sorted(winners - official)
        line = f"{rule:18} {verdict}"
        if missing:
            line += f"; selected but not by rule: {', '.join(missing)}"
        if extra:
            line += f"; by rule but not selected: {', '.join(extra)}"
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
