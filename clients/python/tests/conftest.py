"""The real server for the client's tests: started once, from its own build output, on free loopback ports, with a
throwaway SQLite data directory and a known admin key (as the C# tests' ApiServer does). Each test works on sites of
its own, configured with the admin key; the client under test acts with a site key, as a web app would."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from sessiongrains import Client
from servers import free_port

REPOSITORY = Path(__file__).resolve().parents[3]
SERVER_DLL = REPOSITORY / "src/SessionGrains.Server/bin/Release/net10.0/SessionGrains.Server.dll"
ADMIN_KEY = "test-admin-key-0123456789abcdefghijklmnop"

# Sign-ins one site's keys may send at once: low enough that a test can cross it quickly, high enough that no other
# test comes near it (none opens more than a dozen sessions on one site).
OPEN_BURST = 20


class Server:
    """One running server process and what the tests need of it: its address and admin calls."""

    def __init__(self, address: str, process: subprocess.Popen[bytes], log: Path) -> None:
        self.address = address
        self.process = process
        self.log = log

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        """An admin-key request; returns the JSON answer (None when empty), fails the test on any error status."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.address + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {ADMIN_KEY}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                text = response.read()
        except urllib.error.HTTPError as error:
            raise AssertionError(f"{method} {path} answered {error.code}: {error.read().decode()}") from error
        return json.loads(text) if text else None

    def new_site(self, settings: dict[str, Any]) -> str:
        """A site id no other test uses, configured with ``settings`` (the API's JSON names)."""
        site_id = f"py-{uuid.uuid4().hex}"
        self.admin("PUT", f"/api/sites/{site_id}", settings)
        return site_id

    def issue_key(self, site_id: str) -> str:
        return self.admin("POST", f"/api/sites/{site_id}/keys")["key"]

    def kick(self, site_id: str, session_id: str) -> None:
        self.admin("DELETE", f"/api/sites/{site_id}/sessions/{session_id}")

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def _start(data_directory: Path, log: Path) -> Server | None:
    """Starts the server; None when a silo port picked as free was taken before the server bound it.

    Kestrel binds a port of the kernel's choosing and logs it, so no other process can answer in its place."""
    environment = dict(os.environ)
    environment.update(
        {
            "SessionGrains__DataDirectory": str(data_directory),
            "SessionGrains__AdminApiKey": ADMIN_KEY,
            "SessionGrains__SiloPort": str(free_port()),
            "SessionGrains__GatewayPort": str(free_port()),
            "SessionGrains__RateLimits__SiteOpensPerSecond": str(OPEN_BURST),
            "SessionGrains__RateLimits__SiteOpenBurst": str(OPEN_BURST),
            "Logging__LogLevel__Microsoft.Hosting.Lifetime": "Information",
        }
    )
    with log.open("wb") as output:
        # Run from its build folder, its content root, where it finds its appsettings.json.
        process = subprocess.Popen(
            ["dotnet", str(SERVER_DLL), "--urls", "http://127.0.0.1:0"],
            cwd=SERVER_DLL.parent,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = Server("", process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            if "address already in use" in server.output().lower():
                return None
            raise RuntimeError(f"The server exited with code {process.returncode}:\n{server.output()}")
        listening = re.search(r"Now listening on: (http://127\.0\.0\.1:\d+)", server.output())
        if listening is None:
            time.sleep(0.05)
            continue
        server.address = listening.group(1)
        try:
            with urllib.request.urlopen(server.address + "/healthz", timeout=5):
                return server
        except urllib.error.HTTPError:
            return server  # it answers: listening (healthy or not, the tests will say)
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"The server did not start listening within a minute:\n{server.output()}")


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    if not SERVER_DLL.is_file():
        raise RuntimeError(f"{SERVER_DLL} is missing: build the server in Release first (tests/run.sh does).")
    work = Path(tempfile.mkdtemp(prefix="sessiongrains-python-"))
    started: Server | None = None
    try:
        for attempt in range(3):
            started = _start(work / f"data-{attempt}", work / f"server-{attempt}.log")
            if started is not None:
                break
        if started is None:
            raise RuntimeError("The server could not bind its ports in three attempts.")
        yield started
    finally:
        if started is not None and started.process.poll() is None:
            started.process.send_signal(signal.SIGTERM)
            try:
                started.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                started.process.kill()
                started.process.wait()
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture
def make_site(server: Server) -> Iterator[Callable[..., tuple[str, Client]]]:
    """Configures a new site with the given settings and returns its id and a client acting with its key."""
    clients: list[Client] = []

    def make(settings: dict[str, Any] | None = None, timeout: float = 10.0) -> tuple[str, Client]:
        site_id = server.new_site(settings or {"limit": -1})
        client = Client(server.address, site_id, server.issue_key(site_id), timeout=timeout)
        clients.append(client)
        return site_id, client

    yield make
    for client in clients:
        client.close()


def wait_for(condition: Callable[[], Any], timeout: float = 15.0, interval: float = 0.1, what: str = "condition") -> Any:
    """Asks ``condition`` until it returns something true, and returns that; fails once ``timeout`` has passed."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout:g} s waiting for {what}.")
        time.sleep(interval)


# The Django integration's tests: one Django project per test process (Django is configured once), pointed at a new
# site for each test with override_settings.


class DjangoSite:
    """A site the Django test project is gated by, and a client with its key for the tests' own questions."""

    def __init__(self, server: Server, site_id: str, client: Client, settings: dict[str, Any]) -> None:
        self.server = server
        self.site_id = site_id
        self.client = client
        self.settings = settings

    def sessions(self) -> list[Any]:
        return list(self.client.iter_sessions())


@pytest.fixture(scope="session")
def django_project(server: Server, tmp_path_factory: pytest.TempPathFactory) -> None:
    import django
    from django.core.management import call_command

    from django_app import settings as project_settings

    project_settings.configure(tmp_path_factory.mktemp("django"), {"URL": server.address, "SITE_ID": "unset", "SITE_KEY": "unset"})
    django.setup()
    call_command("migrate", verbosity=0)


@pytest.fixture
def django_site(django_project: None, make_site: Callable[..., tuple[str, Client]], server: Server) -> Iterator[Callable[..., DjangoSite]]:
    """Points the Django project at a new site with the given site settings (and SESSIONGRAINS settings)."""
    from django.test import override_settings

    overrides: list[Any] = []

    def make(site_settings: dict[str, Any], **sessiongrains: Any) -> DjangoSite:
        site_id, client = make_site(site_settings)
        settings = {"URL": server.address, "SITE_ID": site_id, "SITE_KEY": server.issue_key(site_id), **sessiongrains}
        override = override_settings(SESSIONGRAINS=settings)
        override.enable()
        overrides.append(override)
        return DjangoSite(server, site_id, client, settings)

    yield make
    for override in reversed(overrides):
        override.disable()
