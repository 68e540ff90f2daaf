"""Archived stories outlive what they came from: only a participant's withdrawal or staff
deletion removes one (or its words)."""

from django.urls import reverse

from stories.models import Story


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
