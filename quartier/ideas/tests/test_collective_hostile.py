"""Hostile input on the pages of collective innovation (#11): whatever is posted or asked for,
the answer is a page or a redirect with a message, never a server error, and nothing changes
that should not."""

import pytest

from quartier.conftest import make_user
from quartier.ideas import teams
from quartier.ideas.models import Idea, JoinRequest, OpenRole, TeamMember
from quartier.ideas.tests.test_services import submit
from quartier.labs import services as labs
from quartier.labs.tests.lab_helpers import lab_plan

GARBAGE = [
    "",
    "x" * 20_000,
    "\x00",
    "‮evil",
    "-1",
    "0",
    "99999999999999999999",
    "1.5",
    "<script>alert(1)</script>",
    "null",
    "[]",
]


@pytest.fixture
def world(dortmund, resident, neighbour):
    idea = submit(dortmund, resident)
    teams.join_decide(
        request=teams.join_ask(idea=idea, user=neighbour), actor=resident, accept=True
    )
    labs.lab_test_plan(idea=Idea.objects.get(pk=idea.pk), actor=resident, plan=lab_plan())
    return Idea.objects.get(pk=idea.pk)


def posts(idea):
    base = f"/dortmund/ideas/{idea.pk}/"
    return [
        (base + "team/roles/", ["title", "skills", "description"]),
        (base + "team/roles/1/close/", []),
        (base + "team/join/", ["role", "message"]),
        (base + "team/join/withdraw/", []),
        (base + "team/requests/1/", ["decision"]),
        (base + "team/members/1/", ["action", "contribution"]),
        (base + "team/me/", ["action"]),
        (base + "stage/", ["to", "reason"]),
        (
            base + "tests/new/",
            [
                "hypothesis",
                "measures",
                "place_name",
                "lat",
                "lon",
                "starts_on",
                "ends_on",
                "testers_wanted",
                "questions",
            ],
        ),
        (base + "tests/1/signup/", ["action"]),
        (base + "tests/1/feedback/", ["comment", "q1", "q999"]),
        (base + "tests/1/results/", ["results"]),
        ("/dortmund/ideas/rules/", ["discussion_team_size", "discussion_supports"]),
        ("/dortmund/follow/", ["topic", "action", "next"]),
        ("/notifications/settings/", ["email_mode", "digest_hour", "wanted"]),
    ]


@pytest.mark.parametrize("who", ["resident", "neighbour", "stranger", "admin"])
def test_no_garbage_reaches_a_server_error(client, world, resident, neighbour, city_admin, who):
    client.raise_request_exception = True
    users = {
        "resident": resident,
        "neighbour": neighbour,
        "stranger": make_user("s@example.org"),
        "admin": city_admin,
    }
    client.force_login(users[who])
    members = TeamMember.objects.count()
    for path, fields in posts(world):
        for value in GARBAGE:
            answer = client.post(path, dict.fromkeys(fields, value))
            assert answer.status_code < 500, (path, value, answer.status_code)
    for path in (
        f"/dortmund/ideas/{world.pk}/tests/0/",
        f"/dortmund/ideas/{world.pk}/tests/99999999999/",
        "/dortmund/people/0/",
        "/notifications/?page=-1",
        "/notifications/?page=abc",
        "/notifications/unsubscribe/%00/",
        "/notifications/unsubscribe/" + "a" * 3000 + "/",
        f"/dortmund/ideas/{world.pk}/stage/?x=\x00",
    ):
        assert client.get(path).status_code < 500, path
    # Garbage made nobody a member and no role or request from nothing.
    assert TeamMember.objects.count() <= members
    # Empty, too long, hidden, reversing: refused (compared here, not in SQL: PostgreSQL
    # refuses a NUL even in a query's parameter).
    refused = {"", "x" * 20_000, "\x00", "\u202eevil"}
    assert not refused & set(OpenRole.objects.values_list("title", flat=True))
    assert not (refused - {""}) & set(JoinRequest.objects.values_list("message", flat=True))
