"""The results page and the export tell the truth about a map: common ground is shared by every
group, a group is described by what sets it apart, the export carries the page's analysis, and
nothing that is not published shows up."""

import io
import re
import zipfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest
from django.urls import reverse

from opinion_clustering import analyze
from opinion_clustering.opendata import read_conversation
from opinion_clustering.statistics import COMMON_GROUND_MAJORITY
from quartier.conftest import make_user
from quartier.deliberation import services
from quartier.deliberation.models import Conversation, Statement, Vote
from quartier.deliberation.results import analysis_to_results

SPLIT = "Bäume sind wichtiger als Parkplätze."
SHARED_AGREE = "Kinder brauchen sichere Spielflächen."
SHARED_DISAGREE = "Das Geld ist anderswo besser angelegt."


def open_map(city, creator, seeds) -> Conversation:
    return services.conversation_open(
        city=city, creator=creator, question="Was wird aus dem Borsigplatz?", seed_statements=seeds
    )


def vote_rows(conversation: Conversation, rows: Sequence[Sequence[int | None]]) -> list[Statement]:
    """One participant per row, one choice per statement in id order (None: not voted)."""
    statements = list(conversation.statements.order_by("id"))
    for number, row in enumerate(rows):
        participant = services.participant_join(
            conversation=conversation, user=make_user(f"voter{number}@example.org")
        )
        Vote.objects.bulk_create(
            Vote(participant=participant, statement=statement, choice=choice)
            for statement, choice in zip(statements, row, strict=True)
            if choice is not None
        )
    return statements


def recompute(conversation: Conversation) -> dict:
    assert services.conversation_recompute(conversation_id=conversation.pk)
    conversation.refresh_from_db()
    assert conversation.results is not None
    return conversation.results


def results_page(client, conversation: Conversation) -> str:
    client.cookies["django_language"] = "en"
    response = client.get(reverse("conversation_results", args=["dortmund", conversation.pk]))
    assert response.status_code == 200
    return response.content.decode()


def section(body: str, heading_id: str, next_heading_id: str) -> str:
    start = body.index(f'id="{heading_id}"')
    return body[start : body.index(f'id="{next_heading_id}"', start)]


def first_distinguishing(body: str, label: str) -> str:
    """The text of the first statement listed under group `label`."""
    start = body.index(f'id="group-{label}"')
    item = re.search(r"<li>(.*?)<br>", body[start:], re.S)
    assert item, f"group {label} lists no statement"
    return item.group(1).strip()


@pytest.fixture
def two_camps(dortmund, moderator) -> Conversation:
    """Two groups of four: they split on the trees and share the other two opinions."""
    conversation = open_map(dortmund, moderator, [SHARED_AGREE, SPLIT, SHARED_DISAGREE])
    camp_a = [1, 1, -1]  # children yes, trees yes, money elsewhere no
    camp_b = [1, -1, -1]  # children yes, trees no, money elsewhere no
    vote_rows(conversation, [camp_a] * 4 + [camp_b] * 4)
    return conversation


def test_a_split_statement_is_not_common_ground(client, two_camps):
    results = recompute(two_camps)
    assert sorted(group["size"] for group in results["groups"]) == [4, 4]
    body = results_page(client, two_camps)
    common = section(body, "consensus-heading", "groups-heading")
    assert SPLIT not in common
    assert SHARED_AGREE in common and SHARED_DISAGREE in common
    # Each group's share is shown beside the common ground.
    assert common.count("Group A: 100 % agree") == 1
    assert common.count("Group B: 100 % disagree") == 1


def test_common_ground_does_not_lead_what_distinguishes_a_group(client, two_camps):
    recompute(two_camps)
    body = results_page(client, two_camps)
    assert first_distinguishing(body, "A") == SPLIT
    assert first_distinguishing(body, "B") == SPLIT
    groups = section(body, "groups-heading", "counts-heading")
    assert SHARED_AGREE not in groups and SHARED_DISAGREE not in groups


def test_without_common_ground_the_page_says_so(client, dortmund, moderator):
    conversation = open_map(dortmund, moderator, [SPLIT, SHARED_AGREE, SHARED_DISAGREE])
    # The camps disagree on everything: nothing is common ground.
    vote_rows(conversation, [[1, 1, 1]] * 4 + [[-1, -1, -1]] * 4)
    results = recompute(conversation)
    assert results["k"] == 2
    assert results["common_ground"] == {"agree": [], "disagree": []}
    common = section(results_page(client, conversation), "consensus-heading", "groups-heading")
    assert "No statement has a clear majority in every group yet" in common
    assert "<li>" not in common
    assert not any(text in common for text in (SPLIT, SHARED_AGREE, SHARED_DISAGREE))


def test_a_thin_majority_or_too_few_votes_in_one_group_is_not_common_ground(dortmund, moderator):
    conversation = open_map(dortmund, moderator, ["s1", "s2", "s3", "s4"])
    # s1: group B only 2 of 4 agree (50 %); s2: group B only two votes; s3, s4 set them apart.
    camp_a = [[1, 1, 1, -1]] * 4
    camp_b = [[1, 1, -1, 1], [1, 1, -1, 1], [-1, None, -1, 1], [0, None, -1, 1]]
    statements = vote_rows(conversation, camp_a + camp_b)
    results = recompute(conversation)
    assert results["k"] == 2
    listed = {item["statement"] for item in results["common_ground"]["agree"]}
    assert statements[0].pk not in listed and statements[1].pk not in listed


def test_export_carries_the_analysis_of_the_results_page(client, dortmund, moderator, tmp_path):
    conversation = open_map(dortmund, moderator, [f"Aussage {n}" for n in range(8)])
    camp_a = [1, -1, 1, -1, 1, -1, 1, 1]
    camp_b = [-1, 1, -1, 1, -1, 1, -1, 1]
    # 17 people vote on everything; one more votes once, too few to be placed in a group.
    vote_rows(conversation, [camp_a] * 9 + [camp_b] * 8 + [[1, None, None, None] + [None] * 4])
    results = recompute(conversation)
    response = client.get(reverse("conversation_export", args=["dortmund", conversation.pk]))
    zipfile.ZipFile(io.BytesIO(response.content)).extractall(tmp_path)
    exported = read_conversation(Path(tmp_path))

    group_of = {p.id: p.group_id for p in exported.participants if p.group_id is not None}
    assert group_of == {int(pid): gid for pid, gid in results["membership"].items()}
    sizes = Counter(group_of.values())
    assert sorted(sizes.values()) == sorted(group["size"] for group in results["groups"]) == [8, 9]
    assert {group["id"]: group["size"] for group in results["groups"]} == dict(sizes)
    assert exported.summary["groups"] == str(results["k"]) == "2"
    assert exported.summary["voters"] == "18"
    assert exported.summary["voters-in-conv"] == str(results["in_conversation"]) == "17"
    assert exported.summary["computed-at"] == conversation.computed_at.isoformat()
    assert exported.summary["votes-in-analysis"] == str(results["votes"]) == "137"
    gic = {
        s.id: s.group_informed_consensus
        for s in exported.statements
        if s.group_informed_consensus is not None
    }
    assert gic == {int(sid): value for sid, value in results["group_informed_consensus"].items()}
    assert len(gic) == 8


def test_export_before_any_analysis_says_nothing_was_computed(client, two_camps, tmp_path):
    response = client.get(reverse("conversation_export", args=["dortmund", two_camps.pk]))
    zipfile.ZipFile(io.BytesIO(response.content)).extractall(tmp_path)
    exported = read_conversation(Path(tmp_path))
    assert exported.summary["groups"] == "0" and exported.summary["computed-at"] == ""
    assert all(p.group_id is None for p in exported.participants)


def test_a_statement_set_back_to_pending_leaves_the_results(client, dortmund, moderator):
    conversation = open_map(dortmund, moderator, [f"Aussage {n}" for n in range(6)])
    author = services.participant_join(
        conversation=conversation, user=make_user("author@example.org")
    )
    secret = "Der Platz gehört den Tauben."
    statement = services.statement_submit(participant=author, text=secret)
    services.statement_moderate(statement=statement, moderator=moderator, status="accepted")
    # The camps split on two seeds and on the new statement: it represents both groups.
    camp_a = [1, -1, 1, 1, -1, 1, 1]
    camp_b = [-1, 1, 1, 1, -1, 1, -1]
    vote_rows(conversation, [camp_a] * 5 + [camp_b] * 5)
    before = recompute(conversation)
    represented = {item["statement"] for g in before["groups"] for item in g["representative"]}
    assert statement.pk in represented
    assert secret in results_page(client, conversation)

    services.statement_moderate(statement=statement, moderator=moderator, status="pending")
    after = recompute(conversation)
    represented = {item["statement"] for g in after["groups"] for item in g["representative"]}
    shared = {
        item["statement"] for d in ("agree", "disagree") for item in after["common_ground"][d]
    }
    assert statement.pk not in represented | shared
    assert statement.pk not in {item["statement"] for item in after["consensus"]["agree"]}
    assert secret not in results_page(client, conversation)


@pytest.mark.realdata
@pytest.mark.parametrize(
    "name",
    [
        "bg2050-volunteers",
        "london.youth.policing",
        "scoop-hivemind.freshwater",
        "scoop-hivemind.ubi",
        "vtaiwan.uberx",
    ],
)
def test_real_conversations_common_ground_and_distinguishing_lists(shared_data, name):
    """What the results page is built from, on Polis' own conversations."""
    conversation = read_conversation(shared_data / "polis" / name)
    analysis = analyze(
        conversation.vote_matrix(), moderated_out=conversation.moderated_out, meta=conversation.meta
    )
    results = analysis_to_results(analysis, list(conversation.votes))
    labels = {group["label"] for group in results["groups"]}
    assert len(labels) == analysis.k
    for direction in ("agree", "disagree"):
        for item in results["common_ground"][direction]:
            assert {share["label"] for share in item["groups"]} == labels
            for share in item["groups"]:
                assert share[direction] > COMMON_GROUND_MAJORITY * share["seen"]
    # Shares of every group on every statement, to tell what all groups agree on.
    column_of = {sid: column for column, sid in enumerate(analysis.statement_ids)}
    tallies = analysis.group_tallies

    def all_groups_share(sid: int) -> bool:
        column = column_of[sid]
        seen = tallies.seen[:, column]
        return bool(
            (seen > 0).all()
            and (
                (tallies.agree[:, column] > COMMON_GROUND_MAJORITY * seen).all()
                or (tallies.disagree[:, column] > COMMON_GROUND_MAJORITY * seen).all()
            )
        )

    for group in results["groups"]:
        assert group["representative"], f"group {group['label']} has nothing that sets it apart"
        assert not all_groups_share(group["representative"][0]["statement"])


def test_results_stored_before_common_ground_existed_wait_for_the_next_run(client, two_camps):
    results = recompute(two_camps)
    del results["common_ground"]  # as stored by an earlier version, ranked by consensus alone
    Conversation.objects.filter(pk=two_camps.pk).update(results=results)
    common = section(results_page(client, two_camps), "consensus-heading", "groups-heading")
    assert "Common ground is shown after the next update of the results." in common
    assert SPLIT not in common and "<li>" not in common
