from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryKind(models.TextChoices):
    PAYMENT = "payment", _("Payment")
    REFUND = "refund", _("Money returned")
