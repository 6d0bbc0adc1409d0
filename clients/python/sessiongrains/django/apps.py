"""The Django app: checks the settings at start-up and connects the sign-in and sign-out signals."""

from __future__ import annotations

from django.apps import AppConfig


class SessionGrainsConfig(AppConfig):
    name = "sessiongrains.django"
    label = "sessiongrains"
    verbose_name = "SessionGrains"

    def ready(self) -> None:
        from . import config, signals

        # A missing key or URL stops the start, naming the setting, rather than the first sign-in.
        config.current()
        signals.connect()
