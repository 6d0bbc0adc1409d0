"""Settings of the demo: a minimal Django site whose sign-ins take seats of a SessionGrains site.

Everything that differs between machines or must stay secret comes from the environment:

- ``SESSIONGRAINS_URL``, ``SESSIONGRAINS_SITE_ID``, ``SESSIONGRAINS_SITE_KEY`` (required): the server's HTTP address,
  the site this demo gates, and a key of that site.
- ``DEMO_DATA_DIR``: where the SQLite database and the generated secret key are kept (default ``data/`` beside
  ``manage.py``).
- ``DJANGO_SECRET_KEY``: if unset, one is generated on the first start and kept in the data folder.
- ``DJANGO_DEBUG``: ``1`` turns Django's debug mode on (never on a public address).
- ``DJANGO_ALLOWED_HOSTS``: more host names to serve, comma-separated, besides localhost.
"""

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("DEMO_DATA_DIR") or BASE_DIR / "data")


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"The environment variable {name} is not set. The demo needs SESSIONGRAINS_URL (the server's HTTP "
            "address), SESSIONGRAINS_SITE_ID and SESSIONGRAINS_SITE_KEY (a key of that site); see README.md."
        )
    return value


def _secret_key() -> str:
    """DJANGO_SECRET_KEY, or the one generated into the data folder on the first start (readable by its owner only)."""
    configured = os.environ.get("DJANGO_SECRET_KEY", "").strip()
    if configured:
        return configured
    path = DATA_DIR / "secret-key"
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        key = secrets.token_urlsafe(50)
        file.write(key)
    return key


# Checked first, so a start without them stops before it writes anything.
SESSIONGRAINS = {
    "URL": _required("SESSIONGRAINS_URL"),
    "SITE_ID": _required("SESSIONGRAINS_SITE_ID"),
    "SITE_KEY": _required("SESSIONGRAINS_SITE_KEY"),
    "TOUCH_INTERVAL": 30,
    "RESUME_AFTER_IDLE": True,
    "BASE_TEMPLATE": "base.html",
}

SECRET_KEY = _secret_key()
DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"] + [
    host.strip() for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if host.strip()
]

INSTALLED_APPS = [
    "demo",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "sessiongrains.django",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "sessiongrains.django.middleware.SeatMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# The guard asks the site before any password is checked: a blocked address or user is refused without one.
AUTHENTICATION_BACKENDS = [
    "sessiongrains.django.backends.SignInGuardBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "demo.urls"
WSGI_APPLICATION = "demo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "demo.sqlite3",
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "index"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

# Errors (with their tracebacks) and requests go to the console, debug mode or not.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
