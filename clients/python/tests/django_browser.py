"""One browser of the Django test project: Django's test client with its own cookies, and the integration's state
in its session."""

from __future__ import annotations

import html
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client as DjangoClient
from django.utils.module_loading import import_string

PASSWORD = "correct horse battery staple"


def user(name: str, groups: tuple[str, ...] = ()) -> Any:
    from django.contrib.auth.models import Group

    account, _ = get_user_model().objects.get_or_create(username=name)
    account.set_password(PASSWORD)
    account.save()
    account.groups.set([Group.objects.get_or_create(name=group)[0] for group in groups])
    return account


class Browser:
    def __init__(self) -> None:
        self.http = DjangoClient(REMOTE_ADDR="192.0.2.10")

    def sign_in(self, name: str, password: str = PASSWORD, next_url: str | None = None) -> Any:
        user(name)
        data = {"username": name, "password": password}
        if next_url is not None:
            data["next"] = next_url
        return self.http.post("/login/", data)

    def seat(self) -> str | None:
        """The seat a request to the protected page ran under; None when it was sent to sign in."""
        response = self.http.get("/me")
        return response.content.decode() if response.status_code == 200 else None

    def messages(self) -> list[str]:
        """What the sign-in page tells this browser now."""
        page = self.http.get("/login/").content.decode()
        return [html.unescape(line.split(">", 1)[1].split("<", 1)[0]) for line in page.splitlines() if line.startswith('<p class="message">')]

    def session(self) -> Any:
        engine = import_string(settings.SESSION_ENGINE + ".SessionStore")
        return engine(self.http.cookies[settings.SESSION_COOKIE_NAME].value)

    def age_touch(self) -> None:
        """As if the touch interval had passed since this session last touched its seat."""
        session = self.session()
        session["sessiongrains.touched"] = 0
        session.save()
