"""gunicorn.conf.py: the app is loaded in the master, which hands no database connection down."""

import runpy
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils.translation import trans_real

CONF = Path(__file__).resolve().parents[3] / "gunicorn.conf.py"


def test_the_master_preloads_the_app_and_warms_the_translations():
    settings = runpy.run_path(str(CONF))
    assert settings["preload_app"] is True
    trans_real._translations.clear()  # as in a master that has served nothing yet
    settings["when_ready"](server=None)
    # Every language's catalog is loaded before the fork, so each worker shares it.
    assert set(trans_real._translations) >= {code for code, _name in django_settings.LANGUAGES}
    assert trans_real._translations["de"].gettext("Ideas") == "Ideen"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's in-memory test database is never closed"
)
def test_the_master_hands_no_database_connection_down(transactional_db):
    connection.ensure_connection()  # as if something in the master had opened one
    runpy.run_path(str(CONF))["when_ready"](server=None)
    # A connection forked into every worker would be shared by all of them: it must be closed.
    assert connection.connection is None
