"""Cross-site WebSocket hijacking in real Chromium: a page served from another port of the same
host opens the facilitator's console socket. The browser sends the facilitator's cookie with
it (same site), so only the server's origin check stands between that page and the console."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import PASSWORD, UserFactory
from tests.live_sessions.conftest import start_session

pytestmark = pytest.mark.e2e

PRIVATE = "Zq only for the facilitator"


def page_that_reads(socket_url):
    """Another site's page: it opens `socket_url` and shows what it receives."""
    return f"""<!doctype html><title>waiting</title><body><pre id="seen"></pre><script>
    const socket = new WebSocket("{socket_url}");
    socket.onmessage = (event) => {{
      document.getElementById("seen").textContent += event.data;
      document.title = "read";
    }};
    socket.onclose = () => {{ if (document.title === "waiting") document.title = "refused"; }};
    </script>"""


@pytest.fixture
def other_port_server():
    """Serves one page from 127.0.0.1 on a port of its own: serve(html) -> its URL."""
    pages = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages["html"].encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def serve(html):
        pages["html"] = html
        return f"http://127.0.0.1:{server.server_port}/"

    yield serve
    server.shutdown()


def test_a_page_on_another_port_cannot_read_the_console(new_page, live_app, other_port_server):
    owner = UserFactory()
    session = start_session(owner)
    session.reveal_next()
    participant, _created = session.join("Ana")
    session.current_card.answers.create(participant=participant, text=PRIVATE, is_private=True)
    browser = new_page()
    browser.goto(reverse("login"))
    browser.get_by_label("E-mail address").fill(owner.email)
    browser.get_by_label("Password").fill(PASSWORD)
    browser.get_by_role("button", name="Log in").click()
    browser.goto(reverse("live_sessions:console", args=[session.pk]))
    expect(browser.locator("#host-answers")).to_contain_text(PRIVATE)  # the facilitator's own

    app = urlsplit(live_app.url)
    socket_url = f"ws://{app.netloc}/ws/live/{session.pk}/host/"
    browser.goto(other_port_server(page_that_reads(socket_url)))
    expect(browser).to_have_title("refused")
    assert PRIVATE not in browser.content()
