from quartier.participation.permissions import can_administer_city


def can_edit_legal_pages(*, user, city) -> bool:
    """The city's administrators write its imprint, privacy notice, terms and accessibility
    statement: the city is the provider named in them."""
    return can_administer_city(user=user, city=city)
