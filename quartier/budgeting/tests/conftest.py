import pytest

from quartier.conftest import make_user


@pytest.fixture
def evaluator(dortmund):
    """The city's jury member who reviews proposals."""
    return make_user("jury@example.org", name="Jury", city=dortmund, role="evaluator")
