"""Follows, notifications and their e-mails. An event is announced in the writer's transaction
and fanned out after its commit by the task worker; e-mails go out one digest a day by
default (the worker's sweep sends what is due), each one alone only for who chose so."""

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from quartier.accounts.models import User
from quartier.core.errors import DomainError

from .models import Follow, Notification, Preferences
from .schedule import digest_due, digest_time_on
from .vocabulary import Category, EmailMode

UNSUBSCRIBE_SALT = "quartier.notifications.unsubscribe"
ALL = "all"  # an unsubscribe link for every e-mail, not one category
DIGEST_ITEMS = 50  # listed in one digest; the rest is counted
TOPIC_KINDS = ("idea", "district", "kind")


class NotificationError(DomainError):
    pass


def topic_check(topic: str) -> str:
    kind, _sep, key = (topic or "").partition(":")
    if (
        kind not in TOPIC_KINDS
        or not key
        or len(topic) > 80
        or not key.replace("-", "").replace("_", "").isalnum()
    ):
        raise NotificationError(_("This cannot be followed."))
    return topic


def follow(*, user: User, city, topic: str) -> Follow:
    topic = topic_check(topic)
    try:
        with transaction.atomic():
            return Follow.objects.create(user=user, city=city, topic=topic)
    except IntegrityError:
        return Follow.objects.get(user=user, city=city, topic=topic)


def unfollow(*, user: User, city, topic: str) -> None:
    Follow.objects.filter(user=user, city=city, topic=topic).delete()


def topic_move(*, city, source: str, target: str) -> None:
    """A merge: who followed the duplicate follows the idea that goes on (once)."""
    already = Follow.objects.filter(city=city, topic=target).values_list("user_id", flat=True)
    Follow.objects.filter(city=city, topic=source, user_id__in=already).delete()
    Follow.objects.filter(city=city, topic=source).update(topic=target)


def preferences_of(user: User) -> Preferences:
    return Preferences.objects.filter(user=user).first() or Preferences(user=user)


def preferences_save(
    *, user: User, email_mode: str, digest_hour: int, muted: Iterable[str]
) -> Preferences:
    if email_mode not in EmailMode.values or not 0 <= digest_hour <= 23:
        raise NotificationError(_("Please choose how and when e-mails come."))
    muted = sorted(set(muted) & set(Category.values))
    prefs, _created = Preferences.objects.update_or_create(
        user=user, defaults={"email_mode": email_mode, "digest_hour": digest_hour, "muted": muted}
    )
    return prefs


# --- Events ---------------------------------------------------------------------------------


def announce(
    *,
    city,
    event: str,
    category: str,
    title: str,
    url: str,
    topics: Iterable[str] = (),
    users: Iterable[int] = (),
    exclude: int | None = None,
) -> None:
    """Tell the followers of ``topics`` and the people ``users`` (ids), but not ``exclude``,
    once the caller's transaction has committed (a rolled-back write tells nobody)."""
    from .tasks import fan_out

    arguments = {
        "city_id": city.pk,
        "event": event,
        "category": category,
        "title": title[:200],
        "url": url[:300],
        "topics": sorted(set(topics)),
        "user_ids": sorted(set(users)),
        "exclude_id": exclude,
    }
    transaction.on_commit(lambda: fan_out.enqueue(**arguments), robust=True)


def fan_out_run(
    *, city_id: int, event: str, category: str, title: str, url: str,
    topics: list[str], user_ids: list[int], exclude_id: int | None,
) -> int:  # fmt: skip
    """The task's work: one notification per person (however many of their topics match);
    an e-mail at once for who chose each one alone. Returns how many were made."""
    followers = Follow.objects.filter(city_id=city_id, topic__in=topics).values_list(
        "user_id", flat=True
    )
    recipients = (set(followers) | set(user_ids)) - {exclude_id}
    people = User.objects.filter(pk__in=recipients, is_active=True)
    prefs = {p.user_id: p for p in Preferences.objects.filter(user__in=people)}
    muted = {user_id for user_id, p in prefs.items() if category in (p.muted or [])}
    modes = {user_id: p.email_mode for user_id, p in prefs.items()}
    now = timezone.now()
    made = Notification.objects.bulk_create(
        Notification(
            user_id=person.pk,
            city_id=city_id,
            category=category,
            event=event,
            title=title,
            url=url,
            # Nobody mails what the person asked not to get by e-mail.
            mailed_at=now if modes.get(person.pk) == EmailMode.OFF else None,
        )
        for person in people
        if person.pk not in muted
    )
    for notification in made:
        if modes.get(notification.user_id) == EmailMode.EACH:
            _send(notification.user_id, [notification], subject=notification.text)
    return len(made)


# --- E-mail ---------------------------------------------------------------------------------


def unsubscribe_token(*, user_id: int, category: str) -> str:
    return signing.dumps([user_id, category], salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, str] | None:
    try:
        user_id, category = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or category not in (*Category.values, ALL):
        return None
    return user_id, category


def unsubscribe(*, token: str) -> tuple[User, str]:
    """One click from an e-mail, without signing in: the signed link names the person and the
    category (or every e-mail). Idempotent."""
    read = unsubscribe_read(token)
    user = User.objects.filter(pk=read[0], is_active=True).first() if read else None
    if read is None or user is None:
        raise NotificationError(_("This unsubscribe link is not valid (any more)."))
    prefs = preferences_of(user)
    if read[1] == ALL:
        prefs.email_mode = EmailMode.OFF
    else:
        prefs.muted = sorted(set(prefs.muted or []) | {read[1]})
    prefs.save()
    return user, read[1]


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _unsubscribe_url(user_id: int, category: str) -> str:
    token = unsubscribe_token(user_id=user_id, category=category)
    return _absolute(reverse("notifications_unsubscribe", args=[token]))


def _send(user_id: int, notifications: list[Notification], *, subject: str, more: int = 0) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        lines = [f"- {n.text}\n  {_absolute(n.url)}" for n in notifications]
        if more:
            lines.append(
                ngettext("… and %(count)d more.", "… and %(count)d more.", more) % {"count": more}
            )
        categories = sorted({n.category for n in notifications})
        links = [f"{Category(c).label}: {_unsubscribe_url(user_id, c)}" for c in categories]
        everything = _unsubscribe_url(user_id, ALL)
        body = "\n\n".join(
            [
                _("Hello %(name)s,") % {"name": user.display_name},
                "\n".join(lines),
                _("All notifications: %(url)s") % {"url": _absolute(reverse("notifications"))},
                _("No more e-mails of one kind, with one click:") + "\n" + "\n".join(links),
                _("No more e-mails at all: %(url)s") % {"url": everything},
            ]
        )
        message = EmailMessage(
            subject=subject,
            body=body,
            to=[user.email],
            headers={
                # RFC 8058: mail programs offer one click, which posts to the link.
                "List-Unsubscribe": f"<{everything}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        message.send(fail_silently=False)
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
        mailed_at=timezone.now()
    )


def digests_send_due(*, now: datetime | None = None) -> int:
    """Send each person whose digest hour has come their one digest of today: what reached
    them before that hour and was not mailed yet (later news wait for tomorrow's). Run every
    minute by the worker's sweep; returns how many digests went out."""
    now = now or timezone.now()
    zone = ZoneInfo(settings.TIME_ZONE)
    waiting = (
        Notification.objects.filter(mailed_at__isnull=True, user__is_active=True)
        .order_by()  # no ordering column in the DISTINCT
        .values_list("user_id", flat=True)
        .distinct()
    )
    prefs = {p.user_id: p for p in Preferences.objects.filter(user_id__in=waiting)}
    sent = 0
    for user_id in list(waiting):
        mine = prefs.get(user_id) or Preferences(user_id=user_id)
        if mine.email_mode != EmailMode.DAILY:
            continue
        if not digest_due(now=now, hour=mine.digest_hour, zone=zone, last_sent=mine.last_digest_at):
            continue
        due_at = digest_time_on(now.astimezone(zone).date(), hour=mine.digest_hour, zone=zone)
        unsent = list(
            Notification.objects.filter(
                user_id=user_id, mailed_at__isnull=True, created_at__lt=due_at
            ).order_by("-created_at")
        )
        if not unsent:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            subject = ngettext(
                "Quartier: %(count)d new notification",
                "Quartier: %(count)d new notifications",
                len(unsent),
            ) % {"count": len(unsent)}
        _send(
            user_id,
            unsent[:DIGEST_ITEMS],
            subject=subject,
            more=max(0, len(unsent) - DIGEST_ITEMS),
        )
        Notification.objects.filter(pk__in=[n.pk for n in unsent]).update(mailed_at=now)
        Preferences.objects.update_or_create(user_id=user_id, defaults={"last_digest_at": now})
        sent += 1
    return sent


def notifications_forget(*, city, url_prefix: str) -> int:
    """Moderation hid what these notifications name (an idea's title): they go, read or not."""
    return Notification.objects.filter(city=city, url__startswith=url_prefix).delete()[0]


def read_all(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- Personal data --------------------------------------------------------------------------


def personal_data_export(*, user: User) -> dict:
    prefs = preferences_of(user)
    return {
        "follows": [
            {"city": f.city.slug, "topic": f.topic, "since": f.created_at.isoformat()}
            for f in Follow.objects.filter(user=user).select_related("city").order_by("id")
        ],
        "preferences": {
            "email": prefs.email_mode,
            "digest_hour": prefs.digest_hour,
            "switched_off": prefs.muted,
        },
        "notifications": [
            {
                "text": n.text,
                "url": n.url,
                "at": n.created_at.isoformat(),
                "read": n.read_at is not None,
            }
            for n in Notification.objects.filter(user=user).order_by("-created_at")[:1000]
        ],
    }


def personal_data_erase(*, user: User) -> None:
    Follow.objects.filter(user=user).delete()
    Notification.objects.filter(user=user).delete()
    Preferences.objects.filter(user=user).delete()


def unread_count(*, user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
