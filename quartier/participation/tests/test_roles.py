import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command

from quartier.accounts.models import User
from quartier.conftest import make_user
from quartier.core.errors import PermissionDenied
from quartier.participation.errors import RoleError
from quartier.participation.models import AuditEntry, CityRole
from quartier.participation.permissions import (
    can_administer_city,
    can_evaluate,
    can_manage_roles,
    can_moderate,
    can_view_audit_log,
    city_roles,
    is_system_admin,
)
from quartier.participation.services import role_grant, role_grant_by_system, role_revoke

Role = CityRole.Role


def last_entry() -> AuditEntry:
    return AuditEntry.objects.latest("id")


# --- the services ----------------------------------------------------------------------------


def test_a_city_admin_grants_and_revokes_a_role(dortmund, city_admin, resident):
    assert not can_moderate(user=resident, city=dortmund)
    city_role = role_grant(city=dortmund, user=resident, role=Role.MODERATOR, granted_by=city_admin)
    assert city_role.granted_by == city_admin
    # The same object sees its new role at once (the per-request cache is dropped).
    assert can_moderate(user=resident, city=dortmund)
    assert not can_administer_city(user=resident, city=dortmund)
    role_revoke(city_role=city_role, revoked_by=city_admin)
    assert not CityRole.objects.filter(user=resident).exists()
    assert not can_moderate(user=resident, city=dortmund)


def test_a_system_admin_grants_and_revokes_in_any_city(
    dortmund, bochum, city_admin, system_admin, resident
):
    for city in (dortmund, bochum):
        city_role = role_grant(city=city, user=resident, role=Role.ADMIN, granted_by=system_admin)
        assert can_administer_city(user=resident, city=city)
    role_revoke(
        city_role=CityRole.objects.get(city=dortmund, user=resident), revoked_by=system_admin
    )
    assert city_roles(user=resident, city=dortmund) == frozenset()
    assert city_roles(user=resident, city=bochum) == {"admin"}
    assert city_role.city == bochum


@pytest.fixture
def outsiders(dortmund, moderator, resident, bochum_admin):
    evaluator = make_user("jury@example.org", city=dortmund, role=Role.EVALUATOR)
    return {
        "moderator": moderator,
        "evaluator": evaluator,
        "resident": resident,
        "bochum_admin": bochum_admin,
        "anonymous": AnonymousUser(),
    }


@pytest.mark.parametrize("who", ["moderator", "evaluator", "resident", "bochum_admin", "anonymous"])
def test_only_the_citys_admins_grant_roles(dortmund, outsiders, neighbour, who):
    log_size = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        role_grant(city=dortmund, user=neighbour, role=Role.MODERATOR, granted_by=outsiders[who])
    assert not CityRole.objects.filter(user=neighbour).exists()
    assert AuditEntry.objects.count() == log_size


@pytest.mark.parametrize("who", ["moderator", "evaluator", "resident", "bochum_admin", "anonymous"])
def test_only_the_citys_admins_revoke_roles(dortmund, outsiders, city_admin, who):
    city_role = CityRole.objects.get(user=outsiders["moderator"], city=dortmund)
    with pytest.raises(PermissionDenied):
        role_revoke(city_role=city_role, revoked_by=outsiders[who])
    assert CityRole.objects.filter(pk=city_role.pk).exists()


def test_granting_a_role_twice_is_refused(dortmund, city_admin, moderator):
    with pytest.raises(RoleError, match="already has this role"):
        role_grant(city=dortmund, user=moderator, role=Role.MODERATOR, granted_by=city_admin)
    assert CityRole.objects.filter(user=moderator).count() == 1
    # Another role for the same person is fine.
    role_grant(city=dortmund, user=moderator, role=Role.EVALUATOR, granted_by=city_admin)
    assert city_roles(user=moderator, city=dortmund) == {"moderator", "evaluator"}


def test_an_unknown_role_and_a_deactivated_account_are_refused(dortmund, city_admin, resident):
    with pytest.raises(RoleError, match="Unknown role"):
        role_grant(city=dortmund, user=resident, role="mayor", granted_by=city_admin)
    resident.is_active = False
    resident.save(update_fields=["is_active"])
    with pytest.raises(RoleError, match="deactivated"):
        role_grant(city=dortmund, user=resident, role=Role.MODERATOR, granted_by=city_admin)
    with pytest.raises(RoleError, match="deactivated"):
        role_grant_by_system(city=dortmund, user=resident, role=Role.MODERATOR)
    assert not CityRole.objects.filter(user=resident).exists()


def test_revoking_the_last_admin_is_refused(dortmund, bochum, city_admin, system_admin):
    # An admin of another city does not count, nor a moderator.
    make_user("admin@bochum.example.org", city=bochum, role=Role.ADMIN)
    make_user("mod2@example.org", city=dortmund, role=Role.MODERATOR)
    only = CityRole.objects.get(user=city_admin, city=dortmund)
    for revoker in (city_admin, system_admin):
        with pytest.raises(RoleError, match="last administrator"):
            role_revoke(city_role=only, revoked_by=revoker)
    assert CityRole.objects.filter(pk=only.pk).exists()


def test_revoking_an_admin_is_fine_while_another_one_remains(dortmund, city_admin, resident):
    second = role_grant(city=dortmund, user=resident, role=Role.ADMIN, granted_by=city_admin)
    role_revoke(city_role=CityRole.objects.get(user=city_admin), revoked_by=resident)
    assert not can_administer_city(user=User.objects.get(pk=city_admin.pk), city=dortmund)
    with pytest.raises(RoleError, match="last administrator"):
        role_revoke(city_role=second, revoked_by=resident)


def test_a_deactivated_admin_does_not_count_as_the_remaining_one(dortmund, city_admin, resident):
    role_grant(city=dortmund, user=resident, role=Role.ADMIN, granted_by=city_admin)
    resident.is_active = False
    resident.save(update_fields=["is_active"])
    with pytest.raises(RoleError, match="last administrator"):
        role_revoke(city_role=CityRole.objects.get(user=city_admin), revoked_by=city_admin)


def test_every_grant_and_revoke_is_audit_logged(dortmund, city_admin, resident):
    city_role = role_grant(city=dortmund, user=resident, role=Role.EVALUATOR, granted_by=city_admin)
    granted = last_entry()
    assert (granted.city, granted.action, granted.actor_id, granted.subject_id) == (
        dortmund,
        "role_grant",
        city_admin.pk,
        resident.pk,
    )
    assert granted.detail == {"role": "evaluator"}
    role_revoke(city_role=city_role, revoked_by=city_admin)
    revoked = last_entry()
    assert (revoked.action, revoked.actor_id, revoked.subject_id, revoked.detail) == (
        "role_revoke",
        city_admin.pk,
        resident.pk,
        {"role": "evaluator"},
    )


def test_a_role_given_by_the_system_is_logged_once(dortmund, resident):
    role_grant_by_system(city=dortmund, user=resident, role=Role.ADMIN)
    role_grant_by_system(city=dortmund, user=resident, role=Role.ADMIN)
    entries = AuditEntry.objects.filter(subject_id=resident.pk, action="role_grant")
    assert [(entry.actor_id, entry.detail) for entry in entries] == [(None, {"role": "admin"})]


def test_is_staff_alone_grants_nothing(dortmund, resident):
    resident.is_staff = True
    resident.save(update_fields=["is_staff"])
    for predicate in (
        can_moderate,
        can_administer_city,
        can_evaluate,
        can_manage_roles,
        can_view_audit_log,
    ):
        assert not predicate(user=resident, city=dortmund), predicate.__name__
    assert not is_system_admin(user=resident)


def test_inactive_accounts_have_no_roles(dortmund, moderator, city_admin, system_admin):
    for user in (moderator, city_admin, system_admin):
        user.is_active = False
        user.save(update_fields=["is_active"])
        user.__dict__.pop("_quartier_city_roles", None)
    assert city_roles(user=moderator, city=dortmund) == frozenset()
    assert not can_moderate(user=moderator, city=dortmund)
    assert not can_administer_city(user=city_admin, city=dortmund)
    assert not is_system_admin(user=system_admin)
    assert not can_moderate(user=system_admin, city=dortmund)


def test_roles_are_per_city(dortmund, bochum, moderator, bochum_admin):
    assert can_moderate(user=moderator, city=dortmund)
    assert not can_moderate(user=moderator, city=bochum)
    assert can_administer_city(user=bochum_admin, city=bochum)
    assert not can_moderate(user=bochum_admin, city=dortmund)


# --- the roles page --------------------------------------------------------------------------


def test_the_roles_page_lists_the_citys_roles(
    client, dortmund, city_admin, moderator, bochum_admin
):
    client.force_login(city_admin)
    response = client.get("/dortmund/roles/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    text = response.content.decode()
    assert "mod@example.org" in text and "admin@example.org" in text
    assert "admin@bochum.example.org" not in text


@pytest.mark.parametrize("who", ["moderator", "evaluator", "resident", "bochum_admin"])
def test_the_roles_page_is_404_for_everyone_but_the_citys_admins(
    client, dortmund, city_admin, outsiders, neighbour, who
):
    client.force_login(outsiders[who])
    assert client.get("/dortmund/roles/").status_code == 404
    response = client.post("/dortmund/roles/", {"email": neighbour.email, "role": "admin"})
    assert response.status_code == 404
    revoke = CityRole.objects.get(user=city_admin)
    assert client.post(f"/dortmund/roles/{revoke.pk}/revoke/").status_code == 404
    assert not CityRole.objects.filter(user=neighbour).exists()
    assert CityRole.objects.filter(pk=revoke.pk).exists()


def test_the_roles_page_needs_a_sign_in(client, dortmund):
    response = client.get("/dortmund/roles/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_roles_page_grants_a_role_by_email(client, dortmund, city_admin, resident):
    client.force_login(city_admin)
    response = client.post("/dortmund/roles/", {"email": "ANNA@example.org", "role": "moderator"})
    assert response.status_code == 302 and response["Location"] == "/dortmund/roles/"
    assert city_roles(user=resident, city=dortmund) == {"moderator"}
    assert last_entry().actor_id == city_admin.pk


def test_an_unknown_email_is_a_form_error(client, dortmund, city_admin):
    client.force_login(city_admin)
    response = client.post(
        "/dortmund/roles/",
        {"email": "nobody@example.org", "role": "moderator"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "There is no account with this email address." in response.content.decode()
    assert not CityRole.objects.filter(role="moderator", user__email="nobody@example.org").exists()


@pytest.mark.parametrize(
    "data", [{"email": "not an email", "role": "admin"}, {"email": "anna@example.org", "role": "x"}]
)
def test_invalid_grant_forms_are_400(client, dortmund, city_admin, resident, data):
    client.force_login(city_admin)
    assert client.post("/dortmund/roles/", data).status_code == 400
    assert not CityRole.objects.filter(user=resident).exists()


def test_granting_twice_through_the_page_is_a_form_error(client, dortmund, city_admin, moderator):
    client.force_login(city_admin)
    response = client.post(
        "/dortmund/roles/",
        {"email": moderator.email, "role": "moderator"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "already has this role" in response.content.decode()


def test_the_roles_page_revokes_a_role(client, dortmund, city_admin, moderator):
    client.force_login(city_admin)
    city_role = CityRole.objects.get(user=moderator)
    assert client.get(f"/dortmund/roles/{city_role.pk}/revoke/").status_code == 405
    response = client.post(f"/dortmund/roles/{city_role.pk}/revoke/")
    assert response.status_code == 302
    assert not CityRole.objects.filter(pk=city_role.pk).exists()
    assert last_entry().action == "role_revoke"


def test_revoking_the_last_admin_through_the_page_shows_why(client, dortmund, city_admin):
    client.force_login(city_admin)
    city_role = CityRole.objects.get(user=city_admin)
    response = client.post(
        f"/dortmund/roles/{city_role.pk}/revoke/", follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "last administrator" in response.content.decode()
    assert CityRole.objects.filter(pk=city_role.pk).exists()


def test_a_role_of_another_city_cannot_be_revoked_from_here(
    client, dortmund, city_admin, bochum_admin
):
    client.force_login(city_admin)
    elsewhere = CityRole.objects.get(user=bochum_admin)
    assert client.post(f"/dortmund/roles/{elsewhere.pk}/revoke/").status_code == 404
    assert client.post("/dortmund/roles/999999/revoke/").status_code == 404
    assert CityRole.objects.filter(pk=elsewhere.pk).exists()


def test_a_system_admin_uses_any_citys_roles_page(client, dortmund, bochum, system_admin):
    client.force_login(system_admin)
    assert client.get("/dortmund/roles/").status_code == 200
    assert client.get("/bochum/roles/").status_code == 200


# --- manage.py grant_role --------------------------------------------------------------------


def test_the_grant_role_command_makes_a_city_admin(dortmund, resident):
    out = io.StringIO()
    call_command("grant_role", "dortmund", "Anna@Example.org", "admin", stdout=out)
    assert city_roles(user=resident, city=dortmund) == {"admin"}
    assert "anna@example.org is admin in Dortmund" in out.getvalue()
    assert last_entry().actor_id is None and last_entry().subject_id == resident.pk
    # Again: nothing changes, no error.
    call_command("grant_role", "dortmund", "anna@example.org", "admin", stdout=io.StringIO())
    assert CityRole.objects.filter(user=resident).count() == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["atlantis", "anna@example.org", "admin"], "No city with the slug 'atlantis'"),
        (["dortmund", "nobody@example.org", "admin"], "No account with the email address"),
        (["dortmund", "anna@example.org", "mayor"], "invalid choice: 'mayor'"),
    ],
)
def test_the_grant_role_command_errors_cleanly(dortmund, resident, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("grant_role", *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert not CityRole.objects.filter(user=resident).exists()
