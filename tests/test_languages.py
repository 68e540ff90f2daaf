"""Who sees which language (cxworkshop/languages.py): a phone its person's, with a switch that
sticks; the room screen its session's; a facilitator their account's, else their browser's;
what is pushed over the sockets in each screen's own language."""

import pytest
from asgiref.sync import sync_to_async
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext

from accounts.models import User
from sessions import broadcast
from sessions.models import LiveSession, Participant
from tests.factories import CardFactory, DeckFactory
from tests.live_sessions.conftest import start_session
from tests.live_sessions.test_sockets import connect, logged_in


def said(language, english):
    """`english` as the app says it in `language`; never the English itself (or the test
    would prove nothing)."""
    with translation.override(language):
        text = gettext(english)
    assert text != english, f"{english!r} has no {language} translation"
    return text


def html_text(text):
    """As Django's templates escape it."""
    return text.replace("&", "&amp;").replace("'", "&#x27;").replace('"', "&quot;")


def join(session, name, accept_language=""):
    browser = Client(HTTP_ACCEPT_LANGUAGE=accept_language) if accept_language else Client()
    response = browser.post(
        reverse("live_sessions:join", args=[session.join_code]), {"display_name": name}
    )
    assert response.status_code == 302
    return browser


def phone_page(browser, session):
    return browser.get(reverse("live_sessions:join", args=[session.join_code])).content.decode()


CHANGE_MY_NAME = "Change my name"


@pytest.fixture
def live_session(facilitator):
    return start_session(facilitator)


def test_a_phone_follows_its_browser_when_it_joins(live_session):
    german = join(live_session, "Ana", "de-DE,de;q=0.9,en;q=0.5")
    spanish = join(live_session, "Bo", "es-419,es;q=0.8")
    unknown = join(live_session, "Cy", "ja-JP,ja;q=0.9")
    assert html_text(said("de", CHANGE_MY_NAME)) in phone_page(german, live_session)
    assert html_text(said("es", CHANGE_MY_NAME)) in phone_page(spanish, live_session)
    assert CHANGE_MY_NAME in phone_page(unknown, live_session)  # nothing shipped: English
    languages = dict(live_session.participants.values_list("display_name", "language"))
    assert languages == {"Ana": "de", "Bo": "es", "Cy": "en"}


def test_the_phone_switch_sticks_for_that_participant(live_session):
    browser = join(live_session, "Ana", "de")
    switch = reverse("live_sessions:language", args=[live_session.join_code])
    response = browser.post(switch, {"language": "fr"})
    assert response.status_code == 302
    page = phone_page(browser, live_session)
    assert html_text(said("fr", CHANGE_MY_NAME)) in page
    assert '<option value="fr" selected>Français</option>' in page
    # The browser still asks for German, and its cookie is gone: the participant's choice holds.
    browser.cookies.pop("django_language")
    assert html_text(said("fr", CHANGE_MY_NAME)) in phone_page(browser, live_session)
    assert Participant.objects.get(display_name="Ana").language == "fr"


def test_the_switch_refuses_what_is_not_a_shipped_language_and_keeps_the_choice(live_session):
    browser = join(live_session, "Ana", "nl")
    switch = reverse("live_sessions:language", args=[live_session.join_code])
    for garbage in ["xx", "", "de" * 500, "en\x00"]:
        response = browser.post(switch, {"language": garbage}, follow=True)
        assert response.status_code == 200
        assert html_text(said("nl", "Choose one of the languages in the list.")) in (
            response.content.decode()
        )
    assert Participant.objects.get(display_name="Ana").language == "nl"


def test_the_room_screen_speaks_the_sessions_language_whoever_opens_it(facilitator):
    facilitator.language = "de"
    facilitator.save()
    session = start_session(facilitator, language="nl")
    browser = Client(HTTP_ACCEPT_LANGUAGE="es")
    browser.force_login(facilitator)
    room = browser.get(reverse("live_sessions:room", args=[session.pk])).content.decode()
    assert '<html lang="nl"' in room
    assert html_text(said("nl", "Join on your phone")) in room
    console = browser.get(reverse("live_sessions:console", args=[session.pk])).content.decode()
    assert html_text(said("de", "Facilitator console")) in console  # their own setting


def test_a_facilitator_without_a_setting_reads_their_browsers_language(facilitator):
    browser = Client(HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9")
    browser.force_login(facilitator)
    page = browser.get(reverse("decks:deck-list")).content.decode()
    assert html_text(said("fr", "My decks")) in page
    response = browser.post(reverse("language_setting"), {"language": "es"}, follow=True)
    assert html_text(said("es", "Saved. Your pages are in this language from now on.")) in (
        response.content.decode()
    )
    assert User.objects.get(pk=facilitator.pk).language == "es"
    assert (
        html_text(said("es", "My decks"))
        in browser.get(reverse("decks:deck-list")).content.decode()
    )
    browser.post(reverse("language_setting"), {"language": ""})  # back to the browser's
    assert (
        html_text(said("fr", "My decks"))
        in browser.get(reverse("decks:deck-list")).content.decode()
    )


def test_the_language_setting_refuses_an_unknown_language_and_keeps_the_old_one(facilitator):
    facilitator.language = "de"
    facilitator.save()
    browser = Client()
    browser.force_login(facilitator)
    response = browser.post(reverse("language_setting"), {"language": "klingon"})
    assert response.status_code == 200
    assert 'class="field field--error"' in response.content.decode()
    assert User.objects.get(pk=facilitator.pk).language == "de"


@pytest.mark.parametrize(
    ("deck_language", "browser", "expected"),
    [("es", "de", "es"), ("pt", "de", "de"), ("pt", "", "en")],  # pt: not shipped
)
def test_starting_a_session_defaults_its_language_to_the_decks(
    facilitator, deck_language, browser, expected
):
    deck = DeckFactory(owner=facilitator, language=deck_language)
    CardFactory(deck=deck)
    client = Client(HTTP_ACCEPT_LANGUAGE=browser) if browser else Client()
    client.force_login(facilitator)
    start = reverse("live_sessions:session-start", args=[deck.slug])
    assert f'<option value="{expected}" selected>' in client.get(start).content.decode()
    client.post(start, {"mode": "reveal"})  # a form without the field: the default
    assert LiveSession.objects.get(deck=deck).language == expected


def test_dates_are_written_the_languages_way(facilitator):
    session = start_session(facilitator)
    session.end()
    browser = Client(HTTP_ACCEPT_LANGUAGE="de")
    browser.force_login(facilitator)
    page = browser.get(reverse("live_sessions:session-list")).content.decode()
    with translation.override("de"):
        german = formats.date_format(session.ended_at, "DATETIME_FORMAT")
    with translation.override("en"):
        english = formats.date_format(session.ended_at, "DATETIME_FORMAT")
    assert german != english
    assert german in page


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_each_screen_gets_pushed_updates_in_its_own_language(facilitator):
    session = await sync_to_async(start_session)(facilitator, language="nl")
    german = await sync_to_async(join)(session, "Ana", "de")
    spanish = await sync_to_async(join)(session, "Bo", "es")
    phones = []
    for browser in (german, spanish):
        socket, connected = await connect(f"/ws/join/{session.join_code}/", browser)
        assert connected
        await socket.receive_from()  # the current state
        phones.append(socket)
    # The facilitator reads German; the room they open speaks the session's Dutch.
    facilitator.language = "de"
    await sync_to_async(facilitator.save)()
    room, connected = await connect(f"/ws/live/{session.pk}/room/", await logged_in(facilitator))
    assert connected
    dutch = await sync_to_async(said)("nl", "Join on your phone")
    assert html_text(dutch) in await room.receive_from()

    # The cache forgets what it held (evicted, Redis restarted): the phones' languages are their
    # people's, in the database, and each phone still hears of the card in its own.
    await sync_to_async(cache.clear)()

    def reveal():
        live = LiveSession.objects.get(pk=session.pk)
        live.reveal_next()
        broadcast.card_revealed(live)

    await sync_to_async(reveal)()
    answer_label = "Send my answer"
    german_update = await phones[0].receive_from()
    spanish_update = await phones[1].receive_from()
    assert html_text(await sync_to_async(said)("de", answer_label)) in german_update
    assert html_text(await sync_to_async(said)("es", answer_label)) in spanish_update
    assert answer_label not in german_update + spanish_update
    for socket in (*phones, room):
        await socket.disconnect()


def test_a_signed_in_users_language_costs_their_pages_no_query(facilitator):
    facilitator.language = "nl"
    facilitator.save()
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(facilitator)  # the setting goes into their session as they log in
    # A session from before the setting was kept learns it once, from the account.
    session = browser.session
    del session["account_language"]
    session.save()
    assert (
        html_text(said("nl", "My decks"))
        in browser.get(reverse("decks:deck-list")).content.decode()
    )
    assert browser.session["account_language"] == "nl"
