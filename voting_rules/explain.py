"""Plain-language sentences from :class:`~voting_rules.outcome.Explanation` data (English)."""

from __future__ import annotations

from fractions import Fraction

from voting_rules.election import Election
from voting_rules.outcome import Explanation, Outcome


def _amount(value: Fraction) -> str:
    rounded = round(value, 2)
    return f"{float(rounded):,.2f}".rstrip("0").rstrip(".")


def describe(explanation: Explanation, outcome: Outcome, election: Election) -> str:
    e = explanation
    currency = election.meta.get("currency", "")

    def money(value: Fraction) -> str:
        return f"{_amount(value)} {currency}".strip()

    name = f"Project {e.project_id}"
    if e.reason == "chosen" and e.payments:
        paid = "; ".join(f"{p.voters} paid {money(p.amount)}" for p in e.payments)
        votes = f"{float(e.effective_votes):.1f}" if e.effective_votes is not None else "?"
        return (
            f"{name} was chosen in round {e.round} with {votes} effective votes. "
            f"Its supporters paid: {paid}."
        )
    if e.reason in ("chosen", "completion") and e.remaining_budget is not None:
        stage = "in the completion" if e.reason == "completion" else ""
        return (
            f"{name} was chosen {stage} at rank {e.round} (score {_score(e.score)}); "
            f"{money(e.remaining_budget)} were left when it was reached."
        ).replace("  ", " ")
    if e.reason == "chosen":
        return f"{name} was chosen in round {e.round}."
    if e.reason == "does not fit":
        return (
            f"{name} was not chosen: at rank {e.round} (score {_score(e.score)}) it cost "
            f"{money(election.projects[e.project_id].cost)} but only "
            f"{money(e.remaining_budget or Fraction(0))} were left."
        )
    if e.reason == "below threshold":
        return f"{name} was not chosen: its score {_score(e.score)} is below the threshold."
    if e.reason == "after stop":
        return f"{name} was not chosen: counting had stopped before it was reached."
    if e.reason == "no supporters":
        return f"{name} was not chosen: nobody voted for it."
    if e.round is None:
        return f"{name} was not chosen: its supporters never had enough money left to pay for it."
    sentence = f"{name} was not chosen. It came closest in round {e.round}, won by {e.round_winner}"
    if e.effective_votes is not None:
        sentence += f", with {float(e.effective_votes):.1f} effective votes"
    remedies = []
    if e.more_supporters_needed:
        remedies.append(f"{e.more_supporters_needed} more supporters")
    if e.winning_cost:
        remedies.append(f"a cost of at most {money(e.winning_cost)}")
    if remedies:
        return f"{sentence}: {' or '.join(remedies)} would have made it win that round."
    return f"{sentence}."


def _score(value: Fraction | None) -> str:
    if value is None:
        return "-"
    return str(value.numerator) if value.denominator == 1 else f"{float(value):.4g}"
