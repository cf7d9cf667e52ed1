from quartier.core.errors import DomainError


class ProcessError(DomainError):
    pass


class SettingsLocked(ProcessError):
    code = "settings_locked"


class RoleError(DomainError):
    pass
