"""Feel Good Friday digests: choose stories, save, reopen, and take them out as e-mail."""

import datetime
import email

import pytest
from django.urls import reverse
from django.utils import timezone

from stories.models import Digest, Story
from tests.factories import StoryFactory

pytestmark = pytest.mark.django_db

NEW = reverse("stories:digest-create")


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def digest_data(**fields):
    today = timezone.localdate()
    return {
        "title": "Feel Good Friday, week 47",
        "introduction": "Three memories that made our week.",
        "date_from": (today - datetime.timedelta(days=7)).isoformat(),
        "date_to": today.isoformat(),
        **fields,
    }


def test_the_new_digest_offers_this_weeks_stories_with_the_featured_ones_ticked(
    facilitator_client,
):
    featured = StoryFactory(is_featured=True, created_at=days_ago(1))
    plain = StoryFactory(created_at=days_ago(2))
    StoryFactory(created_at=days_ago(30))
    StoryFactory(created_at=days_ago(1), status=Story.Status.HIDDEN)
    form = facilitator_client.get(NEW).context["form"]
    assert list(form.fields["stories"].queryset) == [featured, plain]
    assert form.chosen_pks() == {featured.pk}


def test_changing_the_range_redraws_the_choices_without_saving(facilitator_client):
    old = StoryFactory(created_at=days_ago(30))
    data = digest_data(date_from=(timezone.localdate() - datetime.timedelta(days=60)).isoformat())
    response = facilitator_client.post(
        NEW, {**data, "refresh": "1"}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert f'id="story-{old.pk}"' in page
    assert "<html" not in page
    assert not Digest.objects.exists()


def test_a_digest_is_saved_with_its_stories_and_reopens_with_them_ticked(facilitator_client):
    chosen = StoryFactory(created_at=days_ago(1))
    StoryFactory(created_at=days_ago(1))
    response = facilitator_client.post(NEW, digest_data(stories=[chosen.pk]))
    digest = Digest.objects.get()
    assert response["Location"] == digest.get_absolute_url()
    assert list(digest.stories.all()) == [chosen]
    edit = facilitator_client.get(reverse("stories:digest-edit", args=[digest.pk]))
    assert edit.context["form"].chosen_pks() == {chosen.pk}


def test_a_digest_with_a_reversed_range_is_refused_with_a_reason(facilitator_client):
    response = facilitator_client.post(
        NEW, digest_data(date_from="2026-11-20", date_to="2026-11-01")
    )
    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()
    assert not Digest.objects.exists()


@pytest.fixture
def digest(facilitator):
    digest = Digest.objects.create(
        title="Week 47", introduction="Hello <team>", created_by=facilitator
    )
    digest.stories.add(
        StoryFactory(text="The optician stayed late.", author_name="Ana", is_featured=True),
        StoryFactory(text="Hidden later", status=Story.Status.HIDDEN),
    )
    return digest


def test_the_newsletter_has_inline_styles_and_no_script(digest, facilitator_client):
    response = facilitator_client.get(reverse("stories:digest-newsletter", args=[digest.pk]))
    page = response.content.decode()
    assert "The optician stayed late." in page
    assert "Hello &lt;team&gt;" in page
    assert "<script" not in page.lower()
    assert "<link" not in page.lower()
    assert 'style="' in page
    assert "Hidden later" not in page
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_the_markdown_quotes_each_story_with_its_link(digest, facilitator_client):
    text = facilitator_client.get(
        reverse("stories:digest-download", args=[digest.pk, "md"])
    ).content.decode()
    story = digest.stories.get(text="The optician stayed late.")
    assert text.startswith("# Week 47")
    assert "> The optician stayed late." in text
    assert f"http://testserver{story.get_absolute_url()}" in text
    assert "Hidden later" not in text


def test_the_eml_is_an_unsent_email_with_text_and_html(digest, facilitator_client):
    response = facilitator_client.get(reverse("stories:digest-download", args=[digest.pk, "eml"]))
    assert response["Content-Disposition"] == 'attachment; filename="digest-1.eml"'.replace(
        "1", str(digest.pk)
    )
    message = email.message_from_bytes(response.content)
    assert message["Subject"] == "Week 47"
    assert message["X-Unsent"] == "1"
    parts = {part.get_content_type(): part for part in message.walk() if not part.is_multipart()}
    assert set(parts) == {"text/plain", "text/html"}
    html = parts["text/html"].get_payload(decode=True).decode()
    assert "The optician stayed late." in html
    assert "<script" not in html.lower()


def test_only_the_author_or_staff_change_a_digest(digest, other_client, curator_client):
    edit = reverse("stories:digest-edit", args=[digest.pk])
    delete = reverse("stories:digest-delete", args=[digest.pk])
    assert other_client.get(edit).status_code == 403
    assert other_client.post(delete).status_code == 403
    assert Digest.objects.filter(pk=digest.pk).exists()
    assert curator_client.post(delete).status_code == 302
    assert not Digest.objects.exists()
    assert Story.objects.count() == 2


def test_digests_are_listed_for_everyone_signed_in(digest, other_client):
    page = other_client.get(reverse("stories:digest-list")).content.decode()
    assert "Week 47" in page


def test_a_digest_title_on_two_lines_is_refused(facilitator_client):
    response = facilitator_client.post(NEW, digest_data(title="Week 47\r\nBcc: all@example.com"))
    assert "Keep the title on one line." in response.content.decode()
    assert not Digest.objects.exists()


def test_a_digest_saved_with_a_line_break_in_its_title_still_downloads_as_email(
    facilitator_client,
):
    digest = Digest.objects.create(title="Week 47\r\nBcc: all@example.com")
    response = facilitator_client.get(reverse("stories:digest-download", args=[digest.pk, "eml"]))
    assert response.status_code == 200
    message = email.message_from_bytes(response.content)
    assert message["Subject"] == "Week 47 Bcc: all@example.com"
    assert message["Bcc"] is None


@pytest.mark.parametrize("story_id", ["99999999999999999999", str(2**63), "-1", "0", "x"])
def test_a_story_number_that_cannot_exist_is_a_form_error(facilitator_client, story_id):
    story = StoryFactory(created_at=days_ago(1))
    response = facilitator_client.post(NEW, digest_data(stories=[str(story.pk), story_id]))
    assert response.status_code == 200
    assert response.context["form"].errors["stories"]
    assert not Digest.objects.exists()
