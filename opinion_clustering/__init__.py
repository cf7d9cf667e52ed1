"""Polis-style opinion clustering: vote matrix, PCA, opinion groups, consensus, repness."""

from opinion_clustering.clustering import Cluster
from opinion_clustering.conversation import (
    Analysis,
    ClusteringOptions,
    ClusteringState,
    KSmoother,
    analyze,
)
from opinion_clustering.statistics import (
    Consensus,
    ConsensusStatement,
    RepresentativeStatement,
    VoteTallies,
)
from opinion_clustering.votes import VoteEvent, VoteMatrix

__all__ = [
    "Analysis",
    "Cluster",
    "ClusteringOptions",
    "ClusteringState",
    "Consensus",
    "ConsensusStatement",
    "KSmoother",
    "RepresentativeStatement",
    "VoteEvent",
    "VoteMatrix",
    "VoteTallies",
    "analyze",
]
