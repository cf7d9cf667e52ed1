"""gunicorn's settings for Quartier; gunicorn reads this file when it starts in this directory.

The application is loaded once in the master and the workers are forked from it: a worker that
dies (a crash, the kernel's OOM killer, ``kill -9``) is replaced in milliseconds instead of
importing Django again (about 2 s of CPU here, taken from the workers still serving). Command-line
flags (``-w``, ``-b``) and ``GUNICORN_CMD_ARGS`` still apply on top of this.
"""

preload_app = True


def when_ready(server) -> None:
    """Before the first fork: load what every worker needs anyway, so that each fork shares it
    instead of loading it at its first request; and hold no database connection to hand down."""
    from django.conf import settings
    from django.db import connections
    from django.template.loader import get_template
    from django.utils.translation import trans_real

    for code, _name in settings.LANGUAGES:
        trans_real.translation(code)  # reads and merges every app's catalog for the language
    get_template("base.html")
    connections.close_all()
