"""Script in every field a person can type, on every screen it reaches, in real Chromium.

Each field gets the same payload (a script tag, an image and an SVG with handlers, a quote
that would break out of an attribute or a JavaScript string). On every screen the payload
must read as the text that was typed, no element it describes may exist, no dialog may
open, and the Content-Security-Policy must not have had to refuse anything (new_page checks
that last one for every browser test).
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from decks.models import Deck
from sessions.models import LiveSession
from stories.models import Digest, Story
from tests.e2e.conftest import PHONE, log_in, screenshot
from tests.factories import PASSWORD, CardFactory, DeckFactory, UserFactory

pytestmark = pytest.mark.e2e

PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(2)>\"><svg onload=alert(3)>'-'"
NAME = "<img src=x onerror=alert(4)>'\"-"  # a display name is 40 characters at most
INJECTED = "script:not([src]), img[src='x'], svg[onload], [onerror], [onload]"


def text(field):
    """What was typed into a field (a name is shorter)."""
    return NAME if field == "Name" else f"{field} {PAYLOAD}"


def watch(page, dialogs):
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    return page


def shows_as_text(page, *fields):
    """Every field's payload is on the page as text, and nothing it describes was built."""
    content = page.evaluate("document.body.textContent")
    for field in fields:
        assert text(field) in content, (page.url, field)
    assert page.locator(INJECTED).count() == 0, page.url


def test_typed_script_is_shown_as_text_everywhere_and_never_runs(new_page, live_app):
    dialogs = []
    owner = UserFactory(name=text("Facilitator"))
    curator = UserFactory(is_staff=True, is_superuser=True)
    deck = DeckFactory(
        owner=owner, title=text("Deck"), description=text("Description"),
        status=Deck.Status.SUBMITTED,
    )  # fmt: skip
    deck.tags.add(text("Deck tag"))
    CardFactory(deck=deck, prompt=text("Question"))
    CardFactory(deck=deck, prompt=text("Memory"), kind="memory", follow_up=text("Follow-up"))

    # The owner's pages, then a session with a room screen open.
    console = watch(new_page(), dialogs)
    log_in(console, owner)
    console.goto(deck.get_absolute_url())
    shows_as_text(console, "Deck", "Description", "Question", "Memory", "Follow-up")
    console.goto(reverse("decks:deck-preview", args=[deck.slug]))
    shows_as_text(console, "Deck")
    console.goto(reverse("live_sessions:session-start", args=[deck.slug]))
    console.get_by_label("Shuffle the cards").uncheck()
    console.get_by_role("button", name="Start the session").click()
    expect(console.get_by_text("Facilitator console")).to_be_visible()
    session = LiveSession.objects.get()
    room = watch(console.context.new_page(), dialogs)
    room.goto(reverse("live_sessions:room", args=[session.pk]))
    expect(room.get_by_label("Join code")).to_have_text(session.join_code)

    # A participant types script as their name and their answers, on a phone.
    phone = watch(new_page(viewport=PHONE), dialogs)
    phone.goto(reverse("live_sessions:join", args=[session.join_code]))
    shows_as_text(phone, "Deck")
    phone.get_by_label("Your name").fill(text("Name"))
    phone.get_by_role("button", name="Join the session").click()
    expect(phone.get_by_text("You're in!")).to_be_visible()
    expect(room.locator("#room-people")).to_contain_text(text("Name"))  # live, over the socket
    expect(console.locator("#host-people")).to_contain_text(text("Name"))

    console.keyboard.press("ArrowRight")  # the first card
    expect(phone.locator("#phone-card")).to_contain_text(text("Question"))
    phone.get_by_label("Your answer").fill(text("Answer"))
    phone.get_by_role("button", name="Send my answer").click()
    expect(phone.get_by_text("Saved.")).to_be_visible()
    expect(room.locator("#room-answers")).to_contain_text(text("Answer"))

    console.get_by_role("button", name="Next card →").click()
    expect(phone.locator("#phone-card")).to_contain_text(text("Memory"))
    shows_as_text(phone, "Memory", "Follow-up", "Name")
    phone.get_by_label("Your memory").fill(text("Story"))
    phone.get_by_label("Who would you share it with").fill(text("Share with"))
    phone.get_by_label("Yes, with my name").check()
    phone.get_by_role("button", name="Send my answer").click()
    expect(phone.get_by_text("Saved.")).to_be_visible()
    expect(room.locator("#room-answers")).to_contain_text(text("Story"))
    shows_as_text(room, "Memory", "Name", "Story")
    shows_as_text(console, "Memory", "Name", "Story", "Share with")
    screenshot(room, "hostile-room")

    console.goto(reverse("live_sessions:summary", args=[session.pk]))
    shows_as_text(console, "Deck", "Question", "Name", "Answer", "Story")
    console.goto(reverse("live_sessions:session-list"))
    shows_as_text(console, "Deck")

    # The archive, a story, a digest and its newsletter.
    story = Story.objects.get()
    story.tags.add(text("Story tag"))
    digest = Digest.objects.create(
        title=text("Digest"), introduction=text("Introduction"), created_by=owner
    )
    digest.stories.add(story)
    console.goto(reverse("stories:archive"))
    shows_as_text(console, "Story", "Name", "Story tag")
    console.goto(story.get_absolute_url())
    shows_as_text(console, "Story", "Share with", "Name", "Story tag", "Memory")
    console.goto(reverse("stories:digest-detail", args=[digest.pk]))
    shows_as_text(console, "Digest")
    console.goto(reverse("stories:digest-newsletter", args=[digest.pk]))
    shows_as_text(console, "Digest", "Introduction", "Story", "Share with")
    console.goto(reverse("stories:insights"))
    assert console.locator(INJECTED).count() == 0

    # A participant's own page, and a curator's review queue and admin lists.
    phone.goto(reverse("stories:mine", args=[story.answer.participant.token]))
    shows_as_text(phone, "Story")
    staff = watch(new_page(), dialogs)
    staff.goto(reverse("login"))
    staff.get_by_label("E-mail address").fill(curator.email)
    staff.get_by_label("Password").fill(PASSWORD)
    staff.get_by_role("button", name="Log in").click()
    staff.goto(reverse("decks:review-queue"))
    shows_as_text(staff, "Deck", "Description")
    staff.goto(reverse("admin:stories_story_changelist"))
    assert text("Story")[:40] in staff.evaluate("document.body.textContent")
    assert staff.locator(INJECTED).count() == 0

    # Exports are downloads, never pages the browser would render.
    exports = [
        reverse("decks:deck-export", args=[deck.slug, "json"]),
        reverse("decks:deck-export", args=[deck.slug, "csv"]),
        reverse("live_sessions:summary-export", args=[session.pk, "csv"]),
        reverse("live_sessions:summary-export", args=[session.pk, "md"]),
        reverse("stories:archive-export", args=["csv"]),
        reverse("stories:archive-export", args=["json"]),
        reverse("stories:digest-download", args=[digest.pk, "md"]),
        reverse("stories:digest-download", args=[digest.pk, "eml"]),
    ]
    for url in exports:
        response = console.request.get(url)
        assert response.ok, url
        assert response.headers["content-disposition"].startswith("attachment"), url
        assert "text/html" not in response.headers["content-type"], url
        assert response.headers["x-content-type-options"] == "nosniff", url

    assert dialogs == []
