from quartier.core.errors import DomainError


class ConversationError(DomainError):
    pass


class ConversationClosed(ConversationError):
    code = "closed"
