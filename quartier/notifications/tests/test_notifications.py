"""Follow and be notified (#11): in-app notifications made after the commit by the task
worker, one digest a day by default, one-click unsubscribe per category without signing in."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from quartier.conftest import make_user
from quartier.ideas import lifecycle, services, teams
from quartier.ideas.models import IdeaRules
from quartier.ideas.tests.test_services import submit
from quartier.notifications import services as notifications
from quartier.notifications.models import Follow, Notification, Preferences
from quartier.notifications.vocabulary import EmailMode


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what is scheduled for after the commit (the worker runs it in production)."""

    def run(write):
        with django_capture_on_commit_callbacks(execute=True):
            return write()

    return run


def test_a_comment_tells_the_ideas_followers_but_not_its_writer(
    committed, dortmund, resident, neighbour
):
    idea = committed(lambda: submit(dortmund, resident))
    assert Follow.objects.filter(user=resident, topic=f"idea:{idea.pk}").exists()  # its initiator
    committed(lambda: services.comment_add(idea=idea, author=neighbour, body="Gute Idee!"))
    (note,) = Notification.objects.filter(user=resident)
    assert note.event == "comment" and "Trinkbrunnen" in note.text and note.read_at is None
    assert not Notification.objects.filter(user=neighbour).exists()


def test_nothing_is_told_when_the_write_rolls_back(
    dortmund, resident, neighbour, django_capture_on_commit_callbacks
):
    idea = submit(dortmund, resident)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.comment_add(idea=idea, author=neighbour, body="Gute Idee!")
    assert callbacks  # scheduled for the commit, not run inside the transaction
    assert not Notification.objects.exists()


def test_a_new_idea_tells_who_follows_its_district_or_kind_once(
    committed, dortmund, resident, neighbour
):
    notifications.follow(user=neighbour, city=dortmund, topic="district:innenstadt-nord")
    notifications.follow(user=neighbour, city=dortmund, topic="kind:ecological")
    committed(lambda: submit(dortmund, resident))
    assert Notification.objects.filter(user=neighbour, event="new_idea").count() == 1


def test_a_muted_category_is_not_told(committed, dortmund, resident, neighbour):
    notifications.preferences_save(
        user=neighbour, email_mode="daily", digest_hour=7, muted=["new_ideas"]
    )
    notifications.follow(user=neighbour, city=dortmund, topic="kind:ecological")
    committed(lambda: submit(dortmund, resident))
    assert not Notification.objects.filter(user=neighbour).exists()


def test_team_requests_and_answers_and_stages_are_told(committed, dortmund, resident, neighbour):
    IdeaRules.objects.create(city=dortmund, discussion_team_size=1, discussion_supports=0)
    idea = committed(lambda: submit(dortmund, resident))
    asked = committed(lambda: teams.join_ask(idea=idea, user=neighbour))
    assert Notification.objects.filter(user=resident, event="join_request").exists()
    committed(lambda: teams.join_decide(request=asked, actor=resident, accept=True))
    assert Notification.objects.filter(user=neighbour, event="join_accepted").exists()
    committed(lambda: lifecycle.idea_advance(idea=idea, actor=resident, to_stage="discussion"))
    assert Notification.objects.filter(user=neighbour, event="stage").exists()  # a member follows


def test_one_digest_a_day_with_everything_and_its_unsubscribe_links(
    committed, dortmund, resident, neighbour, settings
):
    settings.SITE_URL = "https://quartier.example.org"
    idea = committed(lambda: submit(dortmund, resident))
    for number in range(3):
        committed(
            lambda n=number: services.comment_add(
                idea=idea, author=neighbour, body=f"Kommentar {n}"
            )
        )
    assert mail.outbox == []  # nothing at once: the default is the daily digest
    today = timezone.localtime().replace(hour=7, minute=5, second=0, microsecond=0)
    tomorrow = today + timedelta(days=1)
    Notification.objects.update(created_at=today - timedelta(hours=1))  # they came before 07:00
    assert notifications.digests_send_due(now=today) == 1
    assert notifications.digests_send_due(now=today + timedelta(minutes=30)) == 0  # once a day
    assert notifications.digests_send_due(now=tomorrow) == 0  # nothing new
    (digest,) = mail.outbox
    assert digest.to == [resident.email] and "3" in digest.subject
    assert digest.body.count("Trinkbrunnen") == 3 and "https://quartier.example.org/" in digest.body
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not Notification.objects.filter(mailed_at__isnull=True).exists()


def test_each_mode_mails_at_once_and_off_never(committed, dortmund, resident, neighbour):
    idea = committed(lambda: submit(dortmund, resident))
    notifications.preferences_save(
        user=resident, email_mode=EmailMode.EACH, digest_hour=7, muted=[]
    )
    committed(lambda: services.comment_add(idea=idea, author=neighbour, body="Eins"))
    assert len(mail.outbox) == 1
    notifications.preferences_save(user=resident, email_mode=EmailMode.OFF, digest_hour=7, muted=[])
    committed(lambda: services.comment_add(idea=idea, author=neighbour, body="Zwei"))
    later = timezone.localtime().replace(hour=23, minute=59)
    assert notifications.digests_send_due(now=later) == 0 and len(mail.outbox) == 1


def test_the_unsubscribe_link_asks_on_get_and_works_on_post_without_signing_in(
    client, dortmund, resident
):
    token = notifications.unsubscribe_token(user_id=resident.pk, category="comments")
    url = reverse("notifications_unsubscribe", args=[token])
    page = client.get(url)
    assert page.status_code == 200 and "Yes, unsubscribe" in page.content.decode()
    assert not Preferences.objects.filter(user=resident).exists()  # a GET changes nothing
    done = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert Preferences.objects.get(user=resident).muted == ["comments"]
    everything = notifications.unsubscribe_token(user_id=resident.pk, category="all")
    client.post(reverse("notifications_unsubscribe", args=[everything]))
    assert Preferences.objects.get(user=resident).email_mode == EmailMode.OFF


def test_a_forged_or_altered_link_is_refused(client, resident):
    token = notifications.unsubscribe_token(user_id=resident.pk, category="comments")
    for bad in (token[:-2] + "xx", "nonsense", token.replace(":", "")):
        answer = client.post(reverse("notifications_unsubscribe", args=[bad]))
        assert answer.status_code == 400
    assert not Preferences.objects.exists()


def test_the_notifications_page_reads_and_settings_save(
    client, committed, dortmund, resident, neighbour
):
    idea = committed(lambda: submit(dortmund, resident))
    committed(lambda: services.comment_add(idea=idea, author=neighbour, body="Hallo"))
    client.force_login(resident)
    page = client.get(reverse("notifications")).content.decode()
    assert "New comment on" in page and "Mark all as read" in page
    client.post(reverse("notifications_read"))
    assert not Notification.objects.filter(user=resident, read_at__isnull=True).exists()
    client.post(
        reverse("notifications_settings"),
        {"email_mode": "each", "digest_hour": "18", "wanted": ["comments", "team"]},
    )
    prefs = Preferences.objects.get(user=resident)
    assert (prefs.email_mode, prefs.digest_hour, prefs.muted) == (
        "each",
        18,
        ["new_ideas", "stages"],
    )
    bad = client.post(
        reverse("notifications_settings"), {"email_mode": "loud", "digest_hour": "99"}
    )
    assert bad.status_code == 302 and Preferences.objects.get(user=resident).digest_hour == 18


def test_following_from_the_pages_and_refusing_strange_topics(client, dortmund, resident):
    idea = submit(dortmund, resident)
    client.force_login(make_user("f@example.org"))
    follow = reverse("follow", args=["dortmund"])
    detail = reverse("idea_detail", args=["dortmund", idea.pk])
    assert "Follow this idea" in client.get(detail).content.decode()
    client.post(follow, {"topic": f"idea:{idea.pk}", "action": "follow", "next": detail})
    assert "Stop following this idea" in client.get(detail).content.decode()
    for topic in ("admin:1", "idea:", "idea:1;drop", "x" * 90):
        client.post(follow, {"topic": topic, "action": "follow"})
    assert Follow.objects.filter(user__email="f@example.org").count() == 1
    away = client.post(
        follow, {"topic": "kind:social", "action": "follow", "next": "https://evil.example"}
    )
    assert away["Location"] == "/dortmund/ideas/"
    listing = client.get(reverse("idea_list", args=["dortmund"]) + "?kind=social").content.decode()
    assert "Stop following the kind" in listing


def test_follows_and_notifications_are_exported_and_erased(
    committed, dortmund, resident, neighbour
):
    from quartier.accounts.services import account_erase, profile_export

    idea = committed(lambda: submit(dortmund, resident))
    committed(lambda: services.comment_add(idea=idea, author=neighbour, body="Hallo"))
    exported = profile_export(user=resident)["notifications"]
    assert exported["follows"][0]["topic"] == f"idea:{idea.pk}" and exported["notifications"]
    erased = resident.pk
    account_erase(user=resident)
    assert not Follow.objects.filter(user_id=erased).exists()
    assert not Notification.objects.filter(user_id=erased).exists()


def test_a_week_of_digests_across_the_october_clock_change(
    committed, dortmund, resident, neighbour
):
    """A comment every day at noon; the worker's sweep every 15 minutes from 20 to 28 October
    2026 (clocks go back on the 25th): one digest each morning at 07:00–07:15 local time."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")
    idea = committed(lambda: submit(dortmund, resident))
    Notification.objects.all().delete()
    now, end = datetime(2026, 10, 20, 0, 0, tzinfo=UTC), datetime(2026, 10, 28, 0, 0, tzinfo=UTC)
    sent_at = []
    while now < end:
        local = now.astimezone(berlin)
        if local.hour == 12 and local.minute == 0:
            committed(lambda: services.comment_add(idea=idea, author=neighbour, body="Mittag"))
            Notification.objects.filter(mailed_at__isnull=True).update(created_at=now)
        if notifications.digests_send_due(now=now):
            sent_at.append(local)
        now += timedelta(minutes=15)
    # 21st to 27th: each morning's digest holds the day before's comment (none on the 20th).
    assert [moment.day for moment in sent_at] == [21, 22, 23, 24, 25, 26, 27]
    assert all(moment.hour == 7 and moment.minute < 15 for moment in sent_at)
    assert len(mail.outbox) == 7


def test_a_hidden_ideas_title_leaves_the_notifications(
    committed, dortmund, resident, neighbour, moderator
):
    from quartier.moderation.services import content_hide

    idea = committed(lambda: submit(dortmund, resident, title="Beleidigender Titel"))
    other = committed(lambda: submit(dortmund, resident, title="Anderer Titel"))
    for each in (idea, other):
        committed(lambda i=each: services.comment_add(idea=i, author=neighbour, body="Hallo"))
    content_hide(target=idea, moderator=moderator, reason="Regel 2")
    assert list(Notification.objects.filter(user=resident).values_list("title", flat=True)) == [
        "Anderer Titel"
    ]
