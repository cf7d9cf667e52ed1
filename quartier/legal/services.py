from django.db import transaction
from django.utils import timezone

from quartier.participation.services import audit_record
from quartier.participation.vocabulary import AuditAction

from .models import LegalPage

TEXT_MAX_LENGTH = 50_000


@transaction.atomic
def legal_page_save(*, city, kind: str, text: str, contact_email: str, editor) -> LegalPage:
    """Write the page's text; a changed text is a new version (people agree to a version).

    The row is locked so that two administrators saving at once make two versions, not one."""
    text = text.strip()[:TEXT_MAX_LENGTH]
    page = LegalPage.objects.select_for_update().filter(city=city, kind=kind).first()
    if page is None:
        page = LegalPage(city=city, kind=kind, version=1)
    elif page.text == text and page.contact_email == contact_email:
        return page
    elif page.text != text:
        page.version += 1
    page.text = text
    page.contact_email = contact_email
    page.updated_at = timezone.now()
    page.updated_by = editor
    page.save()
    audit_record(
        city=city,
        actor=editor,
        action=AuditAction.LEGAL_EDIT,
        target=page,
        detail={"kind": kind, "version": page.version},
    )
    return page
