from quartier.core.errors import DomainError


class ModerationError(DomainError):
    pass
