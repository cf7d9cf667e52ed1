from allauth.account.models import EmailAddress


def has_verified_email(*, user) -> bool:
    if not user.is_authenticated:
        return False
    return EmailAddress.objects.filter(user=user, verified=True).exists()


def can_participate(*, user) -> bool:
    """Writing (ideas, comments, supports, reports) needs an active, verified account."""
    return bool(user.is_authenticated and user.is_active and has_verified_email(user=user))
