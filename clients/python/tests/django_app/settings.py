"""Settings for the integration's tests; ``configure`` is called once per test process, with the data folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def configure(data: Path, sessiongrains: dict[str, Any]) -> None:
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY="django-tests-only-not-a-secret",
        ALLOWED_HOSTS=["testserver", "127.0.0.1", "localhost"],
        ROOT_URLCONF="django_app.urls",
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "sessiongrains.django",
        ],
        MIDDLEWARE=[
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "sessiongrains.django.middleware.SeatMiddleware",
        ],
        AUTHENTICATION_BACKENDS=["sessiongrains.django.backends.SignInGuardBackend", "django.contrib.auth.backends.ModelBackend"],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(data / "db.sqlite3")}},
        # Sessions in memory: parallel requests of one session in threads, without SQLite's writer lock.
        SESSION_ENGINE="django.contrib.sessions.backends.cache",
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        MESSAGE_STORAGE="django.contrib.messages.storage.session.SessionStorage",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],  # fast, for tests only
        TEMPLATES=[{
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [str(Path(__file__).parent / "templates")],
            "APP_DIRS": True,
            "OPTIONS": {"context_processors": ["django.contrib.auth.context_processors.auth", "django.contrib.messages.context_processors.messages"]},
        }],
        LOGIN_URL="/login/",
        LOGIN_REDIRECT_URL="/me",
        USE_TZ=True,
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        SESSIONGRAINS=sessiongrains,
    )
