"""Real Chromium (Debian's, not Playwright's download) against a live server."""

import os
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from types import SimpleNamespace

import pytest
from asgiref.sync import SyncToAsync
from axe_playwright_python.sync_playwright import Axe
from channels.testing.live import make_application
from daphne.testing import DaphneProcess
from django.contrib.contenttypes.models import ContentType
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.signals import request_started
from django.db import connections
from django.test import override_settings
from playwright.sync_api import expect, sync_playwright

# How long an expectation waits for the page to come round, as long as an action may take
# (`set_default_timeout` below): two test processes, each with its server and its Chromium,
# share two CPUs, and a busy moment is not a failure.
expect.set_options(timeout=10_000)

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
    # Nor may PostgreSQL's pool (cxworkshop/settings.py): its open connections and its thread
    # would be the server's and this process's at once. Each side opens a pool of its own.
    for connection in connections.all(initialized_only=True):
        if connection.vendor == "postgresql":
            connection.close_pool()
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


def mail_of_the_server(port):
    """Settings that send the server process's mail to the SMTP server on `port`: enabled only
    while it forks, so the tests' own process keeps Django's test outbox."""
    return override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
    )


@pytest.fixture(scope="session")
def asgi_server(django_db_setup, django_db_blocker, tmp_path_factory):
    from tests.mail import SMTPServer

    shared_cache = cache_shared_with_the_server(tmp_path_factory.mktemp("cache"))
    shared_cache.enable()
    mail = SMTPServer()  # what the server process mails (a page's "send me a link") comes here
    with django_db_blocker.unblock(), mail_of_the_server(mail.port):
        process = start_server()  # the forked server inherits database access and mail settings
    mail.start()
    yield SimpleNamespace(url=process.url, mail=mail)
    mail.stop()
    stop_server(process)
    shared_cache.disable()


@pytest.fixture
def live_app(asgi_server, django_db_reset_sequences):
    """Each test starts with an empty database that the server process shares, and an empty
    mailbox for what the server mails (`live_app.mail.received`, tests/mail.py).

    Sequences restart too, so ids in a test do not depend on the tests before it.
    """
    asgi_server.mail.received.clear()
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

    def open_page(viewport=DESKTOP, base_url=None, **options):
        """`options`: more of the context's settings, e.g. locale="de-DE" (Accept-Language)."""
        context = browser.new_context(
            viewport=viewport, base_url=base_url or live_app.url, **options
        )
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


AXE = Axe()  # axe-core, shipped inside the package: a scan needs no network


def settle(page):
    # allSettled: an animation cancelled meanwhile (its element swapped out) is over too.
    page.evaluate("Promise.allSettled(document.getAnimations().map((a) => a.finished))")


def accessibility_problems(page):
    """What axe-core finds wrong on the page as it is now, one readable line a failing element.

    Every rule axe-core runs by default counts, whatever its impact, best practices included
    (one level-one heading, one main landmark, all content in landmarks), and so does colour
    contrast: a screen reader user or someone at the back of the room meets any of them.
    """
    settle(page)  # contrast is measured on what is painted, not halfway through a fade
    violations = AXE.run(page).response["violations"]
    return [
        f"{violation['id']} ({violation['impact']}): {', '.join(map(str, node['target']))}"
        f" - {violation['help']}"
        for violation in violations
        for node in violation["nodes"]
    ]


def assert_accessible(page):
    """Fail with axe-core's findings on this page's current state (any impact level)."""
    problems = accessibility_problems(page)
    assert not problems, f"axe-core on {page.url}:\n" + "\n".join(problems)


def screenshot(page, name):
    """Keep a picture of what the browser showed, for people to look at (not for asserting),
    and check that state with axe-core: every screen a test shows is a screen it scans."""
    ARTIFACTS.mkdir(exist_ok=True)
    settle(page)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
    assert_accessible(page)


@pytest.fixture(autouse=True)
def fast_password_hashing():
    """The server process keeps Django's real password hashers, so the tests do too."""


def log_in(page, user):
    """Log `user` in on `page`, as people do, and wait for their first page (My decks)."""
    from tests.factories import PASSWORD

    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/decks/$"))


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
