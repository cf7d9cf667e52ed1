from quartier.participation.permissions import can_administer_city, can_evaluate


def can_report_progress(*, user, city) -> bool:
    """The city's administrators and its jury carry the funded projects' reports and ledger."""
    return can_administer_city(user=user, city=city) or can_evaluate(user=user, city=city)
