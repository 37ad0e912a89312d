"""The web pages in a real browser: Debian's Chromium driven by Playwright, against the real
API served by uvicorn over loopback, on the sample batch in a real LadybugDB store.

One server and one browser for the whole session; each test opens its own tab, so each
has its own sessionStorage (a fresh sign-in). The server runs in a thread of this process
so that the tests can ask the service what it knows (a pseudonym's worker, to prove a
researcher never sees the name) and revoke a key while a page is open.

Without Chromium or Playwright these tests skip with the reason, except in CI
(``CI=true``), where they fail: a CI run that silently skipped its browser tests would say
nothing about the pages. ``tools/web/install-browser.sh`` installs both.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import uvicorn

from api.app import create_app

CHROMIUM = os.environ.get("LMT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # this machine's network is closed: without these Chromium keeps trying Google's hosts
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "web"
ROLES = ("field", "researcher", "advocacy", "admin")
PHONE = {"width": 360, "height": 740}
FIELD_ORGANISATION = "Disha Gramin Vikas Samiti"
"""The organisation of the sample's W0000001 registration centre (a scoped field key)."""


def _missing() -> str | None:
    problems = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problems.append("the Python package playwright is not installed")
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        problems.append(f"no Chromium at {CHROMIUM} (Debian package chromium)")
    if not problems:
        return None
    return "; ".join(problems) + ": run tools/web/install-browser.sh"


def _need_browser() -> None:
    missing = _missing()
    if missing is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests cannot run in CI: {missing}", pytrace=False)
    pytest.skip(missing)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Site:
    """The running service: its address, a key per role and the app (for its state)."""

    base: str
    keys: dict[str, str]
    app: object
    key_ids: dict[str, str] = field(default_factory=dict)

    @property
    def service(self):
        return self.app.state.service

    def url(self, hash_route: str = "") -> str:
        return f"{self.base}/{hash_route}"


@contextmanager
def serving(app) -> Iterator[Site]:
    """uvicorn on a free port in a thread of this process, a key per role: the Site."""
    keys, key_ids = {}, {}
    for role in ROLES:
        record, secret = app.state.service.keys.create(role, f"browser tests {role}")
        keys[role], key_ids[role] = secret, record.key_id
    # a field key of the organisation of W0000001's centre (others: break the glass)
    record, secret = app.state.service.keys.create("field", organisation=FIELD_ORGANISATION)
    keys["field-org"], key_ids["field-org"] = secret, record.key_id
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, name="lmt-web-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield Site(base=f"http://127.0.0.1:{port}", keys=keys, app=app, key_ids=key_ids)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def site(sample_store, tmp_path_factory) -> Iterator[Site]:
    """uvicorn on a free port serving the API and pages over the shared sample store (read
    only; keys and the audit log go to this session's own access database)."""
    _need_browser()
    access = tmp_path_factory.mktemp("web-access") / "access.sqlite3"
    with serving(create_app(sample_store, access=access)) as served:
        yield served


@pytest.fixture(scope="session")
def browser(site):
    """One Chromium for the session, with an empty profile of its own."""
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="lmt-chromium-")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport=PHONE,
            locale="en-IN",
        )
        context.set_default_timeout(20_000)
        yield context
        context.close()
    shutil.rmtree(profile, ignore_errors=True)


@dataclass
class Tab:
    """A browser tab on the site, with what went wrong in it recorded."""

    page: object
    site: Site
    errors: list[str]
    foreign: list[str]

    def open(self, hash_route: str = "") -> None:
        self.page.goto(self.site.url(hash_route))

    def sign_in(self, role: str) -> None:
        self.open("#/signin")
        self.page.fill("#key", self.site.keys[role])
        self.page.click("form.signin button[type=submit]")
        self.page.wait_for_selector("#nav a")

    def visit(self, role: str, nav_label: str, hash_route: str, ready: str) -> None:
        """Sign in as ``role``, see ``nav_label`` in the menu, open ``hash_route`` and wait
        for ``ready`` (a selector) to be drawn."""
        self.sign_in(role)
        assert nav_label in self.page.inner_text("#nav")
        self.open(hash_route)
        self.page.wait_for_selector(ready)

    def shot(self, name: str, full_page: bool = True) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def shot_of(self, selector: str, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.locator(selector).first.screenshot(path=str(path))
        return path

    def no_horizontal_scroll(self) -> None:
        width, inner = self.page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert width <= inner, f"the page scrolls sideways: {width}px wide in {inner}px"

    def api(self, path: str, role: str) -> dict:
        """What the API itself answers (to compare the page with)."""
        response = self.page.request.get(
            self.site.base + path, headers={"X-API-Key": self.site.keys[role]}
        )
        assert response.ok, response.text()
        return response.json()


@contextmanager
def opened(browser, site: Site) -> Iterator[Tab]:
    """A new tab on ``site`` (so a new sessionStorage: signed out), phone-sized, in English;
    on leaving, no request went to another host and the page logged no error."""
    page = browser.new_page()
    page.set_viewport_size(PHONE)
    errors: list[str] = []
    foreign: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on(
        "request",
        lambda r: None if r.url.startswith((site.base, "data:")) else foreign.append(r.url),
    )
    page.goto(site.url("#/signin"))
    page.evaluate("localStorage.setItem('lmt.lang', 'en')")
    yield Tab(page=page, site=site, errors=errors, foreign=foreign)
    page.close()
    assert not foreign, f"the pages asked another host (no CDN allowed): {foreign}"
    real = [e for e in errors if "status of 40" not in e]  # 401/403/404 answers are expected
    assert not real, f"errors in the page: {real}"


@pytest.fixture
def tab(browser, site) -> Iterator[Tab]:
    """A new tab on the sample site."""
    with opened(browser, site) as fresh:
        yield fresh


@pytest.fixture(scope="session")
def serve():
    """``serve(app)``: a context manager serving another app (over a test's own store) as a
    Site, like ``site``."""
    _need_browser()
    return serving


@pytest.fixture(scope="session")
def tab_on(browser):
    """``tab_on(site)``: a context manager opening a tab on another Site, like ``tab``."""
    return lambda other: opened(browser, other)
