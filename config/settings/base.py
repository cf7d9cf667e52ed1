"""Settings shared by every environment; each value can come from the environment."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django_htmx",
    "csp",
    "allauth",
    "allauth.account",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "quartier.core",
    "quartier.accounts",
    "quartier.cities",
    "quartier.participation",
    "quartier.moderation",
    "quartier.legal",
    "quartier.notifications",
    "quartier.ideas",
    "quartier.deliberation",
    "quartier.budgeting",
    "quartier.labs",
    "quartier.implementation",
    "quartier.api",
    "quartier.pages",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "quartier.core.middleware.RequestBoundaryMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "quartier.legal.middleware.LegalMiddleware",
    # Last, so that its process_exception sees the view's error first, with the language set.
    "quartier.core.middleware.DatabaseBusyMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "quartier" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "quartier.pages.context_processors.platform",
                "quartier.legal.context_processors.legal",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'quartier.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while a writer (worker, admin) holds the lock.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        # Seconds a write waits for another writer before "database is locked" (a 503 page).
        "timeout": int(os.environ.get("SQLITE_BUSY_TIMEOUT", "20")),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# The vote's busiest statements, prepared once per connection (quartier/core/prepared.py);
# 0 behind a pooler that moves statements between server connections (PgBouncer in
# transaction mode before 1.21).
DB_PREPARED_STATEMENTS = env_bool("DB_PREPARED_STATEMENTS", True)

# Django's database sessions, read and written with one plain statement each.
SESSION_ENGINE = "quartier.core.sessions"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
SITE_ID = 1

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# allauth: email login, verified email before anyone can write.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_SIGNUP_FORM_CLASS = "quartier.accounts.forms.ProfileSignupForm"
# Unset: "[<the Site's name>] ", e.g. "[Quartier Dortmund] " (the demo loader names the Site).
ACCOUNT_EMAIL_SUBJECT_PREFIX = os.environ.get("ACCOUNT_EMAIL_SUBJECT_PREFIX")
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key", "signup": "20/m/ip"}
# Behind a reverse proxy every request comes from the proxy's address, and the limits per
# address would count everyone together. The number of proxies in front of the app that append
# to X-Forwarded-For (0: the header is ignored, as anyone can send it), or the header that a
# trusted proxy sets to the client's address (e.g. X-Real-IP).
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = os.environ.get("TRUSTED_CLIENT_IP_HEADER") or None

# Opinion maps that allow taking part without an account: a pseudonym is a cookie, and a fresh
# browser is a fresh pseudonym. So beside the count per participant, pseudonymous participation
# is counted per client address (the address above, kept only as a keyed hash) and per map.
# Every count runs for OPINION_MAP_LIMIT_SECONDS from its first entry. Accounts are counted per
# account only: people signed in at a workshop on one network are not limited together.
OPINION_MAP_LIMIT_SECONDS = int(os.environ.get("OPINION_MAP_LIMIT_SECONDS", "3600"))
OPINION_MAP_STATEMENTS_PER_PARTICIPANT = int(
    os.environ.get("OPINION_MAP_STATEMENTS_PER_PARTICIPANT", "10")
)
# New pseudonyms one address may start on one map (voting or writing takes one).
OPINION_MAP_PSEUDONYMS_PER_ADDRESS = int(os.environ.get("OPINION_MAP_PSEUDONYMS_PER_ADDRESS", "30"))
OPINION_MAP_PSEUDONYMOUS_STATEMENTS_PER_ADDRESS = int(
    os.environ.get("OPINION_MAP_PSEUDONYMOUS_STATEMENTS_PER_ADDRESS", "10")
)
OPINION_MAP_PSEUDONYMOUS_STATEMENTS_PER_MAP = int(
    os.environ.get("OPINION_MAP_PSEUDONYMOUS_STATEMENTS_PER_MAP", "50")
)
# The key of the prize-money vote's code hashes (HMAC-SHA256, ADR 0005). Unset: derived from
# SECRET_KEY, so rotating SECRET_KEY would void every unused voting code; a city that prints
# codes sets its own and keeps it for the length of the vote.
VOTING_CODE_SECRET = os.environ.get("VOTING_CODE_SECRET", "")
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "account_login"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "quartier@localhost")
# The address of the site in e-mails (links to notifications, one-click unsubscribe).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Unambiguous English dates ("2 December 2026"): see config/formats/en/formats.py.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
WHITENOISE_AUTOREFRESH = DEBUG
NODE_MODULES = BASE_DIR / "node_modules"
# Third-party browser code comes from npm (pinned in package-lock.json), never copied into the repo.
STATICFILES_DIRS = [
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
    ("vendor/leaflet.markercluster", NODE_MODULES / "leaflet.markercluster" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))

# Uploads: images are limited in the form (5 MB each); this caps what Django buffers at all.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
IDEA_IMAGE_MAX_BYTES = int(os.environ.get("IDEA_IMAGE_MAX_BYTES", str(5 * 1024 * 1024)))
IDEA_IMAGE_MAX_COUNT = 5
# Bounds on one request, checked before its body is read: the largest form (an idea with all
# its images) plus room for the text; and how many files a request may carry at all.
_LARGEST_FORM = IDEA_IMAGE_MAX_COUNT * IDEA_IMAGE_MAX_BYTES + 1_048_576
REQUEST_MAX_BYTES = int(os.environ.get("REQUEST_MAX_BYTES", str(_LARGEST_FORM)))
DATA_UPLOAD_MAX_NUMBER_FILES = IDEA_IMAGE_MAX_COUNT + 5

CACHES = {
    "default": {
        "BACKEND": os.environ.get("CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": os.environ.get("CACHE_LOCATION", "quartier"),
    },
    # Rendered pieces of the layout: each worker keeps its own, as they are cheaper to render
    # again than to fetch from another server; their keys name everything they show.
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "quartier-fragments",
        "TIMEOUT": 600,
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

# Map tiles: OpenStreetMap by default; a city can point this at its own tile server.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = os.environ.get(
    "MAP_TILE_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
)
DEFAULT_CITY_SLUG = os.environ.get("DEFAULT_CITY_SLUG", "dortmund")


def tile_origin(url: str) -> str:
    """The origin the map's tiles come from, for the Content-Security-Policy: a template such as
    https://{s}.tile.example.org/{z}/{x}/{y}.png allows https://*.tile.example.org."""
    parts = urlsplit(url.replace("{s}.", "subdomain-placeholder."))
    host = parts.netloc.replace("subdomain-placeholder.", "*.")
    return f"{parts.scheme}://{host}" if parts.scheme in {"http", "https"} and host else ""


# Every script is a file of our own (no inline script, no eval: htmx needs none without hx-on
# or js: values), so a script injected into a page does not run. Styles allow inline
# attributes: the templates set colours and bar widths with style="...".
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", *filter(None, [tile_origin(MAP_TILE_URL)])],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
