"""Cadence settings. Everything that varies between machines comes from the
environment (CADENCE_*); the defaults give a working single-machine install
with SQLite under ./var/."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("CADENCE_VAR_DIR", Path.cwd() / "var"))


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _env_bool("CADENCE_DEBUG", False)
_secret = os.environ.get("CADENCE_SECRET_KEY", "")
if not _secret:
    # pytest sets PYTEST_VERSION; the suite needs no secret of its own.
    if not DEBUG and "PYTEST_VERSION" not in os.environ:
        # Refuse to run a production server with a guessable key; `make run`
        # and the tests set DEBUG or provide a key explicitly.
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "Set CADENCE_SECRET_KEY (or CADENCE_DEBUG=1 for local development)."
        )
    _secret = "cadence-insecure-development-key-do-not-use-in-production"
SECRET_KEY = _secret

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("CADENCE_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CADENCE_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "cadence.core",
    "cadence.people",
    "cadence.jobs",
    "cadence.goals",
    "cadence.reviews",
    "cadence.feedback",
    "cadence.development",
    "cadence.talent",
    "cadence.insights",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cadence.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cadence.core.sessions.SessionRenewalMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "cadence.api.middleware.JsonMethodNotAllowedMiddleware",
]

ROOT_URLCONF = "cadence.urls"
WSGI_APPLICATION = "cadence.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cadence.core.context_processors.navigation",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------
DEFAULT_SQLITE_PATH = VAR_DIR / "cadence.sqlite3"
DATABASE_URL = os.environ.get("CADENCE_DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE_PATH}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASE_URL.endswith(str(DEFAULT_SQLITE_PATH)):
        VAR_DIR.mkdir(parents=True, exist_ok=True)  # a fresh clone has no ./var yet
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL lets readers and one writer work at once; the busy timeout makes a
    # second writer wait for the lock instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": None}  # in-memory for tests
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Caches ---------------------------------------------------------------
# "insights" keeps computed reports (insights/report_cache.py) in a database
# table (insights.KeptReport): shared by every web worker on every machine.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "insights": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "insights_kept_report",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

# --- Auth -----------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["cadence.core.auth.LockoutEmailBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
CADENCE_LOCKOUT_THRESHOLD = int(os.environ.get("CADENCE_LOCKOUT_THRESHOLD", "5"))
CADENCE_LOCKOUT_MINUTES = int(os.environ.get("CADENCE_LOCKOUT_MINUTES", "15"))
SESSION_COOKIE_AGE = int(os.environ.get("CADENCE_SESSION_SECONDS", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Idle expiry: a request renews the session when its last renewal is older
# than this (core/sessions.py), not on every request as
# SESSION_SAVE_EVERY_REQUEST would: one write a minute per person, not per click.
CADENCE_SESSION_RENEW_SECONDS = int(os.environ.get("CADENCE_SESSION_RENEW_SECONDS", "60"))

# --- Security (safe by default; DEBUG relaxes the HTTPS-only bits) ----------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
if not DEBUG:
    SESSION_COOKIE_SECURE = _env_bool("CADENCE_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = _env_bool("CADENCE_SSL_REDIRECT", False)
    SECURE_HSTS_SECONDS = int(os.environ.get("CADENCE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("CADENCE_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("CADENCE_STATIC_ROOT", VAR_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# In production `collectstatic` (run by `cadence serve`) writes copies whose
# names carry a hash of their content (cadence.0c75f75f101b.css) with gzip and,
# when the brotli package is installed, brotli siblings, and a manifest that
# {% static %} reads. WhiteNoise serves those names with a ten-year immutable
# Cache-Control and everything else with a short one. Debug and the test suite
# serve the source files as they are, without a collectstatic step.
_SERVE_SOURCE_STATIC = DEBUG or "PYTEST_VERSION" in os.environ
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if _SERVE_SOURCE_STATIC
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = _SERVE_SOURCE_STATIC
# Only the hashed copies are kept (and compressed): half the work at deploy time.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
# Source maps are only fetched by developer tools; compressing the API docs'
# large maps would double the time collectstatic takes. Formats that are
# already compressed are skipped too, as WhiteNoise does by default.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (
    "jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br",
    "woff", "woff2", "map",
)  # fmt: skip

# --- Background tasks ------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("CADENCE_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- E-mail (notifications) -------------------------------------------------
# The console by default (mails are printed by the worker); SMTP once a host is set.
EMAIL_HOST = os.environ.get("CADENCE_EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("CADENCE_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("CADENCE_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("CADENCE_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = _env_bool("CADENCE_EMAIL_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("CADENCE_EMAIL_FROM", "cadence@localhost")
# Links in e-mails are made absolute with this (e.g. https://cadence.example.com).
CADENCE_BASE_URL = os.environ.get("CADENCE_BASE_URL", "")

# --- Logging ----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CADENCE_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Cadence ----------------------------------------------------------------
CADENCE_PAGE_SIZE = 25
CADENCE_API_MAX_LIMIT = 500
# Insights: a group (department, manager, protected-attribute group...) with
# fewer people than this is shown as "not enough data", never as a number.
# DESIGN section 4: default 5, never below 3.
CADENCE_INSIGHTS_MIN_GROUP_SIZE = max(
    3, int(os.environ.get("CADENCE_INSIGHTS_MIN_GROUP_SIZE", "5"))
)
# Insights reports are computed once per viewer and filter and kept this many
# seconds (insights/report_cache.py; the page offers "Refresh now"). 0: never kept.
CADENCE_INSIGHTS_CACHE_SECONDS = int(os.environ.get("CADENCE_INSIGHTS_CACHE_SECONDS", "300"))
