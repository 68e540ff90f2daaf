"""Archived stories outlive what they came from: only a participant's withdrawal or staff
deletion removes one (or its words)."""

from django.urls import reverse

from stories.models import Story

CONFIRMED = {"understood": "on"}  # "I understand this cannot be undone"


def test_deleting_the_deck_the_session_or_the_facilitator_keeps_the_story(
    share, session_with_memory, facilitator_client, facilitator, curator_client
):
    share("The nurse who stayed after her shift", name="Ana")
    story = Story.objects.get()
    deck = session_with_memory.deck
    response = facilitator_client.post(reverse("decks:deck-delete", args=[deck.slug]))
    assert response.status_code == 302
    session_with_memory.delete()
    facilitator.delete()
    story.refresh_from_db()
    assert story.text == "The nurse who stayed after her shift"
    assert story.author_name == "Ana"
    page = curator_client.get(reverse("stories:story-detail", args=[story.pk]))
    assert "The nurse who stayed after her shift" in page.content.decode()


def test_after_the_session_is_deleted_its_author_can_still_withdraw_the_story(
    share, session_with_memory, client
):
    answer = share("The pharmacist who called me back", name="Ana")
    token = answer.participant.token
    session_with_memory.delete()  # its participants and answers go with it
    mine = reverse("stories:mine", args=[token])
    page = client.get(mine).content.decode()
    assert "The pharmacist who called me back" in page
    assert "The session they came from has since been deleted" in page
    story = Story.objects.get()
    assert (
        client.post(reverse("stories:withdraw", args=[token, story.pk]), CONFIRMED).status_code
        == 302
    )
    story.refresh_from_db()
    assert (story.status, story.text, story.author_name) == (Story.Status.WITHDRAWN, "", "")
    assert "Withdrawn: your memory is deleted" in client.get(mine).content.decode()
