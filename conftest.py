"""Fixtures shared by every test package in the repository."""

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent


def shared_data_root() -> Path:
    """The team's shared folder (``../shared`` beside the checkout unless overridden)."""
    return Path(os.environ.get("QUARTIER_SHARED_DIR", REPO_ROOT.parent / "shared")) / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Real public data in ``../shared/data``.

    Tests using it carry the ``realdata`` marker. Outside CI a missing folder skips them with a
    reason; in CI (``CI=true``) a missing folder is a failure, so real-data checks never vanish.
    """
    root = shared_data_root()
    if not root.is_dir():
        message = f"real public data not found at {root} (set QUARTIER_SHARED_DIR)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return root
