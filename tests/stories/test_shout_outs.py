"""The digest's Shout-outs: who made the week's published stories happen, in every format."""

import email

import pytest
from django.urls import reverse

from stories import sharing
from stories.models import Digest, Story
from tests.factories import StoryFactory, credited_story

pytestmark = pytest.mark.django_db

SCRIPT_NAME = "<script>alert('Ana')</script> *Bold* [link](http://evil.example)"


@pytest.fixture
def digest(facilitator):
    digest = Digest.objects.create(title="Feel Good Friday", created_by=facilitator)
    digest.stories.add(
        credited_story(
            people=["Ana Ruiz"], teams=["Night shift"], text="She found my lost parcel at night."
        ),
        credited_story(teams=["Night shift"], text="They rebooked my flight before I asked."),
        StoryFactory(text="Nobody in particular was kind."),
    )
    return digest


def newsletter(client, digest):
    return client.get(reverse("stories:digest-newsletter", args=[digest.pk])).content.decode()


def markdown(client, digest):
    url = reverse("stories:digest-download", args=[digest.pk, "md"])
    return client.get(url).content.decode()


def eml_parts(client, digest):
    url = reverse("stories:digest-download", args=[digest.pk, "eml"])
    message = email.message_from_bytes(client.get(url).content)
    return {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in message.walk()
        if not part.is_multipart()
    }


def test_the_digest_page_gives_shout_outs_most_credited_first_with_what_each_did(
    facilitator_client, digest
):
    response = facilitator_client.get(digest.get_absolute_url())
    shout_outs = response.context["shout_outs"]
    assert [(s.credit.label, len(s.stories)) for s in shout_outs] == [
        ("Night shift (team)", 2),
        ("Ana Ruiz", 1),
    ]
    page = response.content.decode()
    assert "Shout-outs" in page
    assert 'href="/stories/credits/team/night-shift/"' in page
    assert "“She found my lost parcel at night.”" in page


def test_the_newsletter_has_a_shout_outs_section_linking_to_each_credit(facilitator_client, digest):
    page = newsletter(facilitator_client, digest)
    shout_outs = page[page.index("Shout-outs") :]
    assert shout_outs.index("Night shift (team)") < shout_outs.index("Ana Ruiz")
    assert 'href="http://testserver/stories/credits/person/ana-ruiz/"' in shout_outs
    assert "“They rebooked my flight before I asked.”" in shout_outs
    assert "Nobody in particular" not in shout_outs


def test_the_markdown_digest_ends_with_the_shout_outs(facilitator_client, digest):
    text = markdown(facilitator_client, digest)
    shout_outs = text[text.index("## Shout-outs") :]
    lines = [line for line in shout_outs.splitlines() if line.startswith("- ")]
    assert lines[0].startswith(
        "- **Night shift \\(team\\)** (http://testserver/stories/credits/team/night-shift/): "
    )
    assert "“They rebooked my flight before I asked.”" in lines[0]
    assert lines[1].startswith("- **Ana Ruiz** (http://testserver/stories/credits/person/")
    assert len(lines) == 2


def test_the_email_carries_the_shout_outs_in_both_parts(facilitator_client, digest):
    parts = eml_parts(facilitator_client, digest)
    assert "## Shout-outs" in parts["text/plain"]
    assert "Shout-outs" in parts["text/html"]
    for body in parts.values():
        assert "Ana Ruiz" in body
        assert "Night shift" in body


def test_a_shout_out_quotes_only_the_start_of_a_long_story(facilitator_client, facilitator):
    digest = Digest.objects.create(title="Long", created_by=facilitator)
    digest.stories.add(credited_story(people=["Ana"], text="one two three " * 10 + "ENDWORD"))
    text = markdown(facilitator_client, digest)
    assert "ENDWORD" in text  # the story itself, in full
    assert "ENDWORD" not in text[text.index("## Shout-outs") :]


def test_a_digest_crediting_nobody_has_no_shout_outs(facilitator_client, facilitator):
    digest = Digest.objects.create(title="Quiet week", created_by=facilitator)
    digest.stories.add(StoryFactory())
    assert "Shout-outs" not in newsletter(facilitator_client, digest)
    assert "Shout-outs" not in markdown(facilitator_client, digest)
    assert "Shout-outs" not in facilitator_client.get(digest.get_absolute_url()).content.decode()


def test_names_are_escaped_in_every_format(facilitator_client, facilitator):
    digest = Digest.objects.create(title="Escapes", created_by=facilitator)
    digest.stories.add(credited_story(people=[SCRIPT_NAME], text="<b>bold</b> deed"))
    for page in [
        newsletter(facilitator_client, digest),
        facilitator_client.get(digest.get_absolute_url()).content.decode(),
        eml_parts(facilitator_client, digest)["text/html"],
    ]:
        assert "<script>" not in page
        assert "&lt;script&gt;alert(&#x27;Ana&#x27;)&lt;/script&gt;" in page
        assert "<b>bold" not in page
    for text in [
        markdown(facilitator_client, digest),
        eml_parts(facilitator_client, digest)["text/plain"],
    ]:
        line = next(line for line in text.splitlines() if "alert" in line)
        assert (
            "- **\\<script\\>alert\\('Ana'\\)\\</script\\> \\*Bold\\* "
            "\\[link\\]\\(http://evil.example\\)**"
        ) in line
        assert "“\\<b\\>bold\\</b\\> deed”" in line


@pytest.mark.parametrize("how", ["hidden", "withdrawn", "pending"])
def test_an_unpublished_storys_credits_get_no_shout_out(facilitator_client, curator, digest, how):
    story = credited_story(
        people=["Zqxv Unseen"],
        teams=["Night shift"],
        text="Zqxv unseen deed",
        author_token="t" * 22,
    )
    digest.stories.add(story)
    if how == "hidden":
        sharing.hide(story, by=curator)
    elif how == "withdrawn":
        sharing.withdraw(story)
    else:
        Story.objects.filter(pk=story.pk).update(status=Story.Status.PENDING)
    response = facilitator_client.get(digest.get_absolute_url())
    assert [(s.credit.label, len(s.stories)) for s in response.context["shout_outs"]] == [
        ("Night shift (team)", 2),
        ("Ana Ruiz", 1),
    ]
    outputs = [
        response.content.decode(),
        newsletter(facilitator_client, digest),
        markdown(facilitator_client, digest),
        *eml_parts(facilitator_client, digest).values(),
    ]
    for output in outputs:
        assert "Zqxv" not in output  # long enough never to turn up in a CSRF token
