"""A real background worker for test_worker.py (``python -m``), with two test-only knobs.

``TEST_STALE_AFTER`` shortens RECOMPUTE_STALE_AFTER (seconds) so that recovery fits in a test;
while the file ``TEST_SLOW_FILE`` exists, an analysis writes ``TEST_STARTED_FILE`` and waits, so
that the test can kill the worker in the middle of a run. Everything else is the real worker
(``manage.py run_worker``) on the real settings of the demo.
"""

import os
import time
from datetime import timedelta
from pathlib import Path

import django


def main() -> None:
    django.setup()
    from django.core.management import call_command

    from quartier.deliberation import services

    services.RECOMPUTE_STALE_AFTER = timedelta(seconds=float(os.environ["TEST_STALE_AFTER"]))
    slow = Path(os.environ["TEST_SLOW_FILE"])
    started = Path(os.environ["TEST_STARTED_FILE"])
    analyse = services._analyse

    def analyse_slowly(conversation):
        if slow.exists():
            started.write_text(str(conversation.pk))
            while slow.exists():
                time.sleep(0.05)
        return analyse(conversation)

    services._analyse = analyse_slowly  # type: ignore[assignment]
    call_command(
        "run_worker",
        "--no-reload",
        "--no-startup-delay",
        "--interval=0.1",
        "--sweep-interval=0.5",
    )


if __name__ == "__main__":
    main()
