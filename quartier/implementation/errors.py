from quartier.core.errors import DomainError


class ImplementationError(DomainError):
    pass
