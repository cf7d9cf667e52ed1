"""Per-group vote statistics: representativeness, consensus, and the routing priority.

Formulas follow compdemocracy/polis math/src/polismath/math/{repness,stats,conversation}.clj.
Counts use Polis' internal sign (agree = -1); a pass counts as seen.

Two deliberate departures from Polis keep "common ground" and "what sets a group apart" from
contradicting each other (see `common_ground` and `representative_statements`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from opinion_clustering.votes import FloatMatrix

Z_90 = 1.2816  # one-sided 90 % critical value of the standard normal
META_PRIORITY = 7.0
REPRESENTATIVE_LIMIT = 5
CONSENSUS_LIMIT = 5
# Common ground: in EVERY group more than this share of the group's votes on the statement
# (passes count as votes) go the same way, from at least COMMON_GROUND_MIN_VOTES votes in each
# group, and each group's share passes Polis' one-sided 90 % proportion test. 60 % is a clear
# majority that a small group can still reach (3 of 4, 2 of 3 is too thin for the test).
COMMON_GROUND_MAJORITY = 0.6
COMMON_GROUND_MIN_VOTES = 3
COMMON_GROUND_LIMIT = 5

Direction = Literal["agree", "disagree"]
IntMatrix = NDArray[np.int64]


@dataclass(frozen=True)
class VoteTallies:
    """Counts per row (a group, or everyone) and statement."""

    agree: IntMatrix
    disagree: IntMatrix
    seen: IntMatrix


@dataclass(frozen=True)
class RepresentativeStatement:
    statement_id: int
    repful_for: Direction
    n_success: int
    n_trials: int
    p_success: float
    p_test: float
    repness: float
    repness_test: float
    best_agree: bool = False


@dataclass(frozen=True)
class ConsensusStatement:
    statement_id: int
    n_success: int
    n_trials: int
    p_success: float
    p_test: float


@dataclass(frozen=True)
class Consensus:
    agree: tuple[ConsensusStatement, ...]
    disagree: tuple[ConsensusStatement, ...]


@dataclass(frozen=True)
class GroupShare:
    """How one group voted on a statement: n_success of its n_trials votes went `direction`."""

    group_id: int
    n_success: int
    n_trials: int


@dataclass(frozen=True)
class CommonGroundStatement:
    statement_id: int
    direction: Direction
    shares: tuple[GroupShare, ...]  # one per group, in group order
    # Product over groups of (n_success + 1) / (n_trials + 2): Polis' group-informed consensus
    # for agreement, and the same product of disagreements for shared rejection.
    score: float


@dataclass(frozen=True)
class CommonGround:
    agree: tuple[CommonGroundStatement, ...] = ()
    disagree: tuple[CommonGroundStatement, ...] = ()


def tally(values: FloatMatrix, membership: NDArray[np.bool_]) -> VoteTallies:
    """membership is (rows of the tally, participants); values are internal-sign votes."""
    weights = membership.astype(np.float64)
    # Float operands keep the products on BLAS; mixed bool/float matmul falls back to a slow loop.
    agree = weights @ (values < 0).astype(np.float64)
    disagree = weights @ (values > 0).astype(np.float64)
    seen = weights @ (~np.isnan(values)).astype(np.float64)
    return VoteTallies(
        agree=np.rint(agree).astype(np.int64),
        disagree=np.rint(disagree).astype(np.int64),
        seen=np.rint(seen).astype(np.int64),
    )


def with_zeroed_columns(
    tallies: VoteTallies, zeroed: NDArray[np.bool_], row_sizes: NDArray[np.int64]
) -> VoteTallies:
    """The tallies of the matrix with `zeroed` columns set to 0 (pass) for every member."""
    if not zeroed.any():
        return tallies
    seen = tallies.seen.copy()
    seen[:, zeroed] = np.asarray(row_sizes, dtype=np.int64)[:, None]
    return VoteTallies(
        agree=np.where(zeroed, 0, tallies.agree),
        disagree=np.where(zeroed, 0, tallies.disagree),
        seen=seen,
    )


def proportion_test(successes: NDArray[np.float64], trials: NDArray[np.float64]) -> FloatMatrix:
    successes, trials = successes + 1, trials + 1
    return np.asarray(2 * np.sqrt(trials) * (successes / trials - 0.5))


def two_proportion_test(
    successes_in: NDArray[np.float64],
    successes_out: NDArray[np.float64],
    trials_in: NDArray[np.float64],
    trials_out: NDArray[np.float64],
) -> FloatMatrix:
    successes_in, successes_out = successes_in + 1, successes_out + 1
    trials_in, trials_out = trials_in + 1, trials_out + 1
    pooled = (successes_in + successes_out) / (trials_in + trials_out)
    spread = np.sqrt(pooled * (1 - pooled) * (1 / trials_in + 1 / trials_out))
    difference = successes_in / trials_in - successes_out / trials_out
    # Polis returns 0 when everyone agrees (pooled proportion 1) rather than dividing by zero.
    return np.divide(difference, spread, out=np.zeros_like(difference), where=pooled != 1)


@dataclass(frozen=True)
class _GroupStatementStats:
    na: FloatMatrix
    nd: FloatMatrix
    ns: FloatMatrix
    pa: FloatMatrix
    pd: FloatMatrix
    pat: FloatMatrix
    pdt: FloatMatrix
    ra: FloatMatrix
    rd: FloatMatrix
    rat: FloatMatrix
    rdt: FloatMatrix


def _group_statement_stats(tallies: VoteTallies) -> _GroupStatementStats:
    na = tallies.agree.astype(np.float64)
    nd = tallies.disagree.astype(np.float64)
    ns = tallies.seen.astype(np.float64)
    rest_na, rest_nd, rest_ns = na.sum(axis=0) - na, nd.sum(axis=0) - nd, ns.sum(axis=0) - ns
    pa, pd = (na + 1) / (ns + 2), (nd + 1) / (ns + 2)
    return _GroupStatementStats(
        na=na,
        nd=nd,
        ns=ns,
        pa=pa,
        pd=pd,
        pat=proportion_test(na, ns),
        pdt=proportion_test(nd, ns),
        ra=pa / ((1 + rest_na) / (2 + rest_ns)),
        rd=pd / ((1 + rest_nd) / (2 + rest_ns)),
        rat=two_proportion_test(na, rest_na, ns, rest_ns),
        rdt=two_proportion_test(nd, rest_nd, ns, rest_ns),
    )


def _finalize(
    stats: _GroupStatementStats,
    group: int,
    column: int,
    statement_id: int,
    direction: Direction | None = None,
) -> RepresentativeStatement:
    g, c = group, column
    if direction is None:
        direction = "agree" if stats.rat[g, c] > stats.rdt[g, c] else "disagree"
    if direction == "agree":
        return RepresentativeStatement(
            statement_id=statement_id,
            repful_for="agree",
            n_success=int(stats.na[g, c]),
            n_trials=int(stats.ns[g, c]),
            p_success=float(stats.pa[g, c]),
            p_test=float(stats.pat[g, c]),
            repness=float(stats.ra[g, c]),
            repness_test=float(stats.rat[g, c]),
        )
    return RepresentativeStatement(
        statement_id=statement_id,
        repful_for="disagree",
        n_success=int(stats.nd[g, c]),
        n_trials=int(stats.ns[g, c]),
        p_success=float(stats.pd[g, c]),
        p_test=float(stats.pdt[g, c]),
        repness=float(stats.rd[g, c]),
        repness_test=float(stats.rdt[g, c]),
    )


def _repness_metric(statement: RepresentativeStatement) -> float:
    return statement.repness * statement.repness_test * statement.p_success * statement.p_test


def representative_statements(
    tallies: VoteTallies,
    group_ids: Sequence[int],
    statement_ids: Sequence[int],
    excluded: Collection[int] = frozenset(),
) -> dict[int, tuple[RepresentativeStatement, ...]]:
    """Polis' select-rep-comments: up to five per group, its best agree statement first.

    Unlike Polis, a statement on which every group has the same clear majority is nobody's
    distinguishing statement (it is common ground), and the best agree statement must be one
    the group agrees with more than the rest does: Polis falls back to the group's most agreed
    statement, which put what everyone agrees with at the head of every group's list.
    """
    stats = _group_statement_stats(tallies)
    passes = ((stats.rat > Z_90) & (stats.pat > Z_90)) | ((stats.rdt > Z_90) & (stats.pdt > Z_90))
    agree_score = stats.ra * stats.rat * stats.pa * stats.pat
    best_test = np.maximum(stats.rat, stats.rdt)
    excluded_set = set(excluded)
    shared = np.logical_or(*shared_majorities(tallies))
    columns = [
        c for c, tid in enumerate(statement_ids) if tid not in excluded_set and not shared[c]
    ]
    result: dict[int, tuple[RepresentativeStatement, ...]] = {}
    for g, group_id in enumerate(group_ids):
        sufficient: list[int] = []
        best: int | None = None
        best_agree: int | None = None
        for c in columns:
            if passes[g, c]:
                sufficient.append(c)
            if (
                not sufficient
                and best_test[g, c] > 0  # leans away from the rest, if not significantly
                and (best is None or best_test[g, c] > best_test[g, best])
            ):
                best = c
            if _beats_best_agree(stats, agree_score, g, c, best_agree):
                best_agree = c
        head: list[RepresentativeStatement] = []
        if best_agree is not None:
            # Polis finalises its best agree statement by the larger test, so a statement all
            # groups agree with could be shown as the group's "disagree"; we keep it an agree.
            finalized = _finalize(stats, g, best_agree, statement_ids[best_agree], "agree")
            head = [replace(finalized, best_agree=True)]
        if not sufficient:
            if not head and best is not None:
                head = [_finalize(stats, g, best, statement_ids[best])]
            result[group_id] = tuple(head)
            continue
        ranked = sorted(
            (_finalize(stats, g, c, statement_ids[c]) for c in sufficient if c != best_agree),
            key=lambda statement: -_repness_metric(statement),
        )
        chosen = (head + ranked)[:REPRESENTATIVE_LIMIT]
        result[group_id] = tuple(
            [s for s in chosen if s.repful_for == "agree"]
            + [s for s in chosen if s.repful_for == "disagree"]
        )
    return result


def _beats_best_agree(
    stats: _GroupStatementStats,
    agree_score: FloatMatrix,
    g: int,
    c: int,
    current: int | None,
) -> bool:
    if stats.na[g, c] == 0 and stats.nd[g, c] == 0:
        return False  # never let an unvoted statement represent a group
    if not (stats.ra[g, c] > 1.0 and stats.rat[g, c] > 0):
        return False  # agreed no more than by the rest: it does not set the group apart
    if current is not None:
        # Polis compares by the agree metric once its best agree has ra > 1, as all ours do.
        return bool(agree_score[g, c] > agree_score[g, current])
    return bool(stats.pat[g, c] > Z_90 or stats.pa[g, c] > 0.5)


def majority_consensus(
    tallies: VoteTallies, statement_ids: Sequence[int], excluded: Collection[int] = frozenset()
) -> Consensus:
    """What most of everyone agrees (or disagrees) with, significant at 90 %; five of each."""
    na, nd, ns = (t[0].astype(np.float64) for t in (tallies.agree, tallies.disagree, tallies.seen))
    pa, pd = (na + 1) / (ns + 2), (nd + 1) / (ns + 2)
    pat, pdt = proportion_test(na, ns), proportion_test(nd, ns)
    excluded_set = set(excluded)
    columns = [c for c, tid in enumerate(statement_ids) if tid not in excluded_set]

    def top(
        successes: FloatMatrix, p: FloatMatrix, test: FloatMatrix
    ) -> tuple[ConsensusStatement, ...]:
        eligible = [c for c in columns if p[c] > 0.5 and test[c] > Z_90]
        eligible.sort(key=lambda c: -(p[c] * test[c]))
        return tuple(
            ConsensusStatement(
                statement_id=statement_ids[c],
                n_success=int(successes[c]),
                n_trials=int(ns[c]),
                p_success=float(p[c]),
                p_test=float(test[c]),
            )
            for c in eligible[:CONSENSUS_LIMIT]
        )

    return Consensus(agree=top(na, pa, pat), disagree=top(nd, pd, pdt))


def shared_majorities(tallies: VoteTallies) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Per statement: every group voted on it and more than COMMON_GROUND_MAJORITY of each
    group's votes agree (first array) or disagree (second); False when there are no groups."""
    seen = tallies.seen.astype(np.float64)
    if seen.shape[0] == 0:
        nothing = np.zeros(seen.shape[1], dtype=bool)
        return nothing, nothing.copy()
    voted = (seen > 0).all(axis=0)
    threshold = COMMON_GROUND_MAJORITY * seen
    every_agrees = np.asarray(voted & (tallies.agree > threshold).all(axis=0), dtype=bool)
    every_disagrees = np.asarray(voted & (tallies.disagree > threshold).all(axis=0), dtype=bool)
    return every_agrees, every_disagrees


def common_ground(
    tallies: VoteTallies,
    group_ids: Sequence[int],
    statement_ids: Sequence[int],
    excluded: Collection[int] = frozenset(),
) -> CommonGround:
    """What every group agrees (or disagrees) with by a clear, significant majority.

    Ranked by group-informed consensus, as the list Polis' report shows, but only within the
    statements every group shares: the product alone ranks a 100 % / 0 % split of two small
    groups above weaker agreement elsewhere. Thresholds: see COMMON_GROUND_MAJORITY.
    """
    if not group_ids:
        return CommonGround()
    na, nd, ns = (t.astype(np.float64) for t in (tallies.agree, tallies.disagree, tallies.seen))
    every_agrees, every_disagrees = shared_majorities(tallies)
    enough = (ns >= COMMON_GROUND_MIN_VOTES).all(axis=0)
    excluded_set = set(excluded)
    allowed = np.array([tid not in excluded_set for tid in statement_ids], dtype=bool)

    def side(
        successes: FloatMatrix, shared: NDArray[np.bool_], direction: Direction
    ) -> tuple[CommonGroundStatement, ...]:
        significant = (proportion_test(successes, ns) > Z_90).all(axis=0)
        eligible = np.flatnonzero(shared & enough & significant & allowed).tolist()
        scores = np.prod((successes + 1) / (ns + 2), axis=0)
        eligible.sort(key=lambda c: -scores[c])  # stable: ties keep statement order
        return tuple(
            CommonGroundStatement(
                statement_id=statement_ids[c],
                direction=direction,
                shares=tuple(
                    GroupShare(
                        group_id=group_id, n_success=int(successes[g, c]), n_trials=int(ns[g, c])
                    )
                    for g, group_id in enumerate(group_ids)
                ),
                score=float(scores[c]),
            )
            for c in eligible[:COMMON_GROUND_LIMIT]
        )

    return CommonGround(
        agree=side(na, every_agrees, "agree"), disagree=side(nd, every_disagrees, "disagree")
    )


def group_informed_consensus(tallies: VoteTallies) -> NDArray[np.float64]:
    """Product over groups of (agrees + 1) / (seen + 2): high only if every group tends to agree."""
    probabilities = (tallies.agree + 1.0) / (tallies.seen + 2.0)
    return np.asarray(np.prod(probabilities, axis=0), dtype=np.float64)


def routing_priorities(
    tallies: VoteTallies, extremity: NDArray[np.float64], is_meta: NDArray[np.bool_]
) -> NDArray[np.float64]:
    """((1 - p_pass) (E + 1) p_agree (1 + 8 * 2^(-S/5)))^2: new, divisive, agreeable first.

    The 2^(-S/5) term lets statements with few votes bubble up; squaring sharpens the bias.
    """
    agree = tallies.agree.sum(axis=0).astype(np.float64)
    seen = tallies.seen.sum(axis=0).astype(np.float64)
    passed = seen - agree - tallies.disagree.sum(axis=0)
    p_pass = (passed + 1) / (seen + 2)
    p_agree = (agree + 1) / (seen + 2)
    importance = (1 - p_pass) * (extremity + 1) * p_agree
    priority = (importance * (1 + 8 * np.power(2.0, -seen / 5))) ** 2
    return np.asarray(np.where(is_meta, META_PRIORITY**2, priority), dtype=np.float64)
