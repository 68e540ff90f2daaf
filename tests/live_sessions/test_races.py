"""Taps at the same moment, as a room makes them: double taps, one name from many phones, a
pick and a "next" together, two facilitator tabs, moderation while an answer arrives.

Each test runs the app as `make run` serves it (Uvicorn, in a process of its own, on the test
database: PostgreSQL or SQLite) and releases its requests together from threads held at a
barrier, each phone with its own cookies. Afterwards the state must be one that some order of
the same requests, one at a time, could have left, and every response must say what happened.
"""

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from sessions.models import Answer, LiveSession
from tests.factories import CardFactory, DeckFactory, UserFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROUNDS = 5  # each race is run this many times in a test: one run can miss the window


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is the answer the test looks at, not a page to fetch


class Browser:
    """One phone or one facilitator tab: its own cookies, real HTTP."""

    def __init__(self, base, session_cookie=None):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        if session_cookie:
            self.cookies.set_cookie(cookie(settings.SESSION_COOKIE_NAME, session_cookie))
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirects
        )
        self.token = None

    def send(self, path, data=None, htmx=False):
        """(status, body, headers) of one request."""
        body = None
        if data is not None:
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.token, **data}).encode()
        request = urllib.request.Request(f"{self.base}{path}", data=body)
        if htmx:
            request.add_header("HX-Request", "true")
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.read().decode(), response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), error.headers

    def open(self, path):
        """Load a page, keeping its form token for the posts that follow."""
        status, page, _headers = self.send(path)
        assert status == 200, page[:300]
        self.token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return page


def cookie(name, value):
    return http.cookiejar.Cookie(
        0, name, value, None, False, "127.0.0.1", False, False, "/", True, False, None, False,
        None, None, {},
    )  # fmt: skip


def at_once(*calls):
    """Run the calls from threads released together; their results, in order."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait(timeout=60)
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


@pytest.fixture
def server(app_server):
    return app_server(
        CXW_JOIN_SESSION_RATE="100000/m",
        CXW_ANSWER_RATE="100000/m",
        # Room for every request of a race to be in a view at once.
        CXW_HTTP_CONCURRENCY="32",
    )


@pytest.fixture
def host(db):
    return UserFactory()


def start(owner, server, cards=8, **options):
    deck = DeckFactory(owner=owner)
    for number in range(cards):
        CardFactory(
            deck=deck, prompt=f"Question {number + 1}", kind="memory" if number else "question"
        )
    return LiveSession.start(deck, owner, join_base_url=server.url, is_shuffled=False, **options)


def facilitator_tab(server, user, session):
    browser = Client()
    browser.force_login(user)
    tab = Browser(server.url, browser.cookies[settings.SESSION_COOKIE_NAME].value)
    tab.open(session.get_absolute_url())
    return tab


def new_phone(server, session):
    phone = Browser(server.url)
    phone.open(session.join_path)
    return phone


def join(server, session, name):
    phone = new_phone(server, session)
    status, page, _headers = phone.send(session.join_path, {"display_name": name})
    assert status == 302, page[:300]
    return phone


def post(browser, path, data=None, htmx=True):
    """A request to send later, at once with others."""
    return partial(browser.send, path, data or {}, htmx=htmx)


def command(tab, session, name):
    return post(tab, reverse("live_sessions:command", args=[session.pk, name]))


def assert_cards_shown_in_order(session):
    """Shown cards are numbered 1, 2, 3... with no number twice, and the current one is shown."""
    orders = list(session.shown_cards().values_list("shown_order", flat=True))
    assert orders == list(range(1, len(orders) + 1))
    session.refresh_from_db()
    if session.current_card:
        assert session.current_card.shown_order is not None


def assert_no_server_errors(results):
    assert [status for status, *_rest in results if status >= 500] == []


def test_phones_joining_at_once_with_one_name_or_none_all_get_in_with_distinct_names(server, host):
    session = start(host, server, anonymous_allowed=True)
    named = [new_phone(server, session) for _ in range(12)]
    anonymous = [new_phone(server, session) for _ in range(12)]

    results = at_once(
        *[post(phone, session.join_path, {"display_name": "Ana"}, htmx=False) for phone in named],
        *[post(phone, session.join_path, {"display_name": ""}, htmx=False) for phone in anonymous],
    )

    assert_no_server_errors(results)
    assert [status for status, *_rest in results] == [302] * 24  # each phone is in
    people = list(session.participants.all())
    names = [person.display_name for person in people]
    assert len(set(names)) == len(names) == 24
    assert sorted(name for name in names if name.startswith("Ana")) == sorted(
        ["Ana"] + [f"Ana {number}" for number in range(2, 13)]
    )
    assert sum(person.is_anonymous for person in people) == 12
    assert sorted(person.turn_position for person in people) == list(range(1, 25))
    for phone in named + anonymous:  # and each phone is the participant it was told it is
        assert "You're in!" in phone.send(session.join_path)[1]


def test_a_phone_sending_its_first_answer_several_times_at_once_is_told_saved_each_time(
    server, host
):
    session = start(host, server)
    session.reveal_next()
    phones = [join(server, session, f"P{number}") for number in range(5)]
    answer_path = reverse("live_sessions:answer", args=[session.join_code])
    texts = [f"Tap {tap}" for tap in range(5)]

    results = at_once(
        *[post(phone, answer_path, {"text": text}) for phone in phones for text in texts]
    )

    assert_no_server_errors(results)
    assert [status for status, *_rest in results] == [200] * 25
    assert all("Saved." in page for _status, page, _headers in results)
    answers = Answer.objects.filter(session_card=session.current_card)
    assert answers.count() == 5
    assert {answer.participant.display_name for answer in answers} == {f"P{n}" for n in range(5)}
    assert all(answer.text in texts for answer in answers)


def test_a_pick_and_the_facilitators_next_together_turn_over_distinct_cards(server, host):
    session = start(host, server, cards=20, mode="spread")
    tab = facilitator_tab(server, host, session)
    phone = join(server, session, "Ana")
    for _round in range(ROUNDS):
        session.pass_turn()
        block = session.face_down_cards().last()
        pick_path = reverse("live_sessions:pick", args=[session.join_code, block.pk])

        pick, following = at_once(post(phone, pick_path), command(tab, session, "next"))

        assert_no_server_errors([pick, following])
        assert following[0] == 200
        # Picked first: the block is up, then "next" moved on. "Next" first: the turn's
        # card is turned, so the pick is refused.
        block.refresh_from_db()
        assert (pick[0], block.shown_order is not None) in [(204, True), (403, False)]
        assert_cards_shown_in_order(session)


def test_picks_of_one_or_two_blocks_at_once_turn_over_one_block_per_turn(server, host):
    session = start(host, server, cards=20, mode="spread")
    phone = join(server, session, "Ana")
    join(server, session, "Bo")
    for _round in range(ROUNDS):
        session.pass_turn()
        while session.current_turn.display_name != "Ana":
            session.pass_turn()
        first, second = list(session.face_down_cards())[:2]
        taps = [
            post(phone, reverse("live_sessions:pick", args=[session.join_code, card.pk]))
            for card in (first, first, second)
        ]
        shown_before = session.shown_cards().count()

        results = at_once(*taps)

        assert_no_server_errors(results)
        assert session.shown_cards().count() == shown_before + 1
        session.refresh_from_db()
        if session.current_card == first:  # a double tap: both taps did what was asked
            assert [status for status, *_rest in results] == [204, 204, 403]
        else:
            assert session.current_card == second
            assert [status for status, *_rest in results] == [403, 403, 204]
        assert_cards_shown_in_order(session)


COMMAND_PAIRS = [
    ("next", "next"),
    ("next", "previous"),
    ("skip", "next"),
    ("reshuffle", "next"),
    ("turn-next", "turn-next"),
    ("turn-skip", "turn-random"),
    ("open-answers", "next"),
]


def test_two_facilitator_tabs_sending_commands_at_once_leave_a_consistent_session(server, host):
    session = start(host, server, cards=30, mode="spread")
    for name in ["Ana", "Bo", "Cy"]:
        session.join(name)
    tabs = [facilitator_tab(server, host, session) for _ in range(2)]
    for pair in COMMAND_PAIRS:
        results = at_once(
            *[command(tab, session, name) for tab, name in zip(tabs, pair, strict=True)]
        )

        assert [status for status, *_rest in results] == [200, 200], pair
        assert_cards_shown_in_order(session)
        skipped = session.cards.filter(is_skipped=True)
        assert not skipped.filter(shown_order__isnull=False).exists()
        positions = list(session.cards.values_list("position", flat=True))
        assert len(set(positions)) == len(positions)


def test_ending_in_one_tab_while_the_other_moves_on_leaves_the_session_ended(server, host):
    for _round in range(ROUNDS):
        session = start(host, server)
        session.reveal_next()
        tabs = [facilitator_tab(server, host, session) for _ in range(3)]

        results = at_once(
            command(tabs[0], session, "end"),
            command(tabs[1], session, "next"),
            command(tabs[2], session, "end"),
        )

        assert_no_server_errors(results)
        session.refresh_from_db()
        assert session.status == LiveSession.Status.ENDED
        summary = reverse("live_sessions:summary", args=[session.pk])
        # Each tab lands on the summary, whichever tap came after the end; a "next" that
        # came first moved on, then the session ended.
        for position, (status, _page, headers) in enumerate(results):
            if position == 1 and headers["HX-Redirect"] is None:
                assert status == 200  # the "next" came first: the console moved on
                continue
            assert (status, headers["HX-Redirect"]) == (200, summary)
        assert_cards_shown_in_order(session)


def joins_racing(server, host, command_name, people=8):
    """A facilitator's command and `people` phones joining, released together: the session,
    the phones, every result (the command's first) and the joins that got in or were refused."""
    session = start(host, server)
    tab = facilitator_tab(server, host, session)
    phones = [new_phone(server, session) for _ in range(people)]
    results = at_once(
        command(tab, session, command_name),
        *[
            post(phone, session.join_path, {"display_name": f"P{n}"}, htmx=False)
            for n, phone in enumerate(phones)
        ],
    )
    assert_no_server_errors(results)
    joined = [result for result in results[1:] if result[0] == 302]
    refused = [result for result in results[1:] if result[0] != 302]
    return session, phones, results, joined, refused


def test_phones_joining_as_the_session_ends_are_either_in_or_told_it_ended(server, host):
    for _round in range(ROUNDS):
        session, _phones, _results, joined, refused = joins_racing(server, host, "end")
        assert all("That session has ended" in page for _status, page, _headers in refused)
        session.refresh_from_db()
        assert session.participants.count() == len(joined)
        assert not session.participants.filter(joined_at__gt=session.ended_at).exists()


def test_hiding_an_answer_while_its_author_edits_it_keeps_both(server, host):
    session = start(host, server)
    session.reveal_next()
    tab = facilitator_tab(server, host, session)
    phone = join(server, session, "Ana")
    answer_path = reverse("live_sessions:answer", args=[session.join_code])
    for round_number in range(ROUNDS):
        phone.send(answer_path, {"text": f"First words {round_number}"}, htmx=True)
        answer = Answer.objects.get(participant__display_name="Ana")
        Answer.objects.filter(pk=answer.pk).update(is_hidden=False)
        hide_path = reverse("live_sessions:answer-moderate", args=[session.pk, answer.pk, "hide"])

        edit, hide = at_once(
            post(phone, answer_path, {"text": f"Edited {round_number}"}),
            post(tab, hide_path),
        )

        assert (edit[0], hide[0]) == (200, 200)
        answer.refresh_from_db()
        assert answer.text == f"Edited {round_number}"
        assert answer.is_hidden


def test_a_phone_tapping_join_several_times_at_once_joins_once(server, host):
    session = start(host, server)
    phone = new_phone(server, session)

    results = at_once(
        *[post(phone, session.join_path, {"display_name": "Ana"}, htmx=False) for _ in range(4)]
    )

    assert [status for status, *_rest in results] == [302] * 4
    assert list(session.participants.values_list("display_name", flat=True)) == ["Ana"]
    assert "You're in!" in phone.send(session.join_path)[1]


def test_double_taps_on_one_reaction_from_several_phones_at_once_count_once_each(server, host):
    session = start(host, server)
    session.reveal_next()
    writer = join(server, session, "Writer")
    writer.send(reverse("live_sessions:answer", args=[session.join_code]), {"text": "Hi"}, True)
    answer = Answer.objects.get(text="Hi")
    phones = [join(server, session, f"P{number}") for number in range(4)]
    react_path = reverse("live_sessions:react", args=[session.join_code, answer.pk])
    for _round in range(ROUNDS):
        answer.reactions.all().delete()

        results = at_once(*[post(phone, react_path, {"give": "heart"}) for phone in phones * 3])

        assert_no_server_errors(results)
        assert [status for status, *_rest in results] == [200] * 12
        assert answer.reactions.filter(kind="heart").count() == 4
        assert all('aria-pressed="true"' in page for _status, page, _headers in results)


def test_reacting_while_the_facilitator_hides_the_answer_leaves_no_count_in_the_room(server, host):
    session = start(host, server)
    session.reveal_next()
    tab = facilitator_tab(server, host, session)
    writer = join(server, session, "Writer")
    writer.send(reverse("live_sessions:answer", args=[session.join_code]), {"text": "Hi"}, True)
    answer = Answer.objects.get(text="Hi")
    phones = [join(server, session, f"P{number}") for number in range(3)]
    react_path = reverse("live_sessions:react", args=[session.join_code, answer.pk])
    reacted = set()  # the phones told their reaction is on the answer
    for action in ["hide", "unhide"] * 2:
        moderate = reverse("live_sessions:answer-moderate", args=[session.pk, answer.pk, action])

        results = at_once(
            post(tab, moderate),
            *[post(phone, react_path, {"give": "wow"}) for phone in phones],
        )

        assert_no_server_errors(results)
        statuses = [status for status, *_rest in results[1:]]
        assert set(statuses) <= {200, 409}  # given, or refused: the answer was hidden
        reacted |= {number for number, status in enumerate(statuses) if status == 200}
        assert answer.reactions.count() == len(reacted)  # a refusal saved nothing
        answer.refresh_from_db()
        room = tab.send(reverse("live_sessions:room", args=[session.pk]))[1]
        assert ("reaction-counts" in room) == (not answer.is_hidden and bool(reacted))
