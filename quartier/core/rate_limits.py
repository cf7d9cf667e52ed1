"""Per-account limits on writes, counted in the cache (shared by all servers with Redis)."""

from django.core.cache import cache
from django.utils.translation import gettext as _

from .errors import RateLimited


def rate_limit_check(*, action: str, actor_id: int, limit: int, period_seconds: int) -> None:
    """Count one more ``action`` by ``actor_id``; refuse it past ``limit`` within the window."""
    key = f"ratelimit:{action}:{actor_id}"
    if cache.add(key, 1, timeout=period_seconds):
        return
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=period_seconds)
        return
    if count > limit:
        raise RateLimited(
            _("You are doing that too often. Please wait a few minutes and try again.")
        )
