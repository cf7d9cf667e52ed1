"""Who may do what with living-lab tests: the idea's leads plan them and record results;
verified residents sign up as testers (services); testers give feedback."""

from quartier.ideas.permissions import can_restore_revision


def can_plan_test(*, user, idea) -> bool:
    """The team's leads, while the idea is public (the same people who restore versions)."""
    return can_restore_revision(user=user, idea=idea)
