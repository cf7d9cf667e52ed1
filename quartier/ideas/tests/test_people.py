"""Public profile pages (#11): a person's ideas, teams and roles in a city, only as far as they
chose to show them; off until switched on."""

import pytest
from django.urls import reverse

from quartier.accounts.services import profile_export, profile_update
from quartier.ideas import teams
from quartier.ideas.tests.test_services import submit
from quartier.moderation.services import content_hide


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def person_url(user, city="dortmund"):
    return reverse("person", args=[city, user.pk])


def show(user, **choices):
    profile_update(
        user=user,
        display_name=user.display_name,
        innovator_type=user.innovator_type,
        **{"profile_public": True, **choices},
    )


def test_a_profile_is_off_until_its_owner_switches_it_on(client, dortmund, resident, neighbour):
    assert client.get(person_url(resident)).status_code == 404
    client.force_login(neighbour)
    assert client.get(person_url(resident)).status_code == 404
    client.force_login(resident)
    preview = client.get(person_url(resident)).content.decode()
    assert "Only you see this page" in preview
    show(resident, profile_about="Ich baue gern.")
    client.logout()
    page = client.get(person_url(resident)).content.decode()
    assert "Anna" in page and "Ich baue gern." in page and "anna@example.org" not in page


def test_it_shows_public_ideas_and_teams_only(client, dortmund, resident, neighbour, moderator):
    submit(dortmund, resident, title="Trinkbrunnen")
    hidden = submit(dortmund, resident, title="Verborgen")
    content_hide(target=hidden, moderator=moderator, reason="Regel 2")
    other = submit(dortmund, neighbour, title="Sitzbank")
    asked = teams.join_ask(idea=other, user=resident)
    teams.join_decide(request=asked, actor=neighbour, accept=True)
    teams.member_describe(
        idea=other,
        member_id=other.team.get(user=resident).pk,
        actor=resident,
        contribution="Holzbau",
    )
    show(resident)
    page = client.get(person_url(resident)).content.decode()
    assert "Trinkbrunnen" in page and "Verborgen" not in page
    assert "Sitzbank" in page and "Holzbau" in page


def test_the_owner_chooses_what_shows(client, dortmund, resident):
    submit(dortmund, resident, title="Trinkbrunnen")
    show(resident, profile_shows_ideas=False, profile_shows_teams=False)
    page = client.get(person_url(resident)).content.decode()
    assert "Trinkbrunnen" not in page and "Teams" not in page
    assert profile_export(user=resident)["account"]["public_profile"]["shows_ideas"] is False


def test_the_settings_form_switches_it_on_and_refuses_hidden_text(client, dortmund, resident):
    client.force_login(resident)
    form = {"display_name": "Anna", "innovator_type": "resident", "profile_public": "on"}
    client.post(reverse("profile"), {**form, "profile_about": "Hallo"})
    resident.refresh_from_db()
    assert resident.profile_public and resident.profile_about == "Hallo"
    assert not resident.profile_shows_ideas  # unticked in this form
    answer = client.post(reverse("profile"), {**form, "profile_about": "a\u202eb"})
    assert answer.status_code == 200
    resident.refresh_from_db()
    assert resident.profile_about == "Hallo"


def test_names_link_to_public_profiles_only(client, dortmund, resident, neighbour):
    idea = submit(dortmund, resident)
    asked = teams.join_ask(idea=idea, user=neighbour)
    teams.join_decide(request=asked, actor=resident, accept=True)
    show(resident)
    page = client.get(reverse("idea_team", args=["dortmund", idea.pk])).content.decode()
    assert f'href="{person_url(resident)}"' in page
    assert f'href="{person_url(neighbour)}"' not in page


def test_an_unknown_or_inactive_person_has_no_page(client, dortmund, resident):
    show(resident)
    resident.is_active = False
    resident.save(update_fields=["is_active"])
    assert client.get(person_url(resident)).status_code == 404
    assert client.get(reverse("person", args=["dortmund", 999999])).status_code == 404
