from quartier.core.errors import DomainError


class BudgetingError(DomainError):
    pass


class SettingsInvalid(BudgetingError):
    code = "settings_invalid"


class CodeRefused(BudgetingError):
    """A typed voting code that is mistyped, unknown, used or of another vote."""

    code = "code_refused"


class BallotInvalid(BudgetingError):
    code = "ballot_invalid"

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or [message]


class AlreadyVoted(BudgetingError):
    code = "already_voted"


class ReceiptRefused(BudgetingError):
    code = "receipt_refused"


class PaperImportError(BudgetingError):
    """A CSV file of paper ballots that cannot be read; the message names the line."""

    code = "paper_import_invalid"


class ImportInvalid(BudgetingError):
    """A pabulib file that cannot become a finished vote."""

    code = "import_invalid"
