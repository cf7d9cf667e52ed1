"""The kinds of notification a person can switch off one by one, and what each event says."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    COMMENTS = "comments", _("Comments on ideas I follow")
    STAGES = "stages", _("New stages of ideas I follow")
    NEW_IDEAS = "new_ideas", _("New ideas in districts and kinds I follow")
    TEAM = "team", _("My teams: requests to join and answers")


class EmailMode(models.TextChoices):
    DAILY = "daily", _("One digest a day (recommended)")
    EACH = "each", _("An e-mail for each notification")
    OFF = "off", _("No e-mails; only here on the site")


# What a notification says, by its event; ``%(title)s`` is the idea's title.
EVENTS = {
    "comment": _("New comment on “%(title)s”"),
    "stage": _("“%(title)s” is now in a new stage"),
    "new_idea": _("New idea: “%(title)s”"),
    "join_request": _("Someone asks to join the team of “%(title)s”"),
    "join_accepted": _("You are now in the team of “%(title)s”"),
    "join_declined": _("Your request to join “%(title)s” was declined"),
}
