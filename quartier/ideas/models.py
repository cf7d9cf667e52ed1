from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from quartier.accounts.models import InnovatorType
from quartier.cities.models import City, District
from quartier.moderation.moderated import Moderated


class InnovationKind(models.TextChoices):
    """Every kind is equally valuable: no ranking ever prefers one."""

    SOCIAL = "social", _("Social")
    ECOLOGICAL = "ecological", _("Ecological")
    TECHNOLOGICAL = "technological", _("Technological")
    ENTREPRENEURIAL = "entrepreneurial", _("Entrepreneurial")
    CULTURAL = "cultural", _("Cultural")


class Stage(models.TextChoices):
    """Where an idea is in its life; the ways between them are ``lifecycle.TRANSITIONS``."""

    IDEA = "idea", _("Idea")
    DISCUSSION = "discussion", _("Discussion")
    LIVING_LAB = "living_lab", _("Living-lab test")
    EVALUATION = "evaluation", _("Evaluation")
    IMPLEMENTATION = "implementation", _("Implementation")
    ARCHIVED = "archived", _("Archived")


class CommentKind(models.TextChoices):
    """What a top-level comment is. Questions, concerns and suggestions wait for the idea's
    people to answer, address or take them up; a plain comment waits for nothing."""

    COMMENT = "comment", _("Comment")
    QUESTION = "question", _("Question")
    CONCERN = "concern", _("Concern")
    SUGGESTION = "suggestion", _("Suggestion")


class Source(models.TextChoices):
    ONLINE = "online", _("Online")
    ANALOG = "analog", _("Analog (paper card)")


class Idea(Moderated):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="ideas")
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="ideas", verbose_name=_("district")
    )
    # Nullable so that erasing an account keeps the idea without the person (GDPR).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
        verbose_name=_("author"),
    )
    title = models.CharField(_("title"), max_length=120)
    summary = models.CharField(_("short summary"), max_length=300)
    description = models.TextField(_("description"), max_length=10_000)
    description_html = models.TextField(editable=False)
    kind = models.CharField(_("kind of innovation"), max_length=20, choices=InnovationKind.choices)
    innovator_type = models.CharField(
        _("submitted as"), max_length=20, choices=InnovatorType.choices
    )
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    # Changed only by ``lifecycle.idea_advance`` (not editable: no form or admin offers it).
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.IDEA, editable=False
    )
    stage_changed_at = models.DateTimeField(_("in this stage since"), null=True, editable=False)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default="online")
    analog_origin = models.CharField(
        _("where the paper card was collected"), max_length=200, blank=True
    )
    # The person who wrote the paper card (empty: anonymous); the account in ``author`` is the
    # staff member who typed it in and is not credited.
    analog_author_name = models.CharField(_("author on the paper card"), max_length=100, blank=True)
    is_example = models.BooleanField(
        _("example"), default=False, help_text=_("Demo content, clearly marked as an example.")
    )
    # Withdrawn by its author: stays readable with its comments, takes no new comments or
    # supports, and leaves the map layer, the default list and the counts of active ideas.
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("reason for withdrawing"), max_length=500, blank=True)
    # Merged by the city's staff into the idea that goes on (it is withdrawn too, so it leaves
    # the map and the lists; its page leads to the other one).
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("merged into"),
    )
    # Denormalised counters, kept by the services, so sorting 100,000 ideas needs no join.
    support_count = models.PositiveIntegerField(default=0, editable=False)
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # PostgreSQL only: the German full-text vector of title, summary and description, written by
    # a trigger (migration 0002) so that a search rechecks stored vectors instead of parsing
    # every matching text again. Stays empty on SQLite, which searches with LIKE.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["city", "-created_at", "-id"],
                condition=Q(hidden_at__isnull=True),
                name="idea_visible_newest",
            ),
            models.Index(
                fields=["city", "-support_count", "-id"],
                condition=Q(hidden_at__isnull=True),
                name="idea_visible_supported",
            ),
            models.Index(
                fields=["city", "-comment_count", "-id"],
                condition=Q(hidden_at__isnull=True),
                name="idea_visible_discussed",
            ),
            models.Index(fields=["district", "-created_at"], name="idea_district_newest"),
            models.Index(fields=["city", "kind", "-created_at"], name="idea_kind_newest"),
            # The evaluators' queue: a city's ideas in one stage, longest waiting first.
            models.Index(fields=["city", "stage", "stage_changed_at"], name="idea_stage_waiting"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class IdeaRevision(models.Model):
    """One saved version of an idea's texts, kind and place; number 1 is the submission.

    Revisions are the record of edits (no audit log entry for an author's own edit); the
    numbers also detect concurrent edits: a form carries the number it was based on."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    # Nullable so that erasing an account keeps the revision without the person (GDPR).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="idea_revisions",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    title = models.CharField(_("title"), max_length=120)
    summary = models.CharField(_("short summary"), max_length=300)
    description = models.TextField(_("description"), max_length=10_000)
    kind = models.CharField(_("kind of innovation"), max_length=20, choices=InnovationKind.choices)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["idea", "number"]
        constraints = [
            # Two saves based on the same revision cannot both become the next one.
            models.UniqueConstraint(fields=["idea", "number"], name="idea_revision_number_once"),
        ]

    def __str__(self) -> str:
        return f"{self.idea_id} #{self.number}"


class IdeaImage(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(_("image"), upload_to="ideas/%Y/%m/")
    thumbnail = models.ImageField(upload_to="ideas/%Y/%m/thumbs/")
    alt_text = models.CharField(_("image description"), max_length=200, blank=True)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self) -> str:
        return self.alt_text or self.image.name


class Comment(Moderated):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    # One level of replies: a reply's parent is always a top-level comment (checked in the service).
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    body = models.TextField(_("comment"), max_length=2_000)
    kind = models.CharField(
        _("kind"), max_length=12, choices=CommentKind.choices, default=CommentKind.COMMENT
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # A question answered, a concern addressed, a suggestion taken up: when, by whom, and
    # the revision of the idea that does it (if one does).
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_revision = models.ForeignKey(
        "IdeaRevision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["idea", "created_at"], name="comment_idea_created")]

    def __str__(self) -> str:
        return self.body[:60]

    @property
    def awaits_answer(self) -> bool:
        """A question, concern or suggestion nobody has answered, addressed or taken up yet."""
        return self.kind != CommentKind.COMMENT and self.resolved_at is None


class Support(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supports"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            # The database, not the view, guarantees one support per person and idea.
            models.UniqueConstraint(fields=["idea", "user"], name="support_once_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.idea_id}"


class TeamMember(models.Model):
    """A person in an idea's team. Leads publish open roles, decide who joins and hand over;
    every member co-edits the idea. An online idea's initiator is its first lead."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="team")
    # Erasing an account takes the membership with it (GDPR); the team goes on without it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships"
    )
    contribution = models.CharField(_("role in the team"), max_length=80, blank=True)
    is_lead = models.BooleanField(_("lead"), default=False)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["-is_lead", "joined_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["idea", "user"], name="team_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.idea_id}"


class OpenRole(models.Model):
    """A role the team is looking for, with the skills it wants ("Grafik", "3D-Druck")."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="open_roles")
    title = models.CharField(_("role"), max_length=80)
    skills = models.CharField(_("skills wanted"), max_length=200, blank=True)
    description = models.TextField(_("what the role does"), max_length=1_000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("published"), auto_now_add=True)
    # Filled or no longer needed: kept, so that an answered request still names its role.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("open role")
        verbose_name_plural = _("open roles")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class JoinStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class JoinRequest(models.Model):
    """Someone asks to join an idea's team (for one of its open roles, or in general)."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests"
    )
    role = models.ForeignKey(
        OpenRole,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("role"),
    )
    message = models.TextField(_("message to the team"), max_length=1_000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=JoinStatus.choices, default=JoinStatus.PENDING
    )
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("request to join")
        verbose_name_plural = _("requests to join")
        ordering = ["created_at", "id"]
        constraints = [
            # One open question per person and team: asking twice cannot make two members.
            models.UniqueConstraint(
                fields=["idea", "user"],
                condition=Q(status="pending"),
                name="join_request_pending_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.idea_id} ({self.status})"


class StageChange(models.Model):
    """One step of an idea's life: from which stage to which, who decided, when and why."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(_("from"), max_length=20, choices=Stage.choices)
    to_stage = models.CharField(_("to"), max_length=20, choices=Stage.choices)
    # Nullable so that erasing an account keeps the history without the person (GDPR).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason"), max_length=2_000, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.from_stage} → {self.to_stage}"


class IdeaRules(models.Model):
    """A city's requirements for its ideas' gates (the defaults hold where it set none)."""

    city = models.OneToOneField(City, on_delete=models.CASCADE, related_name="idea_rules")
    discussion_team_size = models.PositiveSmallIntegerField(
        _("team members an idea needs for the discussion"), default=2
    )
    discussion_supports = models.PositiveIntegerField(
        _("supports an idea needs for the discussion"), default=5
    )

    class Meta:
        verbose_name = _("rules for ideas")
        verbose_name_plural = _("rules for ideas")

    def __str__(self) -> str:
        return str(self.city)
