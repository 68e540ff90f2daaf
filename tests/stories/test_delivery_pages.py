"""The digest by mail's pages: a user's own subscription, staff's invitations (double opt-in,
rate limited), schedules and approval, with the confirmation mails read from a real SMTP
server (tests/mail.py)."""

import datetime
import re

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings

from stories import delivery
from stories.models import Digest, DigestSchedule, Story, Subscription
from tests.factories import StoryFactory
from tests.stories.test_delivery import due, due_schedule, in_the_period, reader, send_digests
from tests.test_hostile_input import TEXT

pytestmark = pytest.mark.django_db

SUBSCRIPTION = reverse("stories:subscription")
SUBSCRIBERS = reverse("stories:subscriber-list")
INVITE = reverse("stories:subscriber-invite")
SCHEDULES = reverse("stories:schedule-list")
NEW_SCHEDULE = reverse("stories:schedule-create")


def confirm_link(mail):
    [url] = re.findall(r"https://cx\.example\.com(/\S+/confirm/\S+/)", mail.text)
    return url


# A signed-in user's own subscription


def test_a_user_subscribes_confirms_by_mail_and_unsubscribes_again(
    smtp_server, facilitator, facilitator_client
):
    menu = facilitator_client.get(reverse("decks:deck-list")).content.decode()
    assert f'href="{SUBSCRIPTION}"' in menu
    assert "You are not subscribed" in facilitator_client.get(SUBSCRIPTION).content.decode()
    page = facilitator_client.post(SUBSCRIPTION, {"subscribe": "1"}, follow=True).content.decode()
    assert f"We sent a confirmation link to <strong>{facilitator.email}</strong>" in page
    assert "the digest starts once you open it" in page
    assert not Subscription.objects.receiving().exists()  # the address is not proven yet
    [mail] = smtp_server.received
    assert mail.recipients == [facilitator.email]
    assert "You asked to receive Feel Good Friday" in mail.text
    facilitator_client.post(confirm_link(mail))
    subscription = Subscription.objects.get()
    assert subscription.is_receiving and subscription.user == facilitator
    assert "You are subscribed" in facilitator_client.get(SUBSCRIPTION).content.decode()
    page = facilitator_client.post(SUBSCRIPTION, {"subscribe": "0"}, follow=True)
    assert "Unsubscribed: no more digests by mail." in page.content.decode()
    assert not Subscription.objects.receiving().exists()
    facilitator_client.post(SUBSCRIPTION, {"subscribe": "1"})
    facilitator_client.post(SUBSCRIPTION, {"subscribe": "1"})  # twice: still one live row
    assert Subscription.objects.live().count() == 1
    assert Subscription.objects.count() == 2  # the unsubscribed one stays, stamped
    assert len(smtp_server.mailbox.to(facilitator.email)) == 3  # "send it again" mails again


def test_send_it_again_is_under_the_confirmation_mail_limit(
    smtp_server, facilitator, facilitator_client, settings
):
    settings.DIGEST_ADDRESS_RATE = "2/d"
    facilitator_client.post(SUBSCRIPTION, {"subscribe": "1"})
    page = facilitator_client.get(SUBSCRIPTION).content.decode()
    assert "Send it again" in page
    facilitator_client.post(SUBSCRIPTION, {"subscribe": "1"})
    refused = facilitator_client.post(SUBSCRIPTION, {"subscribe": "1"})
    assert refused.status_code == 429
    assert "This address has had several confirmation mails today" in refused.content.decode()
    assert len(smtp_server.received) == 2


def test_signing_up_with_someone_elses_address_gives_no_hold_on_their_subscription(
    smtp_server, facilitator, facilitator_client, curator
):
    """Sign-up does not verify the address: a user of an invited address can neither confirm
    the invitation nor cancel it from their page; only the confirm link mailed to it counts."""
    invited = Subscription.objects.create(email=facilitator.email, invited_by=curator)
    page = facilitator_client.get(SUBSCRIPTION).content.decode()
    assert "We sent a confirmation link to" in page and "Cancel the request" not in page
    facilitator_client.post(SUBSCRIPTION, {"subscribe": "1"})
    facilitator_client.post(SUBSCRIPTION, {"subscribe": "0"})
    invited.refresh_from_db()
    assert not invited.is_confirmed and not invited.is_unsubscribed and invited.user is None
    [mail] = smtp_server.received  # the invitation's link, mailed again to the address
    assert confirm_link(mail).endswith(f"/confirm/{invited.token}/")

    invited.confirmed_at = timezone.now()  # its owner confirmed from the mail, signed out
    invited.save()
    page = facilitator_client.get(SUBSCRIPTION).content.decode()
    assert "Your address receives the digest" in page and 'value="0"' not in page
    facilitator_client.post(SUBSCRIPTION, {"subscribe": "0"})
    facilitator_client.post(SUBSCRIPTION, {"subscribe": "1"})  # stays confirmed, mails nothing
    invited.refresh_from_db()
    assert invited.is_receiving and len(smtp_server.received) == 1


def test_confirming_an_invitation_while_signed_in_makes_it_yours(
    smtp_server, facilitator, facilitator_client, curator
):
    invited = Subscription.objects.create(email=facilitator.email, invited_by=curator)
    facilitator_client.post(reverse("stories:subscription-confirm", args=[invited.token]))
    page = facilitator_client.get(SUBSCRIPTION).content.decode()
    assert "You are subscribed" in page
    facilitator_client.post(SUBSCRIPTION, {"subscribe": "0"})
    invited.refresh_from_db()
    assert invited.is_unsubscribed


# Invitations: double opt-in


def test_an_invited_address_gets_a_confirmation_mail_and_nothing_more_until_it_confirms(
    smtp_server, curator_client
):
    response = curator_client.post(INVITE, {"email": " Reader@Example.com "}, follow=True)
    assert "Invitation sent to reader@example.com" in response.content.decode()
    [mail] = smtp_server.received
    assert mail.recipients == ["reader@example.com"]
    assert mail.subject == "Confirm: Feel Good Friday stories by mail"
    subscription = Subscription.objects.get()
    assert not subscription.is_confirmed
    url = confirm_link(mail)
    scanner = Client()  # a mail scanner opening every link: a GET confirms nothing
    page = scanner.get(url).content.decode()
    assert "Yes, send me the digest" in page
    subscription.refresh_from_db()
    assert not subscription.is_confirmed
    page = Client().post(url).content.decode()
    assert "You are subscribed" in page
    subscription.refresh_from_db()
    assert subscription.is_receiving
    listing = curator_client.get(SUBSCRIBERS).content.decode()
    assert "1 address receives the digest" in listing


def test_inviting_an_address_that_already_receives_the_digest_mails_nothing(
    smtp_server, curator_client, facilitator
):
    Subscription.objects.create(email=facilitator.email, confirmed_at=timezone.now())
    response = curator_client.post(INVITE, {"email": facilitator.email}, follow=True)
    assert "already receives the digest" in response.content.decode()
    assert smtp_server.received == []


def test_a_bad_address_is_refused_in_words_and_nothing_is_saved(smtp_server, curator_client):
    for typed in ["not an address", "a\x00b@example.com", "x" * 300 + "@example.com", ""]:
        response = curator_client.post(INVITE, {"email": typed})
        assert response.status_code == 400
        assert "Nobody was invited" in response.content.decode()
    assert not Subscription.objects.exists()
    assert smtp_server.received == []


def test_confirmation_mails_are_limited_per_address_and_per_staff_member(
    smtp_server, curator_client, settings
):
    settings.DIGEST_ADDRESS_RATE = "2/d"
    settings.DIGEST_INVITE_RATE = "4/h"
    curator_client.post(INVITE, {"email": "reader@example.com"})
    resend = reverse("stories:subscriber-resend", args=[Subscription.objects.get().pk])
    curator_client.post(resend)
    refused = curator_client.post(resend)
    assert refused.status_code == 429
    assert "This address has had several confirmation mails today" in refused.content.decode()
    assert len(smtp_server.received) == 2
    curator_client.post(INVITE, {"email": "two@example.com"})
    refused = curator_client.post(INVITE, {"email": "three@example.com"})
    assert refused.status_code == 429
    assert "You have sent a lot of invitations just now" in refused.content.decode()
    assert smtp_server.mailbox.addresses == ["reader@example.com"] * 2 + ["two@example.com"]
    assert not Subscription.objects.filter(email="three@example.com").exists()


def test_a_confirm_link_of_an_unsubscribed_address_confirms_nothing(smtp_server, curator_client):
    curator_client.post(INVITE, {"email": "reader@example.com"})
    url = confirm_link(smtp_server.received[0])
    subscription = Subscription.objects.get()
    Client().post(reverse("stories:unsubscribe", args=[subscription.token]))
    page = Client().post(url).content.decode()
    assert "This subscription was cancelled" in page
    subscription.refresh_from_db()
    assert not subscription.is_confirmed


# Schedules


def test_staff_make_a_schedule_in_a_time_zone_and_see_it_listed(curator_client):
    data = {
        "title_template": "Feel Good Friday, {date}",
        "weekday": "4",
        "time_of_day": "09:00",
        "time_zone": "Pacific/Auckland",
        "story_count": "5",
        "needs_approval": "on",
        "is_active": "on",
    }
    response = curator_client.post(NEW_SCHEDULE, data, follow=True)
    assert "Schedule saved: Friday at 09:00 (Pacific/Auckland)." in response.content.decode()
    schedule = DigestSchedule.objects.get()
    assert schedule.needs_approval and schedule.story_count == 5
    listing = curator_client.get(SCHEDULES).content.decode()
    assert "Friday at 09:00 (Pacific/Auckland)" in listing and "staff approve each one" in listing
    edit = reverse("stories:schedule-edit", args=[schedule.pk])
    curator_client.post(edit, {**data, "time_zone": "Europe/London", "needs_approval": ""})
    schedule.refresh_from_db()
    assert schedule.time_zone == "Europe/London" and not schedule.needs_approval


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("time_zone", "Mars/Olympus_Mons", "Select a valid choice."),
        ("time_zone", "Europe/London\x00", "Select a valid choice."),
        ("time_of_day", "25:99", "Enter a valid time."),
        ("story_count", "0", "greater than or equal to 1"),
        ("story_count", "9" * 30, "less than or equal to 50"),
        ("weekday", "7", "Select a valid choice."),
        ("title_template", "Week\r\nBcc: everyone@example.com", "Keep the title on one line."),
    ],
)
def test_a_schedule_with_a_bad_value_is_refused_in_words_and_not_saved(
    curator_client, field, value, message
):
    data = {
        "title_template": "Feel Good Friday, {date}",
        "weekday": "4",
        "time_of_day": "09:00",
        "time_zone": "Europe/London",
        "story_count": "5",
        field: value,
    }
    response = curator_client.post(NEW_SCHEDULE, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not DigestSchedule.objects.exists()


def test_the_schedules_page_warns_when_public_url_is_missing(curator_client, settings):
    settings.PUBLIC_URL = ""
    assert "PUBLIC_URL is not set on this server" in curator_client.get(SCHEDULES).content.decode()
    settings.PUBLIC_URL = "https://cx.example.com"
    assert "PUBLIC_URL is not set" not in curator_client.get(SCHEDULES).content.decode()


def test_a_digest_made_by_hand_cannot_be_approved_for_mailing(curator_client, curator):
    digest = Digest.objects.create(title="By hand", created_by=curator)
    page = curator_client.get(digest.get_absolute_url()).content.decode()
    assert "Approve and send" not in page
    response = curator_client.post(reverse("stories:digest-approve", args=[digest.pk]), follow=True)
    assert "not a draft waiting for approval" in response.content.decode()
    digest.refresh_from_db()
    assert not digest.is_approved


def edit_form_data(digest, **changes):
    """The edit form as the page posts it, with the digest's values."""
    return {
        "title": digest.title,
        "introduction": digest.introduction,
        "date_from": digest.date_from.isoformat(),
        "date_to": digest.date_to.isoformat(),
        "stories": [story.pk for story in digest.stories.all()],
        **changes,
    }


def test_editing_an_approved_draft_withdraws_the_approval_until_staff_approve_it_again(
    smtp_server, curator_client
):
    due_schedule(needs_approval=True)
    in_the_period(StoryFactory(text="The baker kept a loaf aside for me."))
    reader("reader@example.com")
    send_digests()  # makes the draft
    digest = Digest.objects.get()
    approve = reverse("stories:digest-approve", args=[digest.pk])
    curator_client.post(approve)
    edit = reverse("stories:digest-edit", args=[digest.pk])
    page = curator_client.get(edit).content.decode()
    assert "Saving a change withdraws the approval" in page
    data = edit_form_data(digest, title="Changed after approval")
    page = curator_client.post(edit, data, follow=True).content.decode()
    assert "Edited after approval: approve it again." in page
    assert "Draft: waiting for approval" in page
    send_digests()
    assert smtp_server.received == []  # the unreviewed version did not go out
    curator_client.post(approve)
    send_digests()
    [mail] = smtp_server.received
    assert mail.subject == "Changed after approval"


def test_a_sent_digest_cannot_be_edited_and_says_why(smtp_server, curator_client):
    due_schedule()
    in_the_period(StoryFactory())
    reader("reader@example.com")
    send_digests()
    digest = Digest.objects.get()
    assert digest.is_sent
    edit = reverse("stories:digest-edit", args=[digest.pk])
    assert f'href="{edit}"' not in curator_client.get(digest.get_absolute_url()).content.decode()
    for response in [
        curator_client.get(edit, follow=True),
        curator_client.post(edit, edit_form_data(digest, title="Rewritten history"), follow=True),
    ]:
        assert (
            "stays as its readers got it: it can no longer be changed" in response.content.decode()
        )
    digest.refresh_from_db()
    assert digest.title != "Rewritten history"


def test_a_scheduled_digest_offers_the_stories_of_its_own_week_as_its_draft_did(curator_client):
    """One week for a story: the one it joined the archive in (published from moderation, else
    told), not its creation date, and the period's end is not in it."""
    schedule = due_schedule(needs_approval=True)
    digest, _made = delivery.make_draft(*due(schedule))
    start, end = digest.period_start, digest.period_end
    in_week = StoryFactory(text="Told and published in the week")
    moderated = StoryFactory(text="Told before the week, published from moderation in it")
    after = StoryFactory(text="Told after the week ended")
    Story.objects.filter(pk=in_week.pk).update(created_at=start + datetime.timedelta(days=2))
    Story.objects.filter(pk=moderated.pk).update(
        created_at=start - datetime.timedelta(days=3),
        published_at=start + datetime.timedelta(days=1),
    )
    Story.objects.filter(pk=after.pk).update(created_at=end + datetime.timedelta(minutes=1))
    edit = reverse("stories:digest-edit", args=[digest.pk])
    for response in [
        curator_client.get(edit),
        curator_client.post(edit, {**edit_form_data(digest), "refresh": "1"}),
        curator_client.post(
            edit, {**edit_form_data(digest, date_from="2000-01-01"), "refresh": "1"}
        ),
    ]:
        page = response.content.decode()
        assert in_week.text in page and moderated.text in page
        assert after.text not in page
    data = edit_form_data(digest, date_from="2000-01-01", stories=[in_week.pk, moderated.pk])
    curator_client.post(edit, data)
    digest.refresh_from_db()
    assert set(digest.stories.all()) == {in_week, moderated}
    assert digest.date_from == start.astimezone(schedule.zone).date()  # the week's, kept


def test_a_subscription_form_sent_with_garbage_changes_nothing(facilitator_client):
    facilitator_client.post(SUBSCRIPTION, {"subscribe": "1"})
    for garbage in ["", "2", "\x00", "1" * 5000]:
        facilitator_client.post(SUBSCRIPTION, {"subscribe": garbage})
    assert Subscription.objects.live().count() == 1


# Hostile input: any text in every field of the new forms is a page, never a server error, and a
# refused form saves nothing.

HOSTILE = hypothesis_settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def answered_without_error(send, model):
    with transaction.atomic():
        before = model.objects.count()
        response = send()
        assert response.status_code < 500, response.content[:300]
        if response.status_code == 400:
            assert model.objects.count() == before
        transaction.set_rollback(True)


@HOSTILE
@given(title=TEXT, weekday=TEXT, time_of_day=TEXT, time_zone=TEXT, story_count=TEXT)
def test_any_text_in_the_schedule_form_is_a_page_and_a_refusal_saves_nothing(
    curator_client, title, weekday, time_of_day, time_zone, story_count
):
    data = {
        "title_template": title,
        "weekday": weekday,
        "time_of_day": time_of_day,
        "time_zone": time_zone,
        "story_count": story_count,
    }
    answered_without_error(lambda: curator_client.post(NEW_SCHEDULE, data), DigestSchedule)


@HOSTILE
@given(email=TEXT)
def test_any_text_as_an_invited_address_is_a_page_and_a_refusal_saves_nothing(
    smtp_server, curator_client, settings, email
):
    settings.DIGEST_INVITE_RATE = settings.DIGEST_ADDRESS_RATE = "1000000/m"
    answered_without_error(lambda: curator_client.post(INVITE, {"email": email}), Subscription)
