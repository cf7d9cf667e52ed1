"""The demo: runs with no configuration at all on SQLite."""

import os

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY") or "demo-only-insecure-key-do-not-use-in-production"
