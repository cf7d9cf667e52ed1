"""Background recomputation of opinion maps (django-tasks; a worker runs beside the web server)."""

from django_tasks import task


@task()
def recompute_conversation(conversation_id: int) -> None:
    from .services import conversation_recompute_requested

    conversation_recompute_requested(conversation_id=conversation_id)
