"""``settings.SESSIONGRAINS``, read and checked in one place, and the process's one client built from it."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

from ..client import DEFAULT_TIMEOUT, Client

SETTING = "SESSIONGRAINS"


def _username(user: Any) -> str:
    return str(user.get_username())


def _group_names(user: Any) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True)) if hasattr(user, "groups") else []


def _remote_addr(request: Any) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


@dataclass(frozen=True)
class Config:
    """What the integration is told in ``settings.SESSIONGRAINS``; every key but the first three has a default."""

    url: str
    site_id: str
    site_key: str
    timeout: float = DEFAULT_TIMEOUT
    touch_interval: float = 30.0
    """Seconds between two touches of one session: the site sees activity up to this much late."""
    resume_after_idle: bool = True
    base_template: str = "sessiongrains/base.html"
    user_id: Callable[[Any], str] = _username
    """The user's id at the site (and at the guard, which sees only what was typed as the user name)."""
    roles: Callable[[Any], list[str]] = _group_names
    """The user's roles, matched against the site's exempt roles: by default the names of the user's groups."""
    client_ip: Callable[[Any], str | None] = _remote_addr
    """The client's address for the site and the guard: ``REMOTE_ADDR``, unless a function that knows the proxies."""


def _load() -> Config:
    raw = getattr(settings, SETTING, None)
    if not isinstance(raw, dict):
        raise ImproperlyConfigured(f"{SETTING} must be a dict with at least URL, SITE_ID and SITE_KEY.")
    missing = [key for key in ("URL", "SITE_ID", "SITE_KEY") if not raw.get(key)]
    if missing:
        raise ImproperlyConfigured(f"{SETTING} needs {', '.join(missing)}.")
    known = {"URL", "SITE_ID", "SITE_KEY", "TIMEOUT", "TOUCH_INTERVAL", "RESUME_AFTER_IDLE", "BASE_TEMPLATE", "USER_ID", "ROLES", "CLIENT_IP"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ImproperlyConfigured(f"{SETTING} has keys it does not know: {', '.join(unknown)} (known: {', '.join(sorted(known))}).")
    timeout = float(raw.get("TIMEOUT", DEFAULT_TIMEOUT))
    touch_interval = float(raw.get("TOUCH_INTERVAL", 30.0))
    if not 0 < timeout <= 60:
        raise ImproperlyConfigured(f"{SETTING}['TIMEOUT'] must be more than 0 and at most 60 seconds.")
    if not 0 <= touch_interval <= 3600:
        raise ImproperlyConfigured(f"{SETTING}['TOUCH_INTERVAL'] must be between 0 and 3600 seconds.")
    return Config(
        url=str(raw["URL"]),
        site_id=str(raw["SITE_ID"]),
        site_key=str(raw["SITE_KEY"]),
        timeout=timeout,
        touch_interval=touch_interval,
        resume_after_idle=bool(raw.get("RESUME_AFTER_IDLE", True)),
        base_template=str(raw.get("BASE_TEMPLATE", Config.base_template)),
        user_id=_function(raw, "USER_ID", _username),
        roles=_function(raw, "ROLES", _group_names),
        client_ip=_function(raw, "CLIENT_IP", _remote_addr),
    )


def _function(raw: dict[str, Any], key: str, default: Callable[..., Any]) -> Callable[..., Any]:
    value = raw.get(key)
    if value is None:
        return default
    if callable(value):
        return value
    try:
        return import_string(str(value))
    except ImportError as error:
        raise ImproperlyConfigured(f"{SETTING}['{key}'] names {value!r}, which cannot be imported: {error}") from error


_lock = threading.RLock()  # get_client reads the settings under it
_config: Config | None = None
_client: Client | None = None


def current() -> Config:
    """The settings as they are now (read again after a test's ``override_settings``)."""
    global _config
    config = _config
    if config is None:
        with _lock:
            if _config is None:
                _config = _load()
            config = _config
    return config


def get_client() -> Client:
    """The process's one client: thread-safe, and keeping a connection alive per thread."""
    global _client
    client = _client
    if client is None:
        with _lock:
            if _client is None:
                config = current()
                _client = Client(config.url, config.site_id, config.site_key, config.timeout)
            client = _client
    return client


def _forget(*, setting: str, **kwargs: Any) -> None:
    global _config, _client
    if setting == SETTING:
        with _lock:
            if _client is not None:
                _client.close()
            _config = None
            _client = None


setting_changed.connect(_forget)
