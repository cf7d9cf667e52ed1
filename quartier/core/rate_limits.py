"""Limits on writes, counted in the cache (shared by all servers with Redis): per account, and per
client address where people can take part without one."""

import ipaddress

from allauth.account.adapter import get_adapter
from django.core.cache import cache
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from .errors import RateLimited

# Requests whose address cannot be told (a misconfigured proxy header) share one count.
UNKNOWN_ADDRESS = "unknown"
# One IPv6 client usually holds a whole /64: counting single addresses would let it pick a new
# one for every request.
IPV6_PREFIX = 64


def rate_limit_check(
    *,
    action: str,
    actor_id: int | str,
    limit: int,
    period_seconds: int,
    message: str | None = None,
) -> None:
    """Count one more ``action`` by ``actor_id``; refuse it past ``limit`` within the window.

    The window starts with the first count and ends ``period_seconds`` later, when the count
    expires from the cache.
    """
    key = f"ratelimit:{action}:{actor_id}"
    if cache.add(key, 1, timeout=period_seconds):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=period_seconds)
            count = 1
    if count > limit:
        raise RateLimited(
            message or _("You are doing that too often. Please wait a few minutes and try again.")
        )


def failures_exceeded(*, action: str, actor_id: int | str, limit: int) -> bool:
    """Whether ``actor_id`` has failed ``action`` more than ``limit`` times in its window.

    For guessing: only wrong answers count (``failure_count``), so a school where a whole class
    votes from one address is not stopped, while guessing voting codes from it is."""
    return (cache.get(f"ratelimit-failures:{action}:{actor_id}") or 0) >= limit


def failure_count(*, action: str, actor_id: int | str, period_seconds: int) -> None:
    key = f"ratelimit-failures:{action}:{actor_id}"
    if not cache.add(key, 1, timeout=period_seconds):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=period_seconds)


def client_address(request: HttpRequest) -> str:
    """The client's address, by the trusted-proxy rules of the login limits.

    allauth's adapter is the one place that reads ``X-Forwarded-For`` (only as far as
    ``ALLAUTH_TRUSTED_PROXY_COUNT`` proxies are trusted) or ``ALLAUTH_TRUSTED_CLIENT_IP_HEADER``;
    everything here asks it, so a client cannot buy a fresh count with a made-up header.
    """
    try:
        return get_adapter(request).get_client_ip(request)
    except DjangoPermissionDenied:  # no usable address in the trusted header
        return UNKNOWN_ADDRESS


def address_key(address: str) -> str:
    """A keyed hash of the client's network, to count by without keeping the address.

    Keyed with the installation's secret: the few billion IPv4 addresses cannot be hashed
    through to find which one a count belongs to.
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        network = address
    else:
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            network = str(ip.ipv4_mapped)
        elif isinstance(ip, ipaddress.IPv6Address):
            network = str(ipaddress.IPv6Network(f"{ip}/{IPV6_PREFIX}", strict=False))
        else:
            network = str(ip)
    return salted_hmac("quartier.rate_limits.address", network, algorithm="sha256").hexdigest()[:32]
