"""red-dwarf (PyPI red-dwarf 0.4.0) as an independent oracle for the per-group statistics.

Its clustering differs (no base clusters), so we hand it our groups and compare the numbers
behind representativeness and group-informed consensus for the same participants.
"""

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from opinion_clustering import analyze
from opinion_clustering.opendata import read_conversation

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # red-dwarf's pydantic models warn when imported
    from reddwarf.utils.stats import calculate_comment_statistics_dataframes

pytestmark = pytest.mark.realdata

FIELDS = {
    "agree": ("na", "pa", "pat", "ra", "rat"),
    "disagree": ("nd", "pd", "pdt", "rd", "rdt"),
}


@pytest.mark.parametrize("name", ["bg2050-volunteers", "vtaiwan.uberx"])
def test_group_statistics_match_reddwarf_for_the_same_groups(shared_data: Path, name: str) -> None:
    conversation = read_conversation(shared_data / "polis" / name)
    matrix = conversation.vote_matrix()
    analysis = analyze(matrix, moderated_out=conversation.moderated_out, meta=conversation.meta)
    clustered = sorted(analysis.groups)
    rows = [matrix.participant_row(p) for p in clustered]
    # red-dwarf takes the export sign (agree +1); our matrix holds Polis' internal sign.
    export_sign = pd.DataFrame(-matrix.values[rows], index=clustered, columns=matrix.statement_ids)
    label_of_group = {group: label for label, group in enumerate(analysis.group_ids)}
    labels = np.array([label_of_group[analysis.groups[p]] for p in clustered])
    stats, consensus = calculate_comment_statistics_dataframes(export_sign, labels)

    for tid, value in analysis.group_informed_consensus.items():
        assert value == pytest.approx(consensus.loc[tid, "group-aware-consensus"], abs=1e-12)

    compared = 0
    for group, statements in analysis.repness.items():
        for statement in statements:
            row = stats.loc[(label_of_group[group], statement.statement_id)]
            n, p, p_test, repness, repness_test = (row[f] for f in FIELDS[statement.repful_for])
            assert statement.n_success == n
            assert statement.n_trials == row["ns"]
            assert statement.p_success == pytest.approx(p, abs=1e-12)
            assert statement.p_test == pytest.approx(p_test, abs=1e-9)
            assert statement.repness == pytest.approx(repness, abs=1e-9)
            assert statement.repness_test == pytest.approx(repness_test, abs=1e-9)
            compared += 1
    assert compared >= 2 * len(analysis.group_ids)
