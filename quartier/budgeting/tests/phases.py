"""Phases for tests: one running now, or a vote that is over (its result phase running)."""

from datetime import timedelta

from django.utils import timezone

from quartier.participation.services import PhaseSpec
from quartier.participation.vocabulary import Action


def phases(*allows: str, past: bool = False) -> list[PhaseSpec]:
    """``past=False``: one phase from yesterday to tomorrow allowing ``allows``. ``past=True``:
    a vote that ended yesterday, then a result phase (allowing ``allows``) running since."""
    now = timezone.now()
    if past:
        return [
            PhaseSpec(
                name="Vote",
                starts_at=now - timedelta(days=3),
                ends_at=now - timedelta(days=1),
                allows=[Action.VOTE],
            ),
            PhaseSpec(name="Result", starts_at=now - timedelta(days=1), allows=allows),
        ]
    return [
        PhaseSpec(
            name="Now",
            starts_at=now - timedelta(days=1),
            ends_at=now + timedelta(days=1),
            allows=allows,
        )
    ]
