"""Real Chromium (Debian's, not Playwright's download) against a live server."""

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from types import SimpleNamespace

import pytest
from asgiref.sync import SyncToAsync
from channels.testing.live import make_application
from daphne.testing import DaphneProcess
from django.contrib.contenttypes.models import ContentType
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.signals import request_started
from django.db import connections
from django.test import override_settings
from playwright.sync_api import expect, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 375, "height": 760}


def fresh_executor_in_child():
    """asgiref runs consumers' database calls on one class-wide thread pool. Forked from a
    pytest process whose async tests already used it, the server would inherit a pool whose
    worker thread did not survive the fork: every WebSocket handshake then waited forever
    (the browser saw ERR_CONNECTION_RESET) whenever socket tests ran before the browser tests.
    """
    SyncToAsync.single_thread_executor = ThreadPoolExecutor(max_workers=1)


os.register_at_fork(after_in_child=fresh_executor_in_child)


def forget_content_types(**kwargs):
    ContentType.objects.clear_cache()


def fresh_content_types_in_child():
    """A transactional test's flush makes the content types again, with new ids when the
    sequences were not reset (tests outside this folder); tags find their stories by those ids,
    so the server looks them up afresh for every request."""
    request_started.connect(forget_content_types)


os.register_at_fork(after_in_child=fresh_content_types_in_child)


def cache_shared_with_the_server(folder):
    """Settings that put the cache where the forked server sees it too, unless it is already
    shared (Redis): each test's fresh rate-limit counts (tests/conftest.py) are then the
    server's as well, instead of log-ins adding up in its own memory over the whole run."""
    from django.conf import settings

    if "LocMemCache" not in settings.CACHES["default"]["BACKEND"]:
        return override_settings()
    backend = "django.core.cache.backends.filebased.FileBasedCache"
    return override_settings(CACHES={"default": {"BACKEND": backend, "LOCATION": str(folder)}})


def start_server():
    """The whole app, HTTP and WebSockets, served by Daphne in a process of its own.

    The process is forked after the test database exists, so it inherits settings that
    already point at it.
    """
    connections.close_all()
    # Connections opened by earlier socket tests live in asgiref's worker thread; a SQLite
    # connection must not cross a fork either.
    SyncToAsync.single_thread_executor.submit(connections.close_all).result()
    # Tags find their stories by content type id: a cache filled by an earlier test's
    # rolled-back rows must not be inherited by the server.
    ContentType.objects.clear_cache()
    process = DaphneProcess(
        "127.0.0.1", partial(make_application, static_wrapper=ASGIStaticFilesHandler)
    )
    process.start()
    if not process.ready.wait(timeout=30):
        process.terminate()
        raise RuntimeError("The Daphne test server did not start.")
    process.url = f"http://127.0.0.1:{process.port.value}"
    return process


def stop_server(process):
    process.terminate()
    process.join(timeout=10)


@pytest.fixture(scope="session")
def asgi_server(django_db_setup, django_db_blocker, tmp_path_factory):
    shared_cache = cache_shared_with_the_server(tmp_path_factory.mktemp("cache"))
    shared_cache.enable()
    with django_db_blocker.unblock():  # the forked server inherits database access
        process = start_server()
    yield SimpleNamespace(url=process.url)
    stop_server(process)
    shared_cache.disable()


@pytest.fixture
def live_app(asgi_server, django_db_reset_sequences):
    """Each test starts with an empty database that the server process shares.

    Sequences restart too, so ids in a test do not depend on the tests before it.
    """
    return asgi_server


@pytest.fixture(scope="module")
def browser(asgi_server):
    if not Path(CHROMIUM).exists():
        message = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI requires the browser tests.")
        pytest.skip(f"{message}; the browser tests are skipped.")
    # Playwright's sync API keeps an event loop running in this thread; the test's own
    # database calls are still ordinary synchronous ones.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def new_page(browser, live_app):
    """Open a page in a fresh browser context: new_page(viewport=PHONE).

    Every browser test also checks the Content-Security-Policy: anything the policy refused
    (an inline script or style, an eval, a socket or file from elsewhere) fails the test, so
    a page cannot quietly depend on what the policy forbids.
    """
    contexts = []
    refused = []

    def note_refusal(message):
        if "Content Security Policy" in message.text:
            refused.append(f"{message.page.url if message.page else ''}: {message.text}")

    def open_page(viewport=DESKTOP, base_url=None):
        context = browser.new_context(viewport=viewport, base_url=base_url or live_app.url)
        context.set_default_timeout(10_000)
        context.on("console", note_refusal)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
    assert not refused, "The Content-Security-Policy refused:\n" + "\n".join(refused)


@pytest.fixture
def page(new_page):
    return new_page()


def screenshot(page, name):
    """Keep a picture of what the browser showed, for people to look at (not for asserting)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("Promise.all(document.getAnimations().map((a) => a.finished))")
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


@pytest.fixture(autouse=True)
def fast_password_hashing():
    """The server process keeps Django's real password hashers, so the tests do too."""


def join(new_page, code, name):
    """A participant joins from a phone of their own, typing the code as people do."""
    phone = new_page(viewport=PHONE)
    phone.goto("/join/")
    phone.get_by_label("Join code").fill(code.lower())
    phone.get_by_role("button", name="Join").click()
    phone.get_by_label("Your name").fill(name)
    phone.get_by_role("button", name="Join the session").click()
    expect(phone.get_by_text("You're in!")).to_be_visible()
    return phone
