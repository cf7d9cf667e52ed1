from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InnovatorType(models.TextChoices):
    """Who someone is as an innovator: everyone can be one (Dortmund's model)."""

    RESIDENT = "resident", _("Resident")
    STUDENT = "student", _("Student")
    SCIENCE = "science", _("Science")
    BUSINESS = "business", _("Business")
    ART_CULTURE = "art_culture", _("Art and culture")
    ADMINISTRATION = "administration", _("Administration")
    CIVIL_SOCIETY = "civil_society", _("Civil society")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """An account. Only the email (private) and a public display name, which may be a pseudonym."""

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=60,
        help_text=_("Shown next to your ideas and comments. A pseudonym is fine."),
    )
    innovator_type = models.CharField(
        _("I take part as"),
        max_length=20,
        choices=InnovatorType.choices,
        default=InnovatorType.RESIDENT,
    )
    # The public profile page (per city: the person's ideas and teams there) is off until its
    # owner switches it on, and shows only the parts they chose.
    profile_public = models.BooleanField(
        _("show my public profile page"),
        default=False,
        help_text=_(
            "Others can then see your display name, what you wrote about yourself and "
            "what you chose below; never your email address."
        ),
    )
    profile_about = models.CharField(_("about me"), max_length=300, blank=True)
    profile_shows_ideas = models.BooleanField(_("show the ideas I started"), default=True)
    profile_shows_teams = models.BooleanField(_("show the teams I am in"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.email


class Consent(models.Model):
    """A person agreed to one version of one of a city's legal texts, at this time.

    Append-only: a new version of the terms is a new row, so the record shows what was
    agreed to and when (Art. 7(1) GDPR: the controller must be able to show consent)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents")
    city = models.ForeignKey("cities.City", on_delete=models.CASCADE, related_name="+")
    document = models.CharField(_("document"), max_length=30)
    version = models.PositiveIntegerField(_("version"))
    given_at = models.DateTimeField(_("given at"), default=timezone.now)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["user", "city", "document"], name="consent_lookup")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.document} v{self.version}"
