from .models import Follow


def is_following(*, user, city, topic: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return Follow.objects.filter(user=user, city=city, topic=topic).exists()
