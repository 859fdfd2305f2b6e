"""A real workbench server on a free localhost port and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "tests" / "_artifacts"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, seconds: float) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"server did not answer at {url} within {seconds} s")


class Server:
    """`streamlit run workbench.py` (the router with a browser key per visitor) with its own
    projects folder; restartable."""

    def __init__(self, home: Path) -> None:
        self.home, self.port, self.proc = home, _free_port(), None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {**os.environ, "PERSONA_MINING_HOME": str(self.home)}
        self.log = open(self.home / f"server-{time.time():.0f}.log", "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "workbench.py"),
             "--server.port", str(self.port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        _wait(self.url + "/_stcore/health", 90)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            self.proc = None
            self.log.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """One workbench server for all real-browser tests (each browser context is a new visitor
    with its own key, so tests do not see each other's projects)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (scripts/system_deps.sh installs it)")
    srv = Server(tmp_path_factory.mktemp("e2e-home"))
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


class Visitors:
    """New browsers (own cookie jars) on a server; every request their pages make is
    recorded, and one to another origin is answered locally with an error instead of going
    out (tests never touch the network). ``foreign()`` lists those; the fixture fails a test
    that made any: nothing may leave the machine."""

    def __init__(self, browser) -> None:
        self.browser, self.requests, self.contexts = browser, [], []

    def new_page(self, server, **context_args):
        context = self.browser.new_context(**context_args)
        origin = server.url

        def route(r):
            self.requests.append(r.request.url)
            if r.request.url.startswith((origin, "data:", "blob:")):
                r.continue_()
            else:
                r.abort()
        context.route("**/*", route)
        context.on("websocket", lambda ws: self.requests.append(ws.url))
        self.contexts.append((context, origin))
        page = context.new_page()
        page.set_default_timeout(120_000)
        return page

    def foreign(self) -> list[str]:
        from urllib.parse import urlsplit

        own = {urlsplit(origin).netloc for _, origin in self.contexts}
        return sorted({u for u in self.requests if not u.startswith(("data:", "blob:"))
                       and urlsplit(u).netloc not in own})


@pytest.fixture
def visitors(browser):
    v = Visitors(browser)
    yield v
    for context, _ in v.contexts:
        context.close()
    assert v.requests, "no request was recorded"
    assert not v.foreign(), f"requests left the machine: {v.foreign()}"


@pytest.fixture
def shots():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def fresh_server(tmp_path):
    """A server that has served nothing yet (for first-request behaviour)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (scripts/system_deps.sh installs it)")
    srv = Server(tmp_path)
    srv.start()
    yield srv
    srv.stop()
