from quartier.core.errors import DomainError


class IdeaError(DomainError):
    pass


class AlreadySupported(IdeaError):
    code = "already_supported"
