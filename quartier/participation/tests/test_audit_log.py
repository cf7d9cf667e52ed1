import re
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from quartier.accounts.services import account_erase
from quartier.conftest import make_user
from quartier.participation.models import AuditEntry, AuditLogIsAppendOnly
from quartier.participation.services import audit_record
from quartier.participation.vocabulary import AuditAction


@pytest.fixture
def entry(dortmund, moderator) -> AuditEntry:
    return audit_record(
        city=dortmund, actor=moderator, action=AuditAction.HIDE, reason="Beleidigung"
    )


def unchanged(entry: AuditEntry) -> bool:
    stored = AuditEntry.objects.get(pk=entry.pk)
    return (stored.reason, stored.action, stored.actor_id) == (
        "Beleidigung",
        "hide",
        entry.actor_id,
    )


# --- append-only -----------------------------------------------------------------------------


def test_an_entry_cannot_be_saved_again(entry):
    entry.reason = "nichts"
    with pytest.raises(AuditLogIsAppendOnly):
        entry.save()
    with pytest.raises(AuditLogIsAppendOnly):
        entry.save(update_fields=["reason"])
    assert unchanged(entry)


def test_an_entry_cannot_be_deleted(entry):
    with pytest.raises(AuditLogIsAppendOnly):
        entry.delete()
    assert unchanged(entry)


def test_the_queryset_refuses_update_and_delete(entry):
    entries = AuditEntry.objects.filter(pk=entry.pk)
    with pytest.raises(AuditLogIsAppendOnly):
        entries.update(reason="nichts")
    with pytest.raises(AuditLogIsAppendOnly):
        entries.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.all().delete()
    assert unchanged(entry)


def test_bulk_update_is_refused(entry):
    entry.reason = "nichts"
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.bulk_update([entry], ["reason"])
    assert unchanged(entry)


def test_update_or_create_cannot_change_an_entry(entry):
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.update_or_create(pk=entry.pk, defaults={"reason": "nichts"})
    assert unchanged(entry)


def test_the_database_refuses_a_raw_update(entry):
    # SQLite's RAISE(ABORT) arrives as an IntegrityError, PostgreSQL's as an InternalError.
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE participation_auditentry SET reason = %s WHERE id = %s", ["nichts", entry.pk]
        )
    assert unchanged(entry)


def test_a_raw_delete_is_refused_by_postgresql_only(entry):
    # Migration 0002: PostgreSQL refuses deletions too; SQLite only refuses updates, because
    # Django's test flush and the demo reset empty tables with DELETE there.
    delete = "DELETE FROM participation_auditentry WHERE id = %s"
    if connection.vendor == "postgresql":
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(delete, [entry.pk])
        assert unchanged(entry)
    else:
        assert connection.vendor == "sqlite"
        with connection.cursor() as cursor:
            cursor.execute(delete, [entry.pk])
        assert not AuditEntry.objects.filter(pk=entry.pk).exists()


def test_new_entries_can_still_be_added(dortmund, entry):
    AuditEntry.objects.bulk_create([AuditEntry(city=dortmund, action=AuditAction.UNHIDE)])
    assert AuditEntry.objects.filter(city=dortmund, action="unhide").exists()


def test_erasing_an_actor_leaves_the_log_alone(dortmund, entry, moderator):
    actor_id = moderator.pk
    account_erase(user=moderator)
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.actor_id == actor_id and stored.reason == "Beleidigung"


# --- the audit log page ----------------------------------------------------------------------


def test_the_audit_log_lists_entries_newest_first(client, dortmund, moderator):
    now = timezone.now()
    for days, reason in [(3, "Grund-alt"), (1, "Grund-neu"), (2, "Grund-mittel")]:
        AuditEntry.objects.create(
            city=dortmund,
            actor_id=moderator.pk,
            action="hide",
            reason=reason,
            at=now - timedelta(days=days),
        )
    client.force_login(moderator)
    response = client.get("/dortmund/moderation/log/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    text = response.content.decode()
    positions = [text.index(f"Grund-{age}") for age in ("neu", "mittel", "alt")]
    assert positions == sorted(positions)
    assert "Moderation" in text  # the actor's display name


@pytest.mark.parametrize("who", ["moderator", "city_admin", "system_admin"])
def test_the_citys_moderators_and_admins_see_the_audit_log(client, dortmund, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/dortmund/moderation/log/").status_code == 200


def test_the_audit_log_is_404_for_everyone_else(client, dortmund, bochum, bochum_admin, resident):
    staff = make_user("staff@example.org")
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    jury = make_user("jury@example.org", city=dortmund, role="evaluator")
    for user in (resident, staff, jury, bochum_admin):
        client.force_login(user)
        assert client.get("/dortmund/moderation/log/").status_code == 404, user.email
    client.logout()
    response = client.get("/dortmund/moderation/log/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_audit_log_shows_only_its_own_city(client, dortmund, bochum, bochum_admin, moderator):
    audit_record(city=bochum, actor=bochum_admin, action="hide", reason="Nur in Bochum")
    audit_record(city=dortmund, actor=moderator, action="hide", reason="Nur in Dortmund")
    client.force_login(moderator)
    text = client.get("/dortmund/moderation/log/").content.decode()
    assert "Nur in Dortmund" in text and "Nur in Bochum" not in text


def test_an_erased_actor_is_shown_as_a_deleted_account(client, dortmund, moderator):
    gone = make_user("gone@example.org", name="Weg Person", city=dortmund, role="moderator")
    audit_record(city=dortmund, actor=gone, action="hide", reason="vorher")
    account_erase(user=gone)
    client.force_login(moderator)
    text = client.get("/dortmund/moderation/log/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "a deleted account" in text
    assert "Weg Person" not in text
    assert "the system" in text  # the demo's roles were granted by the installation


def rows(page: str) -> int:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return len(re.findall(r"<tr[\s>]", body))


def test_the_audit_log_paginates(client, dortmund, moderator):
    AuditEntry.objects.bulk_create(
        AuditEntry(city=dortmund, actor_id=moderator.pk, action="dismiss", reason=f"Nr-{n:03d}")
        for n in range(120)
    )
    client.force_login(moderator)
    first = client.get("/dortmund/moderation/log/").content.decode()
    assert len(re.findall(r"Nr-\d{3}", first)) == 50 == rows(first)
    assert "Nr-119" in first and "Nr-000" not in first  # newest (the highest id) first
    last = client.get("/dortmund/moderation/log/", {"page": 3}).content.decode()
    assert "Nr-000" in last and "Nr-119" not in last
    # The demo's role grants are older than these and follow on the last page.
    total = AuditEntry.objects.filter(city=dortmund).count()
    assert rows(last) == total - 100 > len(re.findall(r"Nr-\d{3}", last))
    # A page that does not exist is the last one, not an error; garbage is the first.
    beyond = client.get("/dortmund/moderation/log/", {"page": "999"})
    assert beyond.status_code == 200 and "Nr-000" in beyond.content.decode()
    garbage = client.get("/dortmund/moderation/log/", {"page": "x'--"})
    assert garbage.status_code == 200 and "Nr-119" in garbage.content.decode()
