"""Answers: one per participant per card, editable until the card closes, private when asked,
and memories into the story archive only with consent."""

import pytest
from django.urls import reverse

from sessions import screens
from sessions.models import Answer
from stories.models import Story

CONFIRMED = {"understood": "on"}  # "I understand this cannot be undone"


def answer_url(session):
    return reverse("live_sessions:answer", args=[session.join_code])


@pytest.fixture
def first_card_up(live_session):
    live_session.reveal_next()
    return live_session


def memory_card_up(session):
    session.reveal_next()
    session.reveal_next()
    return session


def test_an_answer_is_saved_and_can_be_edited_until_the_card_closes(phone, first_card_up):
    ana = phone(first_card_up)
    ana.post(answer_url(first_card_up), {"text": "A kind call"}, headers={"HX-Request": "true"})
    response = ana.post(
        answer_url(first_card_up), {"text": "A kind call back"}, headers={"HX-Request": "true"}
    )
    assert "Saved. You can still change it" in response.content.decode()
    assert list(Answer.objects.values_list("text", flat=True)) == ["A kind call back"]
    first_card_up.reveal_next()
    ana.post(answer_url(first_card_up), {"text": "For the second card"})
    by_card = dict(Answer.objects.values_list("session_card__prompt", "text"))
    assert by_card == {
        "What made you smile?": "A kind call back",
        "Which customer memory would you share?": "For the second card",
    }


def test_an_answer_to_a_closed_card_is_refused_and_nothing_is_lost(phone, first_card_up):
    ana = phone(first_card_up)
    ana.post(answer_url(first_card_up), {"text": "Kept"})
    first_card_up.end()
    response = ana.post(
        answer_url(first_card_up), {"text": "Changed"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 409
    assert "This card is closed" in response.content.decode()
    assert Answer.objects.get().text == "Kept"


def test_an_empty_or_over_long_answer_gets_a_message(phone, first_card_up):
    ana = phone(first_card_up)
    response = ana.post(answer_url(first_card_up), {"text": "  "}, headers={"HX-Request": "true"})
    assert "Write an answer before sending it." in response.content.decode()
    response = ana.post(
        answer_url(first_card_up), {"text": "x" * 1001}, headers={"HX-Request": "true"}
    )
    assert "at most 1000 characters" in response.content.decode()
    assert not Answer.objects.exists()


def test_answers_are_rate_limited_per_participant(phone, first_card_up, settings):
    settings.ANSWER_RATE = "2/m"
    ana = phone(first_card_up)
    for text in ["one", "two"]:
        ana.post(answer_url(first_card_up), {"text": text})
    response = ana.post(answer_url(first_card_up), {"text": "three"})
    assert response.status_code == 429
    assert Answer.objects.get().text == "two"


def test_someone_who_has_not_joined_cannot_answer(client, first_card_up):
    response = client.post(answer_url(first_card_up), {"text": "Sneaky"})
    assert response.status_code == 403
    assert not Answer.objects.exists()


def test_a_private_answer_never_reaches_the_room(phone, first_card_up, facilitator_client):
    phone(first_card_up, "Ana").post(answer_url(first_card_up), {"text": "Public one"})
    phone(first_card_up, "Bo").post(
        answer_url(first_card_up), {"text": "Secret one", "is_private": "on"}
    )
    room = facilitator_client.get(reverse("live_sessions:room", args=[first_card_up.pk]))
    assert "Public one" in room.content.decode()
    assert "Secret one" not in room.content.decode()
    console = facilitator_client.get(first_card_up.get_absolute_url()).content.decode()
    assert "Secret one" in console and "Only for you" in console


def test_answers_wait_for_the_facilitator_when_not_shown_live(phone, facilitator):
    from tests.live_sessions.conftest import start_session

    session = start_session(facilitator, answers_live=False)
    session.reveal_next()
    phone(session).post(answer_url(session), {"text": "Held back"})
    assert screens.room_context(session)["answers"] == []
    session.open_answers()
    assert [a.text for a in screens.room_context(session)["answers"]] == ["Held back"]


def share_memory(client, session, consent, **extra):
    data = {"text": "The baker who remembered my order", "valence": "valued", **extra}
    data["archive_consent"] = consent
    return client.post(answer_url(session), data)


def test_a_memory_shared_with_consent_becomes_a_story(phone, live_session):
    memory_card_up(live_session)
    share_memory(phone(live_session, "Ana"), live_session, "named", share_with="My team, to copy")
    story = Story.objects.get()
    assert story.text == "The baker who remembered my order"
    assert (story.author_name, story.valence, story.share_with) == (
        "Ana",
        "valued",
        "My team, to copy",
    )
    assert story.prompt == "Which customer memory would you share?"
    assert story.session == live_session


def test_an_anonymous_consent_keeps_the_name_out_of_the_archive(phone, live_session):
    memory_card_up(live_session)
    share_memory(phone(live_session, "Ana"), live_session, "anonymous")
    assert Story.objects.get().author_name == ""


def test_no_consent_means_no_story(phone, live_session):
    memory_card_up(live_session)
    share_memory(phone(live_session), live_session, "none")
    assert not Story.objects.exists()
    assert Answer.objects.get().archive_consent == "none"


def test_a_private_memory_never_goes_to_the_archive(phone, live_session):
    memory_card_up(live_session)
    share_memory(phone(live_session), live_session, "named", is_private="on")
    assert not Story.objects.exists()


def test_withdrawing_consent_erases_the_story_text(phone, live_session, client):
    memory_card_up(live_session)
    ana = phone(live_session, "Ana")
    share_memory(ana, live_session, "named", share_with="Everyone")
    participant = live_session.participants.get()
    mine = ana.get(reverse("stories:mine", args=[participant.token])).content.decode()
    assert "The baker who remembered my order" in mine
    answer = Answer.objects.get()
    client.post(reverse("stories:withdraw", args=[participant.token, answer.story.pk]), CONFIRMED)
    story = Story.objects.get()
    assert (story.text, story.share_with, story.author_name) == ("", "", "")
    assert story.status == Story.Status.WITHDRAWN
    assert not Story.objects.filter(text__contains="baker").exists()
    mine = ana.get(reverse("stories:mine", args=[participant.token])).content.decode()
    assert "Withdrawn: your memory is deleted" in mine
    assert "Withdraw this story" not in mine


def test_withdrawing_in_the_session_by_changing_the_answer_erases_it_too(phone, live_session):
    memory_card_up(live_session)
    ana = phone(live_session)
    share_memory(ana, live_session, "named")
    share_memory(ana, live_session, "none")
    assert Story.objects.get().text == ""


def test_a_stranger_cannot_see_or_withdraw_someone_elses_stories(client, phone, live_session):
    memory_card_up(live_session)
    share_memory(phone(live_session), live_session, "named")
    answer = Answer.objects.get()
    assert client.get(reverse("stories:mine", args=["not-the-token"])).status_code == 404
    client.post(reverse("stories:withdraw", args=["not-the-token", answer.story.pk]), CONFIRMED)
    assert Story.objects.get().text != ""


def test_a_rate_limited_phone_is_told_in_place(phone, first_card_up, settings):
    settings.ANSWER_RATE = "1/m"
    ana = phone(first_card_up)
    ana.post(answer_url(first_card_up), {"text": "one"}, headers={"HX-Request": "true"})
    response = ana.post(answer_url(first_card_up), {"text": "two"}, headers={"HX-Request": "true"})
    assert response.status_code == 429
    fragment = response.content.decode()
    assert 'id="phone-answer"' in fragment and "Wait a minute." in fragment
    assert Answer.objects.get().text == "one"


def test_without_javascript_a_bad_answer_comes_back_with_its_message(phone, first_card_up):
    response = phone(first_card_up).post(answer_url(first_card_up), {"text": ""})
    page = response.content.decode()
    assert "Write an answer before sending it." in page
    assert "<html" in page


def spotlight_on_the_room(client, session):
    page = client.get(reverse("live_sessions:room", args=[session.pk])).content.decode()
    if 'class="spotlight"' not in page:
        return None
    return page.split('class="spotlight"')[1].split("</blockquote>")[0]


def test_an_answer_edited_after_its_spotlight_loses_it(phone, first_card_up, facilitator_client):
    ana = phone(first_card_up, "Ana")
    ana.post(answer_url(first_card_up), {"text": "The words the facilitator read"})
    answer = Answer.objects.get()
    moderate = reverse(
        "live_sessions:answer-moderate", args=[first_card_up.pk, answer.pk, "spotlight"]
    )
    assert facilitator_client.post(moderate).status_code == 302
    assert "The words the facilitator read" in spotlight_on_the_room(
        facilitator_client, first_card_up
    )
    ana.post(answer_url(first_card_up), {"text": "Something else entirely"})
    assert spotlight_on_the_room(facilitator_client, first_card_up) is None
    room = facilitator_client.get(reverse("live_sessions:room", args=[first_card_up.pk]))
    assert "Something else entirely" in room.content.decode()  # on the wall, as any answer
    console = facilitator_client.get(first_card_up.get_absolute_url()).content.decode()
    assert "host-answer--spotlight" not in console
    facilitator_client.post(moderate)
    assert "Something else entirely" in spotlight_on_the_room(facilitator_client, first_card_up)


def test_sending_the_same_words_again_keeps_the_spotlight(phone, first_card_up, facilitator_client):
    ana = phone(first_card_up, "Ana")
    ana.post(answer_url(first_card_up), {"text": "Kept in the light"})
    answer = Answer.objects.get()
    facilitator_client.post(
        reverse("live_sessions:answer-moderate", args=[first_card_up.pk, answer.pk, "spotlight"])
    )
    ana.post(answer_url(first_card_up), {"text": "Kept in the light"})
    assert "Kept in the light" in spotlight_on_the_room(facilitator_client, first_card_up)


def test_a_memory_both_private_and_shared_is_refused_with_what_goes_where(phone, live_session):
    memory_card_up(live_session)
    ana = phone(live_session)
    response = share_memory(ana, live_session, "named", is_private="on")
    page = response.content.decode()
    assert response.status_code == 200
    assert "untick “Only for the facilitator” to share this memory in the archive" in page
    assert "or answer “No” here to keep it private" in page
    assert not Answer.objects.exists()
    assert not Story.objects.exists()
    share_memory(ana, live_session, "none", is_private="on")
    answer = Answer.objects.get()
    assert (answer.is_private, answer.archive_consent) == (True, "none")
    assert not Story.objects.exists()


def test_the_phone_says_a_private_memory_stays_out_of_the_archive(phone, live_session):
    memory_card_up(live_session)
    page = phone(live_session).get(reverse("live_sessions:join", args=[live_session.join_code]))
    assert "A memory only for the facilitator stays with them and never goes into the archive." in (
        page.content.decode()
    )
