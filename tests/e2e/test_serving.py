"""The app as `make run` serves it (cxworkshop/serve.py, a real Uvicorn process), against
clients that misbehave, and what its logs say about the people in the room."""

import contextlib
import json
import re
import socket
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from decks import transfer
from decks.models import Deck
from sessions.models import Answer, LiveSession, Participant
from tests.factories import PASSWORD, CardFactory, DeckFactory, UserFactory
from tests.servers import Phone

pytestmark = pytest.mark.slow

STALLED = 6  # more than the server's HTTP_CONCURRENCY (4) turns
WITHIN = 60  # seconds: generous, so that a server that hangs fails the test instead


@pytest.fixture
def live_session(transactional_db):
    owner = UserFactory()
    deck = DeckFactory(owner=owner)
    CardFactory(deck=deck, prompt="What made you smile?")
    session = LiveSession.start(deck, owner, join_base_url="http://testserver", is_shuffled=False)
    session.reveal_next()
    return session


def stalled_upload(server, path):
    """A client that starts a form POST of 100,000 bytes, sends a hundred, then nothing."""
    client = socket.create_connection(("127.0.0.1", server.port), timeout=WITHIN)
    client.sendall(
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode()
        + b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n"
        + b"display_name=" + b"x" * 87
    )  # fmt: skip
    return client


def join_and_answer(server, session, text):
    join_path = reverse("live_sessions:join", args=[session.join_code])
    phone = Phone(server.url)
    status, _page = phone.post(
        join_path, {"csrfmiddlewaretoken": phone.csrf(join_path), "display_name": "Ana"}
    )
    assert status == 200
    return phone.post(
        reverse("live_sessions:answer", args=[session.join_code]),
        {"csrfmiddlewaretoken": phone.csrf(join_path), "text": text},
    )


def test_stalled_uploads_leave_pages_joins_and_answers_working(app_server, live_session):
    server = app_server(CXW_HTTP_BODY_TIMEOUT="3600")  # the stalled clients keep their connections
    join_path = reverse("live_sessions:join", args=[live_session.join_code])
    with contextlib.ExitStack() as stalled:
        for _ in range(STALLED):
            stalled.enter_context(stalled_upload(server, join_path))

        with urllib.request.urlopen(f"{server.url}/healthz", timeout=WITHIN) as health:
            assert health.status == 200
        status, _page = join_and_answer(server, live_session, "Still served")
        assert status == 200
        assert Answer.objects.get().text == "Still served"


def test_a_stalled_upload_is_answered_408_and_closed(app_server, live_session):
    server = app_server(CXW_HTTP_BODY_TIMEOUT="1")
    join_path = reverse("live_sessions:join", args=[live_session.join_code])
    with contextlib.ExitStack() as stalled:
        clients = [stalled.enter_context(stalled_upload(server, join_path)) for _ in range(STALLED)]
        for client in clients:
            with client.makefile("rb") as answer:
                assert answer.readline().startswith(b"HTTP/1.1 408 ")
                assert b"connection: close\r\n" in answer.read().lower()  # to the end: closed
    assert not Participant.objects.exists()


def test_an_upload_larger_than_any_form_takes_is_refused_before_it_is_read(
    app_server, live_session
):
    server = app_server()
    with socket.create_connection(("127.0.0.1", server.port), timeout=WITHIN) as client:
        client.sendall(
            f"POST /join/{live_session.join_code}/ HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode()
            + b"Content-Length: 100000000\r\n\r\n"
        )
        with client.makefile("rb") as answer:
            assert answer.readline().startswith(b"HTTP/1.1 413 ")
            assert b"larger than the server accepts" in answer.read()
    assert not Participant.objects.exists()


def test_a_body_larger_than_django_takes_is_refused_where_no_file_is_expected(
    app_server, live_session
):
    """Only the forms that take a deck file may send more than a form's fields take."""
    server = app_server(CXW_HTTP_BODY_TIMEOUT="3600")
    length = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + settings.DECK_IMPORT_MAX_BYTES
    with socket.create_connection(("127.0.0.1", server.port), timeout=WITHIN) as client:
        client.sendall(
            f"POST /join/{live_session.join_code}/ HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode()
            + f"Content-Length: {length}\r\n\r\n".encode()
        )
        with client.makefile("rb") as answer:
            assert answer.readline().startswith(b"HTTP/1.1 413 ")
    assert not Participant.objects.exists()


def memory_of(server):
    """The server process's resident memory, in bytes (Linux)."""
    status = Path(f"/proc/{server.process.pid}/status").read_text()
    return int(re.search(r"^VmRSS:\s+(\d+) kB$", status, re.MULTILINE).group(1)) * 1024


def unread_bytes(server):
    """Bytes on their way to or from the server's port that the receiving process has not read
    yet, from the kernel's table of this machine's TCP connections (Linux)."""
    unread = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        _slot, local, remote, state, queues = line.split()[:5]
        ports = {int(address.split(":")[1], 16) for address in (local, remote)}
        if state == "01" and server.port in ports:  # established
            unread += sum(int(queue, 16) for queue in queues.split(":"))
    return unread


def test_many_slow_uploads_are_held_on_disk_not_in_the_servers_memory(app_server, live_session):
    server = app_server(CXW_HTTP_BODY_TIMEOUT="3600")
    uploads, sent = 40, 2 * 1024 * 1024
    # To the join form and to the two forms that take a deck file (which may send more than
    # any other): each as large as its form may send, so none is refused.
    join_path = reverse("live_sessions:join", args=[live_session.join_code])
    with_a_file = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + settings.DECK_IMPORT_MAX_BYTES
    lengths = {
        join_path: settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
        reverse("decks:deck-import"): with_a_file,
        reverse("decks:cards-add-many", args=[live_session.deck.slug]): with_a_file,
    }
    with urllib.request.urlopen(f"{server.url}/healthz", timeout=WITHIN) as health:
        assert health.status == 200
    before = memory_of(server)
    with contextlib.ExitStack() as slow:
        clients = []
        for number in range(uploads):
            path = list(lengths)[number % len(lengths)]
            client = slow.enter_context(
                socket.create_connection(("127.0.0.1", server.port), timeout=WITHIN)
            )
            client.sendall(
                f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode()
                + f"Content-Length: {lengths[path]}\r\n".encode()
                + b"Content-Type: multipart/form-data; boundary=b\r\n\r\n"
            )
            clients.append(client)
        chunk = b"x" * (64 * 1024)
        for _ in range(sent // len(chunk)):  # a little to each in turn: all arriving at once
            for client in clients:
                client.sendall(chunk)
        deadline = time.monotonic() + WITHIN
        while unread_bytes(server) and time.monotonic() < deadline:
            time.sleep(0.1)  # until the server has read every byte sent
        assert not unread_bytes(server), "the server stopped reading the uploads"
        held = memory_of(server) - before
        with urllib.request.urlopen(f"{server.url}/healthz", timeout=WITHIN) as health:
            assert health.status == 200
    # 80 MB read and held whole in memory grew the server by 82 MB; spilled, by 9 to 12 MB
    # (Uvicorn's and Python's own buffers).
    assert held < uploads * sent / 3, f"{held / 2**20:.0f} MB held for {uploads} slow uploads"


def multipart(fields, files):
    boundary = "cxw-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    for name, (filename, content) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"'
            "\r\nContent-Type: application/octet-stream\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", b"".join(parts)


def test_a_deck_file_as_large_as_the_import_takes_is_imported(app_server, transactional_db):
    owner = UserFactory()
    deck = DeckFactory(owner=owner, title="Monday kick-off")
    CardFactory(deck=deck, prompt="What made you smile?")
    exported = transfer.export_json(deck)
    content = (exported + " " * (settings.DECK_IMPORT_MAX_BYTES - len(exported))).encode()
    assert len(content) == settings.DECK_IMPORT_MAX_BYTES
    assert json.loads(content) == json.loads(exported)  # whitespace: still the same deck
    server = app_server()
    facilitator = Phone(server.url)
    status, _page = facilitator.post(
        "/accounts/login/",
        {
            "csrfmiddlewaretoken": facilitator.csrf("/accounts/login/"),
            "username": owner.email,
            "password": PASSWORD,
        },
    )
    assert status == 200
    import_path = reverse("decks:deck-import")
    content_type, body = multipart(
        {"csrfmiddlewaretoken": facilitator.csrf(import_path), "title": "Imported"},
        {"file": ("deck.json", content)},
    )
    request = urllib.request.Request(
        f"{server.url}{import_path}",
        data=body,
        headers={"Content-Type": content_type, "Referer": server.url},
    )
    with facilitator.opener.open(request, timeout=WITHIN) as response:
        assert response.status == 200
    imported = Deck.objects.get(title="Imported")
    assert list(imported.cards.values_list("prompt", flat=True)) == ["What made you smile?"]


def cookies_of(phone):
    (processor,) = (h for h in phone.opener.handlers if hasattr(h, "cookiejar"))
    return list(processor.cookiejar)


def test_the_log_holds_no_room_key_token_or_client_address(app_server, live_session):
    with tempfile.TemporaryFile() as log:
        server = app_server(output=log)
        origin = {"origin": server.url}
        join_path = reverse("live_sessions:join", args=[live_session.join_code])
        phone = Phone(server.url)
        status, _page = phone.post(
            join_path, {"csrfmiddlewaretoken": phone.csrf(join_path), "display_name": "Ana"}
        )
        assert status == 200
        participant = Participant.objects.get()
        cookies = "; ".join(f"{cookie.name}={cookie.value}" for cookie in cookies_of(phone))
        # The projector opens the private link (the key in its query string), which leaves the
        # key in cookies; an old screen still puts the key in its socket's address (refused).
        projector = Phone(server.url)
        room_path = reverse("live_sessions:room", args=[live_session.pk])
        projector.opener.open(f"{server.url}{room_path}?key={live_session.room_key}").close()
        room_cookies = "; ".join(f"{c.name}={c.value}" for c in cookies_of(projector))
        room_url = f"ws://127.0.0.1:{server.port}/ws/live/{live_session.pk}/room/"
        phone_url = f"ws://127.0.0.1:{server.port}/ws/join/{live_session.join_code}/"
        with pytest.raises(InvalidStatus):
            connect(f"{room_url}?key={live_session.room_key}", additional_headers=origin)
        with (
            connect(room_url, additional_headers={**origin, "cookie": room_cookies}) as room,
            connect(phone_url, additional_headers={**origin, "cookie": cookies}) as phone_socket,
        ):
            assert room.recv(timeout=WITHIN)  # the room's state: accepted
            assert phone_socket.recv(timeout=WITHIN)
            clients = [ws.socket.getsockname() for ws in (room, phone_socket)]
        # Refused requests, which Django warns about, naming the path.
        status, _page = phone.post(f"/stories/mine/{participant.token}/1/withdraw/", {})
        assert status == 403
        unknown_link = f"{server.url}/stories/mine/{participant.token}x/"
        with pytest.raises(urllib.error.HTTPError, match="404"):
            urllib.request.urlopen(unknown_link, timeout=WITHIN)
        server.stop()
        log.seek(0)
        written = log.read().decode()

    assert "Application startup complete" in written  # the log was captured
    for secret in [live_session.room_key, participant.token, live_session.join_code]:
        assert secret not in written
    for cookie in cookies_of(phone) + cookies_of(projector):
        assert cookie.value not in written
    for host, port in clients:
        assert f"{host}:{port}" not in written
    # The server's own address is in its "running on http://…" line; no other address is.
    assert not re.findall(r"(?<!//)127\.0\.0\.1", written)
