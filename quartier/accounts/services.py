"""Profile changes and the GDPR rights: export what we hold, erase the person."""

from django.db import transaction
from django.utils.translation import gettext as _

from quartier.core import personal_data
from quartier.core.text import display_name_check, text_check

from .consent import ConsentDocument
from .models import Consent, User


def profile_update(
    *,
    user: User,
    display_name: str,
    innovator_type: str,
    profile_public: bool | None = None,
    profile_about: str | None = None,
    profile_shows_ideas: bool | None = None,
    profile_shows_teams: bool | None = None,
) -> User:
    """The account's public face; a public-profile setting left out (None) stays as it is."""
    user.display_name = display_name_check(display_name.strip()[:60])
    user.innovator_type = innovator_type
    fields = ["display_name", "innovator_type"]
    if profile_about is not None:
        about = profile_about.replace("\x00", "").strip()[:300]
        user.profile_about = text_check(about, field=_("About me")) if about else ""
        fields.append("profile_about")
    for name, value in (
        ("profile_public", profile_public),
        ("profile_shows_ideas", profile_shows_ideas),
        ("profile_shows_teams", profile_shows_teams),
    ):
        if value is not None:
            setattr(user, name, bool(value))
            fields.append(name)
    user.save(update_fields=fields)
    return user


def profile_export(*, user: User) -> dict:
    """Everything stored about this person, as one JSON-ready document: the account here, and
    every app's section from the personal-data registry."""
    document: dict = {
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "innovator_type": user.innovator_type,
            "public_profile": {
                "shown": user.profile_public,
                "about": user.profile_about,
                "shows_ideas": user.profile_shows_ideas,
                "shows_teams": user.profile_shows_teams,
            },
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        }
    }
    for section in personal_data.sections():
        document[section.name] = section.export(user=user)
    return document


@transaction.atomic
def account_erase(*, user: User) -> None:
    """Delete the account. Each app first pseudonymises or removes what it holds and schedules
    what must follow (recomputing results that counted the person's votes)."""
    for section in personal_data.sections():
        if section.erase is not None:
            section.erase(user=user)
    user.delete()


def consent_record(*, user: User, city, documents: list[ConsentDocument]) -> list[Consent]:
    """Record that the person agreed to these versions of the city's texts, now."""
    return Consent.objects.bulk_create(
        Consent(user=user, city=city, document=doc.document, version=doc.version)
        for doc in documents
    )


def consents_export(*, user: User) -> list[dict]:
    """The GDPR registry's "consents" section: what the person agreed to, which version, when.
    Erased with the account (the rows cascade)."""
    return [
        {
            "city": consent.city.slug,
            "document": consent.document,
            "version": consent.version,
            "given_at": consent.given_at.isoformat(),
        }
        for consent in user.consents.select_related("city").order_by("given_at", "pk")
    ]
