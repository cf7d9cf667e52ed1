from quartier.core.errors import DomainError


class IdeaError(DomainError):
    pass


class AlreadySupported(IdeaError):
    code = "already_supported"


class EditConflict(IdeaError):
    """Another revision was saved after the one an edit was based on; nothing was written."""

    code = "edit_conflict"

    def __init__(self, message: str, *, latest, changed: list[str]) -> None:
        super().__init__(message)
        self.latest = latest
        self.changed = changed
