"""Polis-style opinion clustering: vote matrix, PCA, opinion groups, consensus, repness.

Reproduces the math of compdemocracy/polis (math/src/polismath/math, Clojure) in numpy:

    matrix = VoteMatrix.from_events(events)       # VoteEvent(participant, statement, +1/-1/0, ms)
    analysis = analyze(matrix, moderated_out=..., meta=..., state=stored_state)
    stored_state = analysis.state                 # ClusteringState; .to_json() / .from_json()

Given the same matrix, state and options the result is the same. The state carries what Polis
keeps between updates: who is in the conversation, the last principal axes, base clusters and
group clusterings (warm starts), and the k-smoother. Deliberate differences from Polis: the
principal axes are computed exactly instead of by 100 warm-started power iterations; rows are
taken in participant-id order; a k whose k-means lost a cluster does not compete for k; a
group's best-agree statement is always reported as an agree, and is one the group agrees with
more than the rest; a statement with the same clear majority in every group is common ground
(`Analysis.common_ground`), never a group's distinguishing statement.
Command line: `quartier-opinion`.
"""

from opinion_clustering.clustering import Cluster
from opinion_clustering.conversation import (
    Analysis,
    ClusteringOptions,
    ClusteringState,
    KSmoother,
    analyze,
)
from opinion_clustering.statistics import (
    CommonGround,
    CommonGroundStatement,
    Consensus,
    ConsensusStatement,
    GroupShare,
    RepresentativeStatement,
    VoteTallies,
)
from opinion_clustering.votes import VoteEvent, VoteMatrix

__all__ = [
    "Analysis",
    "Cluster",
    "ClusteringOptions",
    "ClusteringState",
    "CommonGround",
    "CommonGroundStatement",
    "Consensus",
    "ConsensusStatement",
    "GroupShare",
    "KSmoother",
    "RepresentativeStatement",
    "VoteEvent",
    "VoteMatrix",
    "VoteTallies",
    "analyze",
]
