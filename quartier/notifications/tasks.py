"""Notifications are made by the task worker, after the write that caused them committed."""

from django_tasks import task


@task()
def fan_out(
    city_id: int,
    event: str,
    category: str,
    title: str,
    url: str,
    topics: list[str],
    user_ids: list[int],
    exclude_id: int | None,
) -> int:
    from .services import fan_out_run

    return fan_out_run(
        city_id=city_id,
        event=event,
        category=category,
        title=title,
        url=url,
        topics=topics,
        user_ids=user_ids,
        exclude_id=exclude_id,
    )
