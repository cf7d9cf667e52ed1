"""Joining an idea's team (#11): open roles, requests, leads, leaving, co-editing, merging."""

import pytest
from django.db import connection
from django.urls import reverse

from quartier.accounts.services import account_erase, profile_export
from quartier.conftest import make_user
from quartier.core.errors import PermissionDenied
from quartier.ideas import services, teams
from quartier.ideas.models import Idea, JoinRequest, JoinStatus, OpenRole, TeamMember
from quartier.ideas.permissions import (
    can_edit_idea,
    can_lead_team,
    can_restore_revision,
    can_withdraw_idea,
)
from quartier.ideas.teams import TeamError
from quartier.ideas.tests.test_services import submit


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def idea(dortmund, resident):
    return submit(dortmund, resident)


def fresh(idea):
    """The idea as a new request sees it (its team is kept per request)."""
    return type(idea).objects.get(pk=idea.pk)


def joined(idea, lead, user, role=None):
    asked = teams.join_ask(idea=idea, user=user, role=role, message="Ich kann helfen.")
    teams.join_decide(request=asked, actor=lead, accept=True)
    return TeamMember.objects.get(idea=idea, user=user)


# --- The team's life ------------------------------------------------------------------------


def test_the_initiator_leads_the_team_of_a_new_idea(idea, resident):
    (member,) = TeamMember.objects.filter(idea=idea)
    assert member.user == resident and member.is_lead


def test_a_paper_card_has_no_team_and_the_moderators_lead_it(dortmund, moderator, neighbour):
    card = submit(dortmund, moderator, source="analog", analog_author_name="Frau K.")
    assert not TeamMember.objects.filter(idea=card).exists()
    assert can_lead_team(user=moderator, idea=card)
    asked = teams.join_ask(idea=card, user=neighbour)
    teams.join_decide(request=asked, actor=moderator, accept=True)
    teams.member_make_lead(
        idea=card, member_id=TeamMember.objects.get(user=neighbour).pk, actor=moderator
    )
    # Once a member leads, the moderators no longer decide for the team.
    assert not can_lead_team(user=moderator, idea=fresh(card))
    assert can_lead_team(user=neighbour, idea=fresh(card))


def test_asking_for_an_open_role_and_being_accepted_makes_a_co_editor(idea, resident, neighbour):
    role = teams.open_role_publish(
        idea=idea, actor=resident, title="Grafik", skills="Illustrator, Plakate"
    )
    assert not can_edit_idea(user=neighbour, idea=fresh(idea))
    member = joined(idea, resident, neighbour, role=role)
    assert member.contribution == "Grafik" and not member.is_lead
    idea = fresh(idea)
    assert can_edit_idea(user=neighbour, idea=idea)
    # Members co-edit; restoring a version and withdrawing stay with the leads.
    assert not can_restore_revision(user=neighbour, idea=idea)
    assert not can_withdraw_idea(user=neighbour, idea=idea)
    services.idea_update(
        idea=idea,
        title="Trinkbrunnen mit Plakat",
        summary=idea.summary,
        description=idea.description,
        kind=idea.kind,
        lat=idea.lat,
        lon=idea.lon,
        editor=neighbour,
        based_on=1,
    )
    assert fresh(idea).title == "Trinkbrunnen mit Plakat"


def test_a_declined_person_is_not_in_the_team_and_may_ask_again(idea, resident, neighbour):
    asked = teams.join_ask(idea=idea, user=neighbour)
    teams.join_decide(request=asked, actor=resident, accept=False)
    assert not TeamMember.objects.filter(idea=idea, user=neighbour).exists()
    assert JoinRequest.objects.get(pk=asked.pk).status == JoinStatus.DECLINED
    again = teams.join_ask(idea=idea, user=neighbour, message="Neuer Anlauf")
    assert again.status == JoinStatus.PENDING


def test_one_request_at_a_time_and_only_leads_answer(idea, resident, neighbour):
    asked = teams.join_ask(idea=idea, user=neighbour)
    with pytest.raises(TeamError):
        teams.join_ask(idea=idea, user=neighbour)
    stranger = make_user("c@example.org")
    with pytest.raises(PermissionDenied):
        teams.join_decide(request=asked, actor=stranger, accept=True)
    with pytest.raises(PermissionDenied):
        teams.join_decide(request=asked, actor=neighbour, accept=True)  # not themselves
    teams.join_decide(request=asked, actor=resident, accept=True)
    with pytest.raises(TeamError):  # answered once
        teams.join_decide(request=asked, actor=resident, accept=False)
    assert TeamMember.objects.filter(idea=idea, user=neighbour).count() == 1


def test_members_do_not_ask_and_unverified_people_cannot(idea, resident, unverified):
    with pytest.raises(PermissionDenied):
        teams.join_ask(idea=idea, user=resident)
    with pytest.raises(PermissionDenied):
        teams.join_ask(idea=idea, user=unverified)


def test_a_closed_role_takes_no_requests_and_roles_are_lead_business(idea, resident, neighbour):
    with pytest.raises(PermissionDenied):
        teams.open_role_publish(idea=idea, actor=neighbour, title="Recht")
    role = teams.open_role_publish(idea=idea, actor=resident, title="Rechtliches")
    teams.open_role_close(role=role, actor=resident)
    with pytest.raises(TeamError):
        teams.join_ask(idea=idea, user=neighbour, role=OpenRole.objects.get(pk=role.pk))


def test_a_team_looks_for_a_bounded_number_of_roles(idea, resident):
    for number in range(teams.OPEN_ROLES_MAX):
        teams.open_role_publish(idea=idea, actor=resident, title=f"Rolle {number}")
    with pytest.raises(TeamError):
        teams.open_role_publish(idea=idea, actor=resident, title="Eine zu viel")


def test_a_person_has_a_bounded_number_of_requests_waiting(dortmund, resident, neighbour):
    ideas = [submit(dortmund, resident, title=f"Idee {n}") for n in range(3)]
    original, teams.PENDING_REQUESTS_MAX = teams.PENDING_REQUESTS_MAX, 2
    try:
        teams.join_ask(idea=ideas[0], user=neighbour)
        teams.join_ask(idea=ideas[1], user=neighbour)
        with pytest.raises(TeamError):
            teams.join_ask(idea=ideas[2], user=neighbour)
    finally:
        teams.PENDING_REQUESTS_MAX = original


def test_the_last_lead_cannot_leave_without_handing_over(idea, resident, neighbour):
    member = joined(idea, resident, neighbour)
    with pytest.raises(TeamError, match="last lead"):
        teams.member_leave(idea=idea, user=resident)
    with pytest.raises(TeamError, match="last lead"):
        teams.member_step_down(idea=idea, user=resident)
    teams.member_make_lead(idea=idea, member_id=member.pk, actor=resident)
    teams.member_leave(idea=idea, user=resident)
    (left,) = TeamMember.objects.filter(idea=idea)
    assert left.user == neighbour and left.is_lead


def test_a_lead_alone_may_leave_and_the_idea_goes_on(idea, resident, moderator):
    teams.member_leave(idea=idea, user=resident)
    assert not TeamMember.objects.filter(idea=idea).exists()
    assert not can_edit_idea(user=resident, idea=fresh(idea))
    assert can_lead_team(user=moderator, idea=fresh(idea))


def test_a_lead_removes_members_but_not_other_leads(idea, resident, neighbour):
    member = joined(idea, resident, neighbour)
    with pytest.raises(PermissionDenied):
        teams.member_remove(
            idea=idea, member_id=TeamMember.objects.get(user=resident).pk, actor=neighbour
        )
    teams.member_remove(idea=idea, member_id=member.pk, actor=resident)
    assert not TeamMember.objects.filter(idea=idea, user=neighbour).exists()
    other = joined(idea, resident, neighbour)
    teams.member_make_lead(idea=idea, member_id=other.pk, actor=resident)
    with pytest.raises(TeamError):
        teams.member_remove(idea=idea, member_id=other.pk, actor=resident)


def test_a_member_describes_their_own_role_and_a_lead_anyones(idea, resident, neighbour):
    member = joined(idea, resident, neighbour)
    teams.member_describe(idea=idea, member_id=member.pk, actor=neighbour, contribution="3D-Druck")
    assert TeamMember.objects.get(pk=member.pk).contribution == "3D-Druck"
    lead = TeamMember.objects.get(user=resident)
    with pytest.raises(PermissionDenied):
        teams.member_describe(idea=idea, member_id=lead.pk, actor=neighbour, contribution="Chef")
    teams.member_describe(idea=idea, member_id=member.pk, actor=resident, contribution="Druck")
    assert TeamMember.objects.get(pk=member.pk).contribution == "Druck"


def test_a_withdrawn_idea_takes_no_new_members(idea, resident, neighbour):
    services.idea_withdraw(idea=idea, user=resident, reason="Erledigt")
    with pytest.raises(PermissionDenied):
        teams.join_ask(idea=fresh(idea), user=neighbour)


# --- Merging and personal data ----------------------------------------------------------------


def test_a_merge_brings_the_team_along_without_doubles(dortmund, resident, neighbour, moderator):
    target = submit(dortmund, resident, title="Brunnen")
    source = submit(dortmund, neighbour, title="Wasserspender")
    third = make_user("c@example.org", name="C")
    joined(source, neighbour, resident)  # in both teams
    teams.join_ask(idea=source, user=third, message="Ich auch")
    teams.open_role_publish(idea=source, actor=neighbour, title="Grafik")
    services.idea_merge(source=source, target=target, moderator=moderator, reason="Dasselbe")
    team = {m.user: m.is_lead for m in TeamMember.objects.filter(idea=target)}
    # The target's lead leads on; the duplicate's lead joins as a member.
    assert team == {resident: True, neighbour: False}
    assert not TeamMember.objects.filter(idea=source).exists()
    assert JoinRequest.objects.get(user=third).idea_id == target.pk
    assert OpenRole.objects.get(title="Grafik", idea__is_example=False).idea_id == target.pk
    # Who followed the duplicate (its initiator) follows the idea that goes on, once.
    from quartier.notifications.models import Follow

    assert Follow.objects.filter(topic=f"idea:{target.pk}", user=neighbour).count() == 1
    assert not Follow.objects.filter(topic=f"idea:{source.pk}").exists()


def test_team_data_is_exported_and_erased(idea, resident, neighbour):
    joined(
        idea,
        resident,
        neighbour,
        role=teams.open_role_publish(idea=idea, actor=resident, title="Grafik"),
    )
    exported = profile_export(user=neighbour)["teams"]
    assert exported["memberships"][0]["role"] == "Grafik"
    assert exported["requests_to_join"][0]["message"] == "Ich kann helfen."
    team_id = TeamMember.objects.get(user=neighbour).pk
    account_erase(user=neighbour)
    assert not TeamMember.objects.filter(pk=team_id).exists()
    assert not JoinRequest.objects.filter(idea=idea).exists()
    assert TeamMember.objects.filter(idea=idea, user=resident, is_lead=True).exists()


# --- Pages ------------------------------------------------------------------------------------


def team_url(idea, name="idea_team", *args):
    return reverse(name, args=[idea.city.slug, idea.pk, *args])


def test_the_team_page_for_a_visitor_a_member_and_a_lead(client, idea, resident, neighbour):
    teams.open_role_publish(idea=idea, actor=resident, title="Grafik", skills="Plakate")
    page = client.get(team_url(idea)).content.decode()
    assert "Grafik" in page and "Plakate" in page and "Sign in to join the team" in page
    client.force_login(neighbour)
    page = client.get(team_url(idea)).content.decode()
    assert "Ask to join as Grafik" in page and "Requests to join" not in page
    answer = client.post(team_url(idea, "team_join"), {"message": "Gern!"})
    assert answer.status_code == 302
    page = client.get(team_url(idea)).content.decode()
    assert "the team&#x27;s leads will answer" in page or "the team's leads will answer" in page
    client.force_login(resident)
    page = client.get(team_url(idea)).content.decode()
    assert "Requests to join" in page and "Gern!" in page and "Accept Bo" in page
    asked = JoinRequest.objects.get(user=neighbour)
    client.post(team_url(idea, "team_request_decide", asked.pk), {"decision": "accept"})
    assert TeamMember.objects.filter(idea=idea, user=neighbour).exists()
    detail = client.get(reverse("idea_detail", args=[idea.city.slug, idea.pk])).content.decode()
    assert "Bo" in detail and "Team" in detail


def test_a_refusal_comes_back_as_a_message_and_changes_nothing(client, idea, resident, neighbour):
    client.force_login(neighbour)
    answer = client.post(team_url(idea, "team_role_add"), {"title": "Grafik"}, follow=True)
    assert "Only the team&#x27;s leads" in answer.content.decode()
    assert not OpenRole.objects.filter(idea=idea).exists()
    answer = client.post(
        team_url(idea, "team_member", TeamMember.objects.get(user=resident).pk),
        {"action": "remove"},
        follow=True,
    )
    assert TeamMember.objects.filter(user=resident).exists()
    bad = client.post(team_url(idea, "team_join"), {"role": "x"}, follow=True)
    assert bad.status_code == 200 and not JoinRequest.objects.exists()


def test_the_last_lead_is_told_to_hand_over(client, idea, resident, neighbour):
    joined(idea, resident, neighbour)
    client.force_login(resident)
    answer = client.post(team_url(idea, "team_self"), {"action": "leave"}, follow=True)
    assert "make another member a lead" in answer.content.decode()
    assert TeamMember.objects.filter(user=resident, is_lead=True).exists()


def test_a_hidden_idea_has_no_team_page(client, idea, moderator):
    from quartier.moderation.services import content_hide

    content_hide(target=idea, moderator=moderator, reason="Regel 2")
    assert client.get(team_url(idea)).status_code == 410


# --- Races (PostgreSQL: two connections) -----------------------------------------------------


def race(count, work):
    """Run ``work`` in ``count`` threads released together; their outcomes."""
    import threading

    start, outcomes = threading.Barrier(count), []

    def run(number):
        try:
            start.wait()
            outcomes.append(work(number))
        except (TeamError, PermissionDenied) as error:
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two connections racing need a server database (make test's PostgreSQL pass)",
)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_leads_answering_one_request_at_once_make_one_member(dortmund, resident, neighbour):
    idea = submit(dortmund, resident)
    co_lead = joined(idea, resident, make_user("c@example.org"))
    teams.member_make_lead(idea=idea, member_id=co_lead.pk, actor=resident)
    asked = teams.join_ask(idea=idea, user=neighbour)
    leads = [resident, co_lead.user]

    def answer(number):
        request = JoinRequest.objects.get(pk=asked.pk)
        teams.join_decide(request=request, actor=leads[number % 2], accept=number % 2 == 0)
        return "answered"

    assert race(6, answer) == ["TeamError"] * 5 + ["answered"]
    status = JoinRequest.objects.get(pk=asked.pk).status
    members = TeamMember.objects.filter(idea=idea, user=neighbour).count()
    assert (status, members) in {(JoinStatus.ACCEPTED, 1), (JoinStatus.DECLINED, 0)}


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_last_leads_leaving_at_once_leave_one_lead(dortmund, resident, neighbour):
    idea = submit(dortmund, resident)
    other = joined(idea, resident, neighbour)
    teams.member_make_lead(idea=idea, member_id=other.pk, actor=resident)
    joined(idea, resident, make_user("c@example.org"))
    leads = [resident, neighbour]

    def leave(number):
        teams.member_leave(idea=Idea.objects.get(pk=idea.pk), user=leads[number])
        return "left"

    assert race(2, leave) == ["TeamError", "left"]
    assert TeamMember.objects.filter(idea=idea, is_lead=True).count() == 1
