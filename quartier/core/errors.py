"""The base of every error a service raises; views turn them into messages, the API into 4xx."""


class DomainError(Exception):
    """A rule of the domain was broken; ``message`` is user-facing and already translated."""

    code = "invalid"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PermissionDenied(DomainError):
    code = "forbidden"


class RateLimited(DomainError):
    code = "rate_limited"
