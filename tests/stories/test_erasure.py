"""Erased words leave no trace: not in any row, not in the search index, and on SQLite not in
the bytes of the database file or its write-ahead log.

Debian's SQLite is built with secure_delete on, which would hide a missing setting; each
connection here starts as upstream SQLite's does (off), so only our own setting can zero the
deleted bytes. A second connection stays open throughout, as the server's other threads do:
that is what keeps the -wal file (and its old pages) on disk.
"""

import sqlite3
import subprocess
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessions.models import Answer, LiveSession, Participant
from stories import search, sharing
from stories.models import Story
from tests.conftest import logged_in

CONFIRMED = {"understood": "on"}  # "I understand this cannot be undone"

pytestmark = pytest.mark.django_db(transaction=True)

# One word for the memory and one for "who would you share it with": the search index keeps
# their stems ("quokkaberri", "zanzibarist"), the rows the words themselves.
MEMORY = "The quokkaberry stall owner walked me to the bus."
SHARE_WITH = "My zanzibarista cousin"
TRACES = ["kkaberr", "zanzibarist"]


class UpstreamSQLite(sqlite3.Connection):
    """A connection that starts as upstream SQLite's do, with secure_delete off."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.execute("PRAGMA secure_delete=OFF")


@pytest.fixture(autouse=True)
def disk():
    """SQLite: reopen the test connection as upstream SQLite would, and hold another open."""
    if connection.vendor != "sqlite":
        yield
        return
    options = connection.settings_dict["OPTIONS"]
    connection.close()
    options["factory"] = UpstreamSQLite
    # The flush after an earlier test deleted its stories through the index's trigger, which
    # leaves their words in old index segments until they merge: merge them before starting.
    search.forget_deleted_text()
    sharing.checkpoint()
    other = sqlite3.connect(connection.settings_dict["NAME"])
    other.execute("SELECT count(*) FROM stories_story").fetchone()
    try:
        yield
    finally:
        other.close()
        del options["factory"]
        connection.close()


def file_bytes(path):
    """A file's bytes, read by another process. Opening and closing the database file here would
    drop every POSIX lock this process's SQLite connections hold on it (SQLite's "how to corrupt
    a database", 2.2), and a server process opening the database next would then rebuild the
    shared WAL index under them: "disk I/O error" or "database disk image is malformed" in
    whichever test came after."""
    return subprocess.run(["cat", str(path)], capture_output=True, check=True).stdout


def on_disk(trace):
    """How many times `trace` is in the bytes of the database file and its write-ahead log."""
    if connection.vendor != "sqlite":
        return 0
    name = Path(connection.settings_dict["NAME"])
    files = [name, name.with_name(name.name + "-wal")]
    return sum(file_bytes(path).lower().count(trace.encode()) for path in files if path.exists())


def in_rows(trace):
    """The table.column pairs of every row that still holds `trace`, as text."""
    quote = connection.ops.quote_name
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table.startswith("stories_story_fts"):
                continue  # SQLite's index: read as bytes by on_disk
            for column in connection.introspection.get_table_description(cursor, table):
                cursor.execute(
                    f"SELECT count(*) FROM {quote(table)} "
                    f"WHERE lower(CAST({quote(column.name)} AS text)) LIKE %s",
                    [f"%{trace}%"],
                )
                if cursor.fetchone()[0]:
                    found.append(f"{table}.{column.name}")
    return found


def traces():
    """Where each trace is left: rows and, on SQLite, bytes on disk."""
    return {trace: (in_rows(trace), on_disk(trace)) for trace in TRACES}


NOWHERE = {trace: ([], 0) for trace in TRACES}


@pytest.fixture
def superuser_client(curator):
    curator.is_superuser = True
    curator.save()
    return logged_in(curator)


@pytest.fixture
def ana(phone, session_with_memory):
    """Ana's phone: send(consent, text) answers the memory card up."""

    browser = phone(session_with_memory, "Ana")

    def send(consent, text=MEMORY):
        data = {"text": text, "share_with": SHARE_WITH, "archive_consent": consent}
        url = reverse("live_sessions:answer", args=[session_with_memory.join_code])
        assert browser.post(url, data).status_code == 302
        return Answer.objects.get(participant__display_name="Ana")

    browser.send = send
    return browser


def left_anywhere():
    return all(rows and (connection.vendor != "sqlite" or disk) for rows, disk in traces().values())


@pytest.fixture
def shared_story(ana):
    """A memory shared with a name, edited once (so older copies of it exist somewhere)."""
    ana.send("named", "An earlier draft: " + MEMORY)
    answer = ana.send("named")
    story = Story.objects.get()
    assert story.text == MEMORY
    assert left_anywhere()
    return answer, story


def test_withdrawing_by_the_private_link_leaves_no_trace(shared_story, client):
    answer, story = shared_story
    token = answer.participant.token
    assert (
        client.post(reverse("stories:withdraw", args=[token, story.pk]), CONFIRMED).status_code
        == 302
    )
    assert traces() == NOWHERE


def checkpoints(queries):
    """How many times the write-ahead log was emptied among the captured queries."""
    return sum("wal_checkpoint" in query["sql"] for query in queries.captured_queries)


ONE_CHECKPOINT_ON_SQLITE = 1 if connection.vendor == "sqlite" else 0


def test_withdrawing_empties_the_log_once(shared_story, client):
    answer, story = shared_story
    with CaptureQueriesContext(connection) as queries:
        client.post(
            reverse("stories:withdraw", args=[answer.participant.token, story.pk]), CONFIRMED
        )
    assert checkpoints(queries) == ONE_CHECKPOINT_ON_SQLITE
    assert traces() == NOWHERE


def test_taking_consent_back_on_the_phone_leaves_the_words_only_in_the_answer(shared_story, ana):
    _answer, story = shared_story
    ana.send("none")
    story.refresh_from_db()
    assert story.status == Story.Status.WITHDRAWN
    left = traces()
    assert left["kkaberr"][0] == ["live_sessions_answer.text"]
    assert left["zanzibarist"][0] == ["live_sessions_answer.share_with"]
    if connection.vendor == "sqlite":
        # The answer the room saw, once, and nothing else: no older copy, no index entry.
        assert (left["kkaberr"][1], left["zanzibarist"][1]) == (1, 1)


def test_deleting_a_story_in_the_admin_leaves_no_trace(shared_story, superuser_client):
    _answer, story = shared_story
    url = reverse("admin:stories_story_delete", args=[story.pk])
    assert superuser_client.post(url, {"post": "yes"}).status_code == 302
    assert not Story.objects.exists()
    assert traces() == NOWHERE


def test_deleting_stories_in_bulk_in_the_admin_leaves_no_trace(shared_story, superuser_client):
    _answer, story = shared_story
    response = superuser_client.post(
        reverse("admin:stories_story_changelist"),
        {"action": "delete_selected", "_selected_action": [story.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Story.objects.exists()
    assert traces() == NOWHERE


@pytest.fixture
def unshared_memory(ana):
    """A memory kept in the room, edited once: only the session's record holds it."""
    ana.send("none", "An earlier draft: " + MEMORY)
    answer = ana.send("none")
    assert not Story.objects.exists()
    assert left_anywhere()
    return answer


def test_deleting_a_session_in_the_admin_leaves_no_trace_of_its_answers(
    unshared_memory, session_with_memory, superuser_client
):
    url = reverse("admin:live_sessions_livesession_delete", args=[session_with_memory.pk])
    assert superuser_client.post(url, {"post": "yes"}).status_code == 302
    assert not LiveSession.objects.exists()
    assert traces() == NOWHERE


def test_deleting_a_facilitators_account_leaves_no_trace_of_their_sessions_answers(
    unshared_memory, facilitator, superuser_client
):
    url = reverse("admin:accounts_user_delete", args=[facilitator.pk])
    assert superuser_client.post(url, {"post": "yes"}).status_code == 302
    assert not Answer.objects.exists()
    assert traces() == NOWHERE


def test_a_shared_story_outlives_its_deleted_session_in_the_archive_alone(
    shared_story, session_with_memory, superuser_client
):
    url = reverse("admin:live_sessions_livesession_delete", args=[session_with_memory.pk])
    superuser_client.post(url, {"post": "yes"})
    rows, _on_file = traces()["kkaberr"]
    assert set(rows) <= {"stories_story.text", "stories_story.search_document"}
    assert "live_sessions_answer.text" not in rows


def test_deleting_a_session_of_many_answers_erases_them_all_with_one_checkpoint(
    unshared_memory, session_with_memory, superuser_client
):
    people = Participant.objects.bulk_create(
        Participant(session=session_with_memory, display_name=f"Guest {number}")
        for number in range(300)
    )
    card = unshared_memory.session_card
    Answer.objects.bulk_create(
        Answer(session_card=card, participant=person, text=MEMORY, share_with=SHARE_WITH)
        for person in people
    )
    url = reverse("admin:live_sessions_livesession_delete", args=[session_with_memory.pk])
    with CaptureQueriesContext(connection) as queries:
        assert superuser_client.post(url, {"post": "yes"}).status_code == 302
    assert checkpoints(queries) == ONE_CHECKPOINT_ON_SQLITE
    # The answers go in a few statements, not one (or one checkpoint) each.
    assert len(queries) < 100
    assert not Answer.objects.exists()
    assert traces() == NOWHERE
