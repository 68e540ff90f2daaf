"""The phone: a new card's empty form pushed with the card, answers sent for a closed card kept,
names that were taken, what the room will see, the waiting screens, and the private link to
one's stories at the end (browser behaviour: tests/e2e/test_phone.py)."""

import re

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sessions.models import Answer, Participant
from stories.models import Story
from tests.live_sessions.conftest import PROMPTS, start_session

HTMX = {"HX-Request": "true"}


def answer_url(session):
    return reverse("live_sessions:answer", args=[session.join_code])


def rename_url(session):
    return reverse("live_sessions:rename", args=[session.join_code])


def page_of(browser, session):
    return browser.get(reverse("live_sessions:join", args=[session.join_code])).content.decode()


def text_in_box(html, name="text"):
    """The words in the page's textarea called `name`."""
    found = re.search(rf'<textarea name="{name}"[^>]*>\n?(.*?)</textarea>', html, re.S)
    return found and found.group(1)


# A new card, a fresh form; nothing typed is lost


def test_an_answer_sent_for_a_card_that_has_closed_is_refused_and_its_words_stay(
    phone, live_session
):
    live_session.reveal_next()
    first = live_session.current_card
    ana = phone(live_session)
    live_session.reveal_next()  # the facilitator moves on as Ana sends
    response = ana.post(
        answer_url(live_session), {"card": first.pk, "text": "For the first card"}, headers=HTMX
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "This card is closed" in html
    assert text_in_box(html) == "For the first card"  # in the new card's form, as a draft
    assert "You were writing this for the previous card" in html
    assert not Answer.objects.exists()


def test_words_for_a_closed_card_stay_on_the_phone_when_no_card_takes_answers(phone, live_session):
    live_session.reveal_next()
    first = live_session.current_card
    ana = phone(live_session)
    live_session.end()
    response = ana.post(
        answer_url(live_session), {"card": first.pk, "text": "Too late"}, headers=HTMX
    )
    assert response.status_code == 409
    assert re.search(r'<textarea id="phone-unsent"[^>]*>\n?Too late</textarea>', response.text)


def test_an_answer_for_the_card_on_screen_is_saved(phone, live_session):
    live_session.reveal_next()
    ana = phone(live_session)
    card = live_session.current_card
    response = ana.post(answer_url(live_session), {"card": card.pk, "text": "Hi"}, headers=HTMX)
    assert response.status_code == 200
    assert Answer.objects.get().session_card == card


def test_the_form_pushed_with_a_new_card_is_empty_whatever_anyone_answered(phone, live_session):
    from sessions import broadcast, screens

    live_session.reveal_next()
    phone(live_session).post(answer_url(live_session), {"text": "Ana's words"})
    live_session.reveal_next()
    pushed = broadcast.render_parts(
        broadcast.PHONE, ["phone-card", "phone-answer"], screens.phone_context(live_session)
    )
    assert PROMPTS[1] in pushed
    assert "Send my answer" in pushed and "Update my answer" not in pushed
    assert "Ana's words" not in pushed and "csrfmiddlewaretoken" not in pushed
    assert "data-fetch" not in pushed  # nobody has answered the new card: no fetch needed
    live_session.go_back()  # a card Ana answered: her phone fetches her own form
    again = broadcast.render_parts(
        broadcast.PHONE, ["phone-answer"], screens.phone_context(live_session)
    )
    assert "data-fetch" in again and "Ana's words" not in again


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_new_card_reaches_the_phone_with_its_empty_form_in_the_same_frame(facilitator):
    from tests.live_sessions.test_sockets import command, connect, joined, logged_in, post

    session = await sync_to_async(start_session)(facilitator)
    host = await logged_in(facilitator)
    await post(host, command(session, "next"))
    ana = await joined(session, "Ana")
    await post(ana, answer_url(session), {"text": "My first answer"})
    socket, _ = await connect(f"/ws/join/{session.join_code}/", ana)
    await socket.receive_from()
    await post(host, command(session, "next"))
    frame = await socket.receive_from()
    card_keys = re.findall(r'id="phone-(?:card|answer)"[^>]*data-card="([^"]*)"', frame)
    assert len(card_keys) == 2 and card_keys[0] == card_keys[1]
    assert PROMPTS[1] in frame and "Send my answer" in frame
    assert "Update my answer" not in frame and "My first answer" not in frame
    await socket.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_reconnecting_phone_gets_its_own_answer_form_with_the_card(facilitator):
    from tests.live_sessions.test_sockets import command, connect, joined, logged_in, post

    session = await sync_to_async(start_session)(facilitator)
    await post(await logged_in(facilitator), command(session, "next"))
    ana = await joined(session, "Ana")
    await post(ana, answer_url(session), {"text": "Said before the network dropped"})
    socket, _ = await connect(f"/ws/join/{session.join_code}/", ana)
    state = await socket.receive_from()
    card_keys = re.findall(r'id="phone-(?:card|answer)"[^>]*data-card="([^"]*)"', state)
    assert len(card_keys) == 2 and card_keys[0] == card_keys[1]
    assert "Update my answer" in state and "Said before the network dropped" in state
    await socket.disconnect()


# A name that was taken


def test_a_taken_name_is_numbered_and_the_phone_says_so_with_a_way_to_change_it(
    phone, live_session
):
    phone(live_session, "Ana")
    second = phone(live_session, "Ana")
    html = page_of(second, live_session)
    assert "Someone here is already called Ana, so you are Ana 2." in html
    assert '<details id="phone-name" class="phone__name" open>' in html
    assert "Change my name" in html
    first_page = page_of(phone(live_session, "Bo"), live_session)
    assert "already called" not in first_page
    assert '<details id="phone-name" class="phone__name">' in first_page


def test_a_participant_changes_their_name_numbered_like_a_join(phone, live_session):
    phone(live_session, "Bo")
    ana = phone(live_session, "Ana")
    response = ana.post(rename_url(live_session), {"display_name": "  Bo "}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone here is already called Bo, so you are Bo 2." in html
    assert 'id="phone-me" class="phone-header__me" hx-swap-oob="true">Bo 2<' in html
    assert set(Participant.objects.values_list("display_name", flat=True)) == {"Bo", "Bo 2"}
    response = ana.post(rename_url(live_session), {"display_name": "Ana"})  # without htmx
    assert response.status_code == 302
    assert "You are now Ana." in page_of(ana, live_session)


def test_a_new_name_follows_the_joining_rules_and_a_refused_one_changes_nothing(
    phone, live_session
):
    ana = phone(live_session, "Ana")
    for typed, message in [
        ("   ", "Tell the room your name (a first name is enough)."),
        ("x" * 41, "Ensure this value has at most 40 characters"),
    ]:
        response = ana.post(rename_url(live_session), {"display_name": typed}, headers=HTMX)
        assert response.status_code == 200  # htmx swaps only a success: the message goes in
        assert message in response.content.decode()
    assert Participant.objects.get().display_name == "Ana"
    open_to_all = start_session(live_session.facilitator, anonymous_allowed=True)
    guest = phone(open_to_all, "")
    response = guest.post(rename_url(open_to_all), {"display_name": " "})
    assert response.status_code == 400
    assert "Type the name you want the room to see." in response.content.decode()


def test_changing_names_is_rate_limited(phone, live_session, settings):
    settings.RENAME_RATE = "2/m"
    ana = phone(live_session, "Ana")
    for name in ["Ana B", "Ana C"]:
        assert ana.post(rename_url(live_session), {"display_name": name}).status_code == 302
    response = ana.post(rename_url(live_session), {"display_name": "Ana D"}, headers=HTMX)
    assert response.status_code == 429
    assert "a lot of new names" in response.content.decode()
    assert Participant.objects.get().display_name == "Ana C"


def test_only_the_participant_changes_their_name(phone, live_session, facilitator_client):
    phone(live_session, "Ana")
    for browser in [Client(), facilitator_client, phone(start_session(live_session.facilitator))]:
        response = browser.post(rename_url(live_session), {"display_name": "Mallory"})
        assert response.status_code == 403
    assert Participant.objects.filter(display_name="Mallory").count() == 0


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_new_name_reaches_the_room_and_the_console(facilitator):
    from tests.live_sessions.test_sockets import command, connect, joined, logged_in, post

    session = await sync_to_async(start_session)(facilitator, mode="spread")
    host = await logged_in(facilitator)
    ana = await joined(session, "Ana")
    await post(host, command(session, "turn-next"))
    room, _ = await connect(f"/ws/live/{session.pk}/room/", host)
    console, _ = await connect(f"/ws/live/{session.pk}/host/", host)
    others = await joined(session, "Bo")
    bo_phone, _ = await connect(f"/ws/join/{session.join_code}/", others)
    for socket in (room, console, bo_phone):
        await socket.receive_from()
    for socket in (room, console):
        await socket.receive_from()  # Bo's join
    await post(ana, rename_url(session), {"display_name": "Anaïs"})
    assert "Anaïs" in await room.receive_from()
    assert "Anaïs" in await console.receive_from()
    assert "Anaïs is picking a block." in await bo_phone.receive_from()
    for socket in (room, console, bo_phone):
        await socket.disconnect()


# What the room sees, and the waiting screens


def test_the_answer_form_says_what_the_room_and_the_archive_get(phone, live_session):
    live_session.reveal_next()
    ana = phone(live_session, "Ana")
    html = page_of(ana, live_session)
    assert ">The room sees your answer with your name.</p>" in html
    assert 'data-audience-private="Only the facilitator sees your answer."' in html
    live_session.reveal_next()  # the memory card
    html = page_of(ana, live_session)
    assert "The room sees your memory with your name; nothing goes to the archive.</p>" in html
    for key in ["private", "room", "named", "anonymous"]:
        assert f"data-audience-{key}=" in html
    response = ana.post(
        answer_url(live_session),
        {"text": "The bakery", "archive_consent": "anonymous"},
        headers=HTMX,
    )
    assert (
        ">The room sees your memory without your name; the archive keeps it without a name.</p>"
        in response.content.decode()
    )
    response = ana.post(
        answer_url(live_session), {"text": "The bakery", "is_private": "on"}, headers=HTMX
    )
    assert ">Only the facilitator sees your memory; nothing goes to the archive.</p>" in (
        response.content.decode()
    )


def test_the_waiting_screens_say_what_happens_and_what_comes_next(phone, facilitator):
    reveal = start_session(facilitator)
    assert "Waiting for the facilitator to show the first card." in page_of(
        phone(reveal, "Ana"), reveal
    )
    spread = start_session(facilitator, mode="spread")
    ben, cy = phone(spread, "Ben"), phone(spread, "Cy")
    assert "No block is turned over yet" in page_of(cy, spread)
    spread.pass_turn()
    cy_page = page_of(cy, spread)
    assert "Ben is picking a block." in cy_page
    assert "No block is turned over yet: the person whose turn it is picks one" in cy_page
    assert "Your turn! Pick a block below." in page_of(ben, spread)
    reveal.reveal_next()
    reveal.cards.filter(pk=reveal.current_card_id).update(closed_at=timezone.now())
    html = page_of(phone(reveal, "Bo"), reveal)
    assert "Answers are closed for this card; the next card comes soon." in html
    assert 'class="answer-form"' not in html


def test_live_regions_are_never_swapped_themselves_so_each_change_is_heard_once(
    phone, live_session
):
    from sessions import broadcast, screens

    live_session.reveal_next()
    ana = phone(live_session)
    html = page_of(ana, live_session)
    for region in ["phone-card", "phone-turn"]:  # pushed as their insides
        assert re.search(rf'id="{region}"[^>]*hx-swap-oob="innerHTML" aria-live="polite"', html)
    assert '<p id="phone-said" class="message phone__said" role="status"></p>' in html
    pushed = broadcast.render_parts(
        broadcast.PHONE, ["phone-spread", "phone-answer"], screens.phone_context(live_session)
    )
    assert 'role="status"' not in pushed
    response = ana.post(answer_url(live_session), {"text": "Hi"}, headers=HTMX)
    assert (
        '<p hx-swap-oob="innerHTML:#phone-said">Saved. You can still change it until the next '
        "card.</p>" in response.content.decode()
    )


# At the end


def test_the_private_stories_link_is_only_for_people_who_shared_something(phone, live_session):
    live_session.reveal_next()
    live_session.reveal_next()  # the memory card
    ana, bo, cy = (phone(live_session, name) for name in ["Ana", "Bo", "Cy"])
    ana.post(answer_url(live_session), {"text": "A bakery", "archive_consent": "anonymous"})
    bo.post(answer_url(live_session), {"text": "Only a memory for the room"})
    cy.post(answer_url(live_session), {"text": "Shared, then not", "archive_consent": "named"})
    cy.post(answer_url(live_session), {"text": "Shared, then not", "archive_consent": "none"})
    live_session.end()
    token = Participant.objects.get(display_name="Ana").token
    mine = f"http://testserver{reverse('stories:mine', args=[token])}"
    thanks = reverse("live_sessions:thanks", args=[live_session.join_code])
    for html in [ana.get(thanks).content.decode(), page_of(ana, live_session)]:
        assert "My shared stories" in html
        assert f'<input id="mine-link" class="copy-field" type="text" value="{mine}" readonly>' in (
            html
        )
        assert 'data-copy="#mine-link"' in html and "add the page to your bookmarks" in html
    for browser in (bo, cy):
        for html in [browser.get(thanks).content.decode(), page_of(browser, live_session)]:
            assert "My shared stories" not in html and "/stories/mine/" not in html
            assert "Nothing you wrote went into the story archive" in html


def test_withdrawing_without_the_confirmation_changes_nothing_and_says_why(phone, live_session):
    live_session.reveal_next()
    live_session.reveal_next()
    ana = phone(live_session, "Ana")
    ana.post(answer_url(live_session), {"text": "A bakery", "archive_consent": "named"})
    story = Story.objects.get()
    token = story.author_token
    withdraw = reverse("stories:withdraw", args=[token, story.pk])
    response = Client().post(withdraw)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was withdrawn: tick “I understand this cannot be undone” first." in html
    assert f'aria-describedby="withdraw-{story.pk}-error"' in html
    story.refresh_from_db()
    assert (story.text, story.is_withdrawn) == ("A bakery", False)
    response = Client().post(withdraw, {"understood": "on"})
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.is_withdrawn and story.text == ""
