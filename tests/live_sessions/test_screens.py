"""What people see: escaped text on every screen, the summary, its exports, the dashboard."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils.html import escape

from sessions import broadcast, screens
from sessions.models import LiveSession

XSS = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "';alert(String.fromCharCode(88,83,83))//",
    '<a href="javascript:alert(1)">click</a>',
    "{{ 7|add:7 }}{% debug %}",
]


@pytest.mark.parametrize("payload", XSS)
def test_names_and_answers_are_escaped_on_every_screen(
    payload, live_session, phone, facilitator_client
):
    live_session.reveal_next()
    visitor = phone(live_session, payload[:40])
    visitor.post(reverse("live_sessions:answer", args=[live_session.join_code]), {"text": payload})
    pages = {
        "room": facilitator_client.get(reverse("live_sessions:room", args=[live_session.pk])),
        "console": facilitator_client.get(live_session.get_absolute_url()),
        "phone": visitor.get(reverse("live_sessions:join", args=[live_session.join_code])),
        "summary": facilitator_client.get(reverse("live_sessions:summary", args=[live_session.pk])),
    }
    fragments = {
        "room broadcast": broadcast.render_parts(
            broadcast.ROOM, ["room-state"], screens.room_context(live_session)
        ),
        "host broadcast": broadcast.render_parts(
            broadcast.HOST, ["host-state"], screens.host_context(live_session)
        ),
    }
    texts = {where: page.content.decode() for where, page in pages.items()} | fragments
    for where, html in texts.items():
        assert escape(payload) in html, where
        if escape(payload) != payload:
            assert payload not in html, where


def test_the_summary_lists_every_answer_with_hidden_ones_marked(
    live_session, phone, facilitator_client
):
    live_session.reveal_next()
    for name in ["Ana", "Bo"]:
        phone(live_session, name).post(
            reverse("live_sessions:answer", args=[live_session.join_code]), {"text": f"By {name}"}
        )
    bo_answer = live_session.current_card.answers.get(participant__display_name="Bo")
    bo_answer.is_hidden = True
    bo_answer.save()
    live_session.end()
    page = facilitator_client.get(reverse("live_sessions:summary", args=[live_session.pk]))
    html = page.content.decode()
    assert "By Ana" in html and "By Bo" in html
    assert "Hidden" in html
    assert "2 answers (100% of participants)" in html


def test_the_summary_exports_as_csv_and_markdown(live_session, phone, facilitator_client):
    live_session.reveal_next()
    phone(live_session, "Ana").post(
        reverse("live_sessions:answer", args=[live_session.join_code]),
        {"text": "Line one, with a comma\nLine two", "is_private": "on"},
    )
    url = reverse("live_sessions:summary-export", args=[live_session.pk, "csv"])
    rows = list(csv.DictReader(io.StringIO(facilitator_client.get(url).content.decode())))
    assert len(rows) == 1
    assert rows[0]["answer"] == "Line one, with a comma\nLine two"
    assert (rows[0]["participant"], rows[0]["only_for_facilitator"]) == ("Ana", "yes")
    url = reverse("live_sessions:summary-export", args=[live_session.pk, "md"])
    markdown = facilitator_client.get(url).content.decode()
    assert "## 1. What made you smile?" in markdown
    assert "**Ana** (only for the facilitator):" in markdown
    assert "> Line one, with a comma\n> Line two" in markdown


def test_the_dashboard_lists_open_and_past_sessions(facilitator_client, live_session, facilitator):
    from tests.live_sessions.conftest import start_session

    finished = start_session(facilitator)
    finished.title = "Last week's retro"
    finished.save()
    finished.end()
    page = facilitator_client.get(reverse("live_sessions:session-list")).content.decode()
    open_part, past_part = page.split("Past sessions")
    assert live_session.join_code in open_part
    assert "Last week&#x27;s retro" in past_part
    assert LiveSession.objects.open().count() == 1


def test_the_room_screen_shows_the_join_link_in_words_and_as_a_qr_code(
    facilitator_client, live_session
):
    page = facilitator_client.get(reverse("live_sessions:room", args=[live_session.pk]))
    html = page.content.decode()
    assert f"http://testserver/join/{live_session.join_code}/" in html
    assert "<svg" in html and 'class="segno"' in html


def test_in_a_table_spread_the_room_shows_the_blocks_left_to_pick(facilitator, phone):
    from tests.live_sessions.conftest import start_session

    session = start_session(facilitator, mode="spread")
    phone(session, "Ana")
    session.pass_turn()
    fragment = broadcast.render_parts(broadcast.ROOM, ["room-turn"], screens.room_context(session))
    assert "pick a block on your phone" in fragment
    assert "3 blocks lie face down on the table." in fragment
    assert fragment.count('class="wood-block"') == 3
    session.reveal(session.face_down_cards().first())
    fragment = broadcast.render_parts(broadcast.ROOM, ["room-turn"], screens.room_context(session))
    assert "wood-block" not in fragment


def test_a_formula_in_a_session_answer_is_defused_in_the_session_export(
    phone, live_session, facilitator_client
):
    live_session.reveal_next()
    browser = phone(live_session, "Ana")
    browser.post(reverse("live_sessions:answer", args=[live_session.join_code]), {"text": "=1+1"})
    url = reverse("live_sessions:summary-export", args=[live_session.pk, "csv"])
    rows = list(csv.DictReader(io.StringIO(facilitator_client.get(url).content.decode())))
    assert [row["answer"] for row in rows] == ["'=1+1"]
