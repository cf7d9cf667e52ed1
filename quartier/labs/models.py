"""Living-lab tests of ideas: a plan, testers who sign up, their structured feedback, the
team's results; a test repeated is a new iteration of the same idea."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LabTest(models.Model):
    idea = models.ForeignKey("ideas.Idea", on_delete=models.CASCADE, related_name="lab_tests")
    iteration = models.PositiveSmallIntegerField(_("iteration"))
    hypothesis = models.TextField(_("hypothesis"), max_length=1_000)
    measures = models.TextField(_("what is measured"), max_length=1_000)
    place_name = models.CharField(_("place"), max_length=200)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    testers_wanted = models.PositiveSmallIntegerField(_("testers wanted"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The team's account of what came out and what it learned; recorded, it closes feedback.
    results = models.TextField(_("results and what the team learned"), max_length=5_000, blank=True)
    results_recorded_at = models.DateTimeField(_("results recorded"), null=True, blank=True)

    class Meta:
        verbose_name = _("living-lab test")
        verbose_name_plural = _("living-lab tests")
        ordering = ["idea", "iteration"]
        constraints = [
            models.UniqueConstraint(fields=["idea", "iteration"], name="lab_test_iteration_once"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="lab_test_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.idea_id} #{self.iteration}"

    @property
    def has_results(self) -> bool:
        return self.results_recorded_at is not None

    @property
    def started(self) -> bool:
        return timezone.localdate() >= self.starts_on

    @property
    def ended(self) -> bool:
        return timezone.localdate() > self.ends_on


class FeedbackQuestion(models.Model):
    """A question the team asks every tester, answered from 1 (not at all) to 5 (fully)."""

    test = models.ForeignKey(LabTest, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(_("question"), max_length=200)

    class Meta:
        ordering = ["test", "position"]
        constraints = [
            models.UniqueConstraint(fields=["test", "position"], name="feedback_question_once"),
        ]

    def __str__(self) -> str:
        return self.text


class TesterSignup(models.Model):
    test = models.ForeignKey(LabTest, on_delete=models.CASCADE, related_name="signups")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lab_signups"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["test", "user"], name="tester_signup_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.test_id}"


class Feedback(models.Model):
    """One tester's answers. Erasing the account keeps the answers without the person: the
    test's results stay true."""

    test = models.ForeignKey(LabTest, on_delete=models.CASCADE, related_name="feedback")
    tester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lab_feedback",
    )
    comment = models.TextField(_("in your own words"), max_length=2_000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["test", "tester"], name="feedback_once_per_tester"),
        ]

    def __str__(self) -> str:
        return f"{self.tester_id} on {self.test_id}"


class Rating(models.Model):
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="ratings")
    question = models.ForeignKey(FeedbackQuestion, on_delete=models.CASCADE, related_name="ratings")
    value = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["feedback", "question"], name="rating_once"),
            models.CheckConstraint(
                condition=Q(value__gte=1) & Q(value__lte=5), name="rating_one_to_five"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.value}"
