import pytest
from django.utils import translation

from quartier.core.templatetags.money import euros


@pytest.mark.parametrize(
    ("language", "value", "shown"),
    [
        ("de", 12500, "12.500\N{NO-BREAK SPACE}€"),
        ("en", 12500, "€12,500"),
        ("de", "1000000", "1.000.000\N{NO-BREAK SPACE}€"),
        ("de", "12.5", "12,50\N{NO-BREAK SPACE}€"),
        ("en", -300, "−€300"),
        ("de", -300, "−300\N{NO-BREAK SPACE}€"),
        ("de", None, ""),
        ("de", "nonsense", ""),
        ("de", "54180000/2257511", "24\N{NO-BREAK SPACE}€"),
        ("de", "54180001/2000000", "27,09\N{NO-BREAK SPACE}€"),
        ("en", "1/3", "€0.33"),
    ],
)
def test_money_in_the_pages_language(language, value, shown):
    with translation.override(language):
        assert euros(value) == shown
