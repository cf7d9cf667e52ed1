from .consent import ConsentDocument
from .models import Consent, User


def consent_missing(*, user: User, city, documents: list[ConsentDocument]) -> list[ConsentDocument]:
    """The documents whose current version this person has not agreed to in this city."""
    if not documents:
        return []
    given = set(
        Consent.objects.filter(
            user=user, city=city, document__in=[doc.document for doc in documents]
        ).values_list("document", "version")
    )
    return [doc for doc in documents if (doc.document, doc.version) not in given]


def consent_given_before(*, user: User, city) -> bool:
    """Whether this person ever agreed to a text of this city (so a new version asks again)."""
    return Consent.objects.filter(user=user, city=city).exists()
