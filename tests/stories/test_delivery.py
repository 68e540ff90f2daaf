"""The digest by mail: `send_digests` against a real SMTP server (tests/mail.py), exactly once
per period, resuming after a crash, and only what may leave the app."""

import datetime
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from sessions.models import Reaction
from stories import delivery, sharing
from stories.models import Delivery, Digest, DigestSchedule, Story, Subscription
from tests.factories import StoryFactory, credited_story
from tests.live_sessions.test_races import at_once
from tests.stories.conftest import SECRET_NAME

pytestmark = pytest.mark.django_db


def due_schedule(**fields):
    """An active schedule whose latest moment was an hour ago, changed before it, in UTC."""
    now = timezone.now().astimezone(datetime.UTC)
    moment = (now - datetime.timedelta(hours=1)).replace(second=0, microsecond=0)
    fields = {
        "weekday": moment.weekday(),
        "time_of_day": moment.time(),
        "time_zone": "UTC",
        "needs_approval": False,
        **fields,
    }
    schedule = DigestSchedule.objects.create(**fields)
    DigestSchedule.objects.filter(pk=schedule.pk).update(
        changed_at=now - datetime.timedelta(hours=2)
    )
    schedule.refresh_from_db()
    return schedule


def in_the_period(story, days=1):
    """Date a story inside the week that ended an hour ago."""
    Story.objects.filter(pk=story.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days)
    )
    return story


def due(schedule, now=None):
    """(schedule, moment, period) of the draft due at `now`, for `delivery.make_draft`."""
    moment, period = delivery.due_period(schedule, now or timezone.now())
    return schedule, moment, period


def reader(email, **fields):
    return Subscription.objects.create(email=email, confirmed_at=timezone.now(), **fields)


def send_digests():
    out = io.StringIO()
    call_command("send_digests", stdout=out)
    return out.getvalue()


def own_connection(call):
    """`call` for a thread of `at_once`, closing the thread's database connection after."""

    def run():
        try:
            return call()
        finally:
            connection.close()

    return run


def unsubscribe_url(subscription):
    return "https://cx.example.com" + reverse("stories:unsubscribe", args=[subscription.token])


def test_a_due_digest_goes_to_each_subscriber_as_text_and_html_with_one_click_unsubscribe(
    smtp_server,
):
    due_schedule(title_template="Feel Good Friday, {date}")
    story = in_the_period(StoryFactory(text="The baker knew my name.", is_featured=True))
    ana, ben = reader("ana@example.com"), reader("ben@example.com")
    output = send_digests()
    assert "Drafts made: 1. Messages sent: 2." in output
    assert smtp_server.mailbox.addresses == ["ana@example.com", "ben@example.com"]
    for subscription in (ana, ben):
        [mail] = smtp_server.mailbox.to(subscription.email)
        assert mail.subject.startswith("Feel Good Friday, ")
        assert mail.header("List-Unsubscribe") == f"<{unsubscribe_url(subscription)}>"
        assert mail.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
        assert "The baker knew my name." in mail.text
        assert f"https://cx.example.com/stories/{story.pk}/" in mail.text
        assert unsubscribe_url(subscription) in mail.text
        assert "The baker knew my name." in mail.html
        assert f'href="{unsubscribe_url(subscription)}"' in mail.html
        assert "for colleagues with an account" in mail.html
    other = ben if subscription is ana else ana
    assert other.token not in mail.text + mail.html  # each mail holds its reader's link only
    assert Digest.objects.get().is_sent


def test_a_second_run_mails_nobody_again(smtp_server):
    due_schedule()
    in_the_period(StoryFactory())
    reader("ana@example.com")
    reader("ben@example.com")
    send_digests()
    output = send_digests()
    assert "Drafts made: 0. Messages sent: 0." in output
    assert smtp_server.mailbox.addresses == ["ana@example.com", "ben@example.com"]
    assert Digest.objects.count() == 1


def test_a_draft_waiting_for_approval_goes_out_only_once_staff_approve_it(
    smtp_server, curator_client, facilitator_client
):
    due_schedule(needs_approval=True)
    in_the_period(StoryFactory(text="Kept my table by the window."))
    reader("ana@example.com")
    assert "Drafts made: 1. Messages sent: 0." in send_digests()
    assert smtp_server.received == []
    draft = Digest.objects.get()
    page = curator_client.get(draft.get_absolute_url()).content.decode()
    assert "Draft: waiting for approval" in page and "Approve and send" in page
    approve = reverse("stories:digest-approve", args=[draft.pk])
    assert (
        "Approve and send" not in facilitator_client.get(draft.get_absolute_url()).content.decode()
    )
    facilitator_client.post(approve)
    assert not Digest.objects.get().is_approved  # only staff approve
    response = curator_client.post(approve, follow=True)
    assert "it goes out the next time send_digests runs" in response.content.decode()
    assert "Messages sent: 1." in send_digests()
    [mail] = smtp_server.received
    assert "Kept my table by the window." in mail.text
    again = curator_client.post(approve, follow=True).content.decode()
    assert "not a draft waiting for approval" in again


def test_switching_a_schedule_to_automatic_sends_its_new_drafts_not_the_old_unapproved_ones(
    smtp_server, curator_client
):
    schedule = due_schedule(needs_approval=True)
    in_the_period(StoryFactory())
    reader("ana@example.com")
    send_digests()
    old_draft = Digest.objects.get()
    schedule.needs_approval = False
    schedule.save()  # after that week's draft was made
    send_digests()
    assert smtp_server.received == []
    page = curator_client.get(old_draft.get_absolute_url()).content.decode()
    assert "Approve and send" in page  # it still goes out if someone approves it
    assert old_draft in [digest for digest in Digest.objects.all() if digest.awaits_approval]


def test_a_crash_halfway_resumes_without_mailing_anyone_twice(smtp_server):
    due_schedule()
    in_the_period(StoryFactory())
    addresses = [f"reader{number}@example.com" for number in range(5)]
    for address in addresses:
        reader(address)
    smtp_server.mailbox.refuse_after = 2  # the server starts refusing after two messages
    with pytest.raises(CommandError, match="451"):
        send_digests()
    assert len(smtp_server.received) == 2
    digest = Digest.objects.get()
    assert not digest.is_sent
    assert Delivery.objects.sent().count() == 2
    assert not Delivery.objects.unconfirmed().exists()  # the refused one was released
    smtp_server.mailbox.refuse_after = None
    assert "Messages sent: 3." in send_digests()
    assert smtp_server.mailbox.addresses == addresses
    assert Digest.objects.get().is_sent


def test_a_message_claimed_by_a_run_that_died_is_not_sent_again_and_staff_see_it(
    smtp_server, curator_client
):
    due_schedule()
    in_the_period(StoryFactory())
    ana, ben = reader("ana@example.com"), reader("ben@example.com")
    digest, _made = delivery.make_draft(*due(DigestSchedule.objects.get()))
    # What a run killed between claiming Ana's message and hearing the server's answer leaves.
    Delivery.objects.create(digest=digest, subscription=ana)
    send_digests()
    assert smtp_server.mailbox.addresses == [ben.email]
    page = curator_client.get(digest.get_absolute_url()).content.decode()
    counts = dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", page))
    assert counts
    assert counts["Sent"] == "1"
    assert counts["Claimed, not confirmed sent"] == "1"
    assert "are not sent again, so nobody gets the digest twice" in page


def test_a_mail_whose_fate_is_unknown_is_not_sent_again_at_most_once(smtp_server):
    """The server hangs up after the third message is sent, before answering: it may or may not
    have been delivered. That reader keeps a claimed, unsent row and gets nothing more of this
    digest; the others get it on the next run."""
    due_schedule()
    in_the_period(StoryFactory())
    addresses = [f"reader{number}@example.com" for number in range(5)]
    for address in addresses:
        reader(address)
    smtp_server.mailbox.drop_after = 2
    with pytest.raises(CommandError, match="mails nobody twice"):
        send_digests()
    [unknown] = Delivery.objects.unconfirmed()
    assert unknown.subscription.email == addresses[2]
    smtp_server.mailbox.drop_after = None
    assert "Messages sent: 2." in send_digests()
    assert smtp_server.mailbox.addresses == addresses[:2] + addresses[3:]
    assert Digest.objects.get().is_sent


def test_an_address_the_server_refuses_is_reported_and_the_others_still_get_the_digest(
    smtp_server,
):
    due_schedule()
    in_the_period(StoryFactory())
    reader("gone@example.com")
    reader("ana@example.com")
    smtp_server.mailbox.refuse_addresses = {"gone@example.com"}
    output = send_digests()
    assert "Refused by the mail server: gone@example.com" in output
    assert smtp_server.mailbox.addresses == ["ana@example.com"]
    refused = Delivery.objects.get(subscription__email="gone@example.com")
    assert refused.problem.startswith("550") and refused.sent_at is None
    assert Digest.objects.get().is_sent
    send_digests()
    assert smtp_server.mailbox.addresses == ["ana@example.com"]  # not tried again


def test_an_address_refused_for_now_gets_the_digest_at_a_later_run(smtp_server):
    """A 450 to one recipient (greylisting) is a "not now": the next run tries it again."""
    due_schedule()
    in_the_period(StoryFactory())
    reader("grey@example.com")
    reader("ana@example.com")
    smtp_server.mailbox.defer_addresses = {"grey@example.com": 1}
    output = send_digests()
    assert "Refused for now, tried again next run: grey@example.com" in output
    assert smtp_server.mailbox.addresses == ["ana@example.com"]
    assert not Digest.objects.get().is_sent
    assert "Messages sent: 1." in send_digests()
    assert smtp_server.mailbox.addresses == ["ana@example.com", "grey@example.com"]
    assert Digest.objects.get().is_sent
    assert Delivery.objects.sent().count() == 2


def test_a_message_refused_for_good_at_data_is_that_address_refused_not_the_servers_trouble(
    smtp_server,
):
    """A 554 to the DATA of a one-recipient message refuses that address: the others get the
    digest in the same run, and the refused one is not tried again."""
    due_schedule()
    in_the_period(StoryFactory())
    reader("filtered@example.com")
    reader("ana@example.com")
    reader("ben@example.com")
    smtp_server.mailbox.refuse_data_addresses = {"filtered@example.com"}
    output = send_digests()
    assert "Refused by the mail server: filtered@example.com" in output
    assert smtp_server.mailbox.addresses == ["ana@example.com", "ben@example.com"]
    refused = Delivery.objects.get(subscription__email="filtered@example.com")
    assert refused.problem.startswith("554") and refused.sent_at is None
    assert Digest.objects.get().is_sent
    send_digests()
    assert smtp_server.mailbox.addresses == ["ana@example.com", "ben@example.com"]


def test_an_unconfirmed_invitation_and_an_unsubscribed_address_get_nothing(smtp_server):
    due_schedule()
    in_the_period(StoryFactory())
    Subscription.objects.create(email="invited@example.com")
    gone = reader("gone@example.com")
    delivery.unsubscribe(gone)
    reader("ana@example.com")
    send_digests()
    assert smtp_server.mailbox.addresses == ["ana@example.com"]


def test_no_hidden_withdrawn_or_unpublished_story_nor_its_credits_reach_the_mail(
    smtp_server, curator
):
    due_schedule(story_count=10)
    in_the_period(StoryFactory(text="Zq published one"))
    hidden = in_the_period(credited_story(text="Zq hidden later", people=["Zq Hidden Hal"]))
    withdrawn = in_the_period(StoryFactory(text="Zq withdrawn later"))
    in_the_period(credited_story(text="Zq pending", people=["Zq Pending Pat"], status="pending"))
    in_the_period(credited_story(text="Zq rejected", people=["Zq Rejected Rob"], status="hidden"))
    in_the_period(credited_story(text="Zq credited", people=["Zq Credited Cleo"]))
    reader("ana@example.com")
    schedule = DigestSchedule.objects.get()
    digest, _made = delivery.make_draft(*due(schedule))
    assert digest.stories.count() == 4  # the published ones when the draft was made
    sharing.hide(hidden, by=curator)
    sharing.withdraw(withdrawn)
    send_digests()
    [mail] = smtp_server.received
    for part in (mail.text, mail.html):
        assert "Zq published one" in part and "Zq Credited Cleo" in part
        for secret in [
            "Zq hidden",
            "Zq withdrawn",
            "Zq pending",
            "Zq rejected",
            "Hal",
            "Pat",
            "Rob",
        ]:
            assert secret not in part


def test_an_anonymous_teller_stays_anonymous_in_the_mail(smtp_server, share):
    due_schedule()
    answer = share("The nurse stayed after her shift.", consent="anonymous", name=SECRET_NAME)
    in_the_period(answer.story)
    reader("ana@example.com")
    send_digests()
    [mail] = smtp_server.received
    for part in (mail.text, mail.html):
        assert "The nurse stayed after her shift." in part
        assert "Anonymous" in part
        assert SECRET_NAME not in part and "Zebedee" not in part


def test_what_people_typed_is_escaped_in_the_html_mail(smtp_server):
    due_schedule(title_template="<i>Week</i> {date}")
    in_the_period(
        StoryFactory(
            text='<script>alert("x")</script> & <b>bold</b>',
            author_name="<img src=x onerror=alert(1)>",
            share_with="<a href='http://evil.example'>them</a>",
        )
    )
    reader("ana@example.com")
    send_digests()
    [mail] = smtp_server.received
    assert mail.subject.startswith("<i>Week</i> ")  # a subject is plain text
    assert "<script>" not in mail.html and "<img src=x" not in mail.html
    assert "<a href='http://evil.example'>" not in mail.html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in (
        mail.html
    )
    assert "&lt;i&gt;Week&lt;/i&gt;" in mail.html


def test_the_draft_takes_featured_stories_then_the_most_reacted_then_the_newest(share):
    schedule = due_schedule(story_count=4)
    answers = {name: share(f"{name}'s memory", name=name) for name in ["Ana", "Bo", "Cy", "Di"]}
    people = [answer.participant for answer in answers.values()]
    for person in people[:3]:
        Reaction.react(person, answers["Cy"], "heart")
    Reaction.react(people[0], answers["Bo"], "wow")
    for days, name in enumerate(["Di", "Cy", "Bo", "Ana"], start=1):
        in_the_period(answers[name].story, days=days)
    featured = in_the_period(StoryFactory(text="Featured, no reactions", is_featured=True), 6)
    in_the_period(StoryFactory(text="Old and quiet"), days=5)
    StoryFactory(text="Told after the period")  # now: after the moment an hour ago
    digest, made = delivery.make_draft(*due(schedule))
    assert made
    chosen = list(digest.stories.order_by())
    ranked = list(delivery.period_stories(schedule, digest.period_start, digest.period_end))
    assert set(chosen) == set(ranked)
    assert [story.text for story in ranked] == [
        featured.text,
        "Cy's memory",  # three reactions
        "Bo's memory",  # one
        "Di's memory",  # none, the newest of the rest
    ]


def test_a_schedule_is_due_at_its_own_time_in_its_own_time_zone():
    """Fridays 09:00 in Auckland is Thursday 20:00 UTC in December (summer, UTC+13); in London
    it is 09:00 UTC. Explicit instants: the answer is the same whatever the clock says."""
    auckland = DigestSchedule.objects.create(weekday=4, time_zone="Pacific/Auckland")
    london = DigestSchedule.objects.create(weekday=4, time_zone="Europe/London")
    DigestSchedule.objects.update(changed_at=datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC))
    auckland.refresh_from_db()
    london.refresh_from_db()

    def utc(*parts):
        return datetime.datetime(*parts, tzinfo=datetime.UTC)

    assert delivery.draft_due(auckland, utc(2026, 12, 3, 19, 59)) == utc(2026, 11, 26, 20, 0)
    assert delivery.draft_due(auckland, utc(2026, 12, 3, 20, 0)) == utc(2026, 12, 3, 20, 0)
    assert delivery.draft_due(london, utc(2026, 12, 4, 8, 59)) == utc(2026, 11, 27, 9, 0)
    assert delivery.draft_due(london, utc(2026, 12, 4, 9, 0)) == utc(2026, 12, 4, 9, 0)
    assert auckland.period_ending(utc(2026, 12, 3, 20, 0)) == (
        utc(2026, 11, 26, 20, 0),
        utc(2026, 12, 3, 20, 0),
    )
    # Across the change to summer time (28 March 2027 in London) the week is an hour shorter.
    assert london.period_ending(utc(2027, 4, 2, 8, 0)) == (utc(2027, 3, 26, 9), utc(2027, 4, 2, 8))
    # Made once: the period's draft exists, so nothing more is due until the next Friday.
    digest, _made = delivery.make_draft(*due(london, utc(2026, 12, 4, 9, 0)))
    assert digest.title.startswith("Feel Good Friday, ")
    assert (digest.date_from, digest.date_to) == (
        datetime.date(2026, 11, 27),
        datetime.date(2026, 12, 4),
    )
    assert delivery.draft_due(london, utc(2026, 12, 10, 23, 0)) is None
    assert delivery.draft_due(london, utc(2026, 12, 11, 9, 0)) == utc(2026, 12, 11, 9, 0)


def test_a_schedule_moved_later_on_the_day_its_digest_was_made_waits_for_the_next_week():
    def utc(*parts):
        return datetime.datetime(*parts, tzinfo=datetime.UTC)

    schedule = DigestSchedule.objects.create(weekday=4, time_zone="Europe/London")  # 09:00
    DigestSchedule.objects.update(changed_at=utc(2026, 11, 1))
    schedule.refresh_from_db()
    delivery.make_draft(*due(schedule, utc(2026, 12, 4, 9, 0)))
    schedule.time_of_day = datetime.time(10, 0)
    schedule.save()
    DigestSchedule.objects.update(changed_at=utc(2026, 12, 4, 9, 30))  # moved at 09:30
    schedule.refresh_from_db()
    assert delivery.draft_due(schedule, utc(2026, 12, 4, 10, 0)) is None
    moment = delivery.draft_due(schedule, utc(2026, 12, 11, 10, 0))
    assert moment == utc(2026, 12, 11, 10, 0)
    # The next period starts where the last one ended: no hour covered twice, none skipped.
    assert delivery.period_for(schedule, moment) == (utc(2026, 12, 4, 9, 0), moment)
    # Paused for a month: the first digest after it covers the week before its moment.
    DigestSchedule.objects.update(changed_at=utc(2027, 1, 5))
    schedule.refresh_from_db()
    moment = delivery.draft_due(schedule, utc(2027, 1, 8, 11, 0))
    assert delivery.period_for(schedule, moment) == (utc(2027, 1, 1, 10, 0), utc(2027, 1, 8, 10))


def test_a_schedule_changed_after_its_moment_waits_for_the_next_one():
    schedule = due_schedule()
    DigestSchedule.objects.filter(pk=schedule.pk).update(changed_at=timezone.now())
    schedule.refresh_from_db()
    assert delivery.draft_due(schedule, timezone.now()) is None
    schedule.is_active = False
    assert delivery.draft_due(schedule, timezone.now() + datetime.timedelta(days=8)) is None


def test_send_digests_refuses_without_public_url_and_makes_and_sends_nothing(smtp_server, settings):
    settings.PUBLIC_URL = ""
    due_schedule()
    reader("ana@example.com")
    with pytest.raises(CommandError, match="PUBLIC_URL is not set"):
        send_digests()
    assert not Digest.objects.exists()
    assert smtp_server.received == []


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_instant_mail_each_subscriber_once(smtp_server):
    """Two runs in two threads, each with its own database connection, started together."""
    due_schedule()
    in_the_period(StoryFactory())
    addresses = sorted(f"reader{number:02}@example.com" for number in range(20))
    for address in addresses:
        reader(address)
    smtp_server.mailbox.delay = 0.01  # slow enough that the runs overlap
    reports = at_once(own_connection(delivery.run), own_connection(delivery.run))
    assert smtp_server.mailbox.addresses == addresses
    assert sum(report.messages for report in reports) == 20
    assert sum(report.drafts for report in reports) == 1
    assert Delivery.objects.sent().count() == 20
    assert Digest.objects.get().is_sent


def test_a_week_checked_due_is_made_once_however_many_runs_make_it():
    """Two runs that both found the week due: the second gets the first's digest, never a
    second, empty one for the hours since."""
    schedule = due_schedule()
    in_the_period(StoryFactory())
    first_run, second_run = due(schedule), due(schedule)
    digest, made = delivery.make_draft(*first_run)
    assert made and digest.stories.count() == 1
    again, made_again = delivery.make_draft(*second_run)
    assert (again, made_again) == (digest, False)
    assert Digest.objects.count() == 1
    assert delivery.due_period(schedule, timezone.now()) is None


@pytest.mark.django_db(transaction=True)
def test_two_runs_making_the_same_draft_at_once_make_one():
    """Two threads, each with its own connection, past draft_due together, then make_draft."""
    schedule = due_schedule()
    in_the_period(StoryFactory())
    checked = [due(schedule), due(schedule)]  # both runs found the week due
    made = at_once(
        *(own_connection(lambda found=found: delivery.make_draft(*found)[1]) for found in checked)
    )
    assert sorted(made) == [False, True]
    assert Digest.objects.count() == 1


# The public pages behind a mail's links


def test_one_click_unsubscribe_works_without_logging_in_and_stops_the_next_digest(smtp_server):
    due_schedule()
    in_the_period(StoryFactory())
    ana = reader("ana@example.com")
    reader("ben@example.com")
    send_digests()
    [mail] = smtp_server.mailbox.to("ana@example.com")
    url = mail.header("List-Unsubscribe").strip("<>").removeprefix("https://cx.example.com")
    mail_program = Client(enforce_csrf_checks=True)  # no cookie, no CSRF token
    for _click in range(2):  # idempotent
        response = mail_program.post(
            url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code == 200
        assert "You are unsubscribed" in response.content.decode()
    ana.refresh_from_db()
    assert ana.is_unsubscribed
    next_week = Digest.objects.create(  # the next digest, as staff approved it
        title="Another week",
        schedule=DigestSchedule.objects.get(),
        period_start=timezone.now() - datetime.timedelta(days=7),
        period_end=timezone.now() - datetime.timedelta(minutes=1),
        approved_at=timezone.now(),
    )
    next_week.stories.add(StoryFactory())
    send_digests()
    assert len(smtp_server.mailbox.to("ana@example.com")) == 1
    assert len(smtp_server.mailbox.to("ben@example.com")) == 2


def test_the_unsubscribe_link_opened_shows_a_button_and_changes_nothing_until_pressed():
    ana = reader("ana@example.com")
    url = reverse("stories:unsubscribe", args=[ana.token])
    page = Client().get(url).content.decode()
    assert "Stop the Feel Good Friday digest going to ana@example.com?" in page
    ana.refresh_from_db()
    assert not ana.is_unsubscribed
    Client().post(url)
    ana.refresh_from_db()
    assert ana.is_unsubscribed


def test_an_unknown_unsubscribe_or_confirm_link_is_a_friendly_404():
    for name in ["stories:unsubscribe", "stories:subscription-confirm"]:
        for method in ("get", "post"):
            response = getattr(Client(), method)(reverse(name, args=["no-such-token"]))
            assert response.status_code == 404
            assert "This link is not one of ours" in response.content.decode()


def test_a_week_without_a_published_story_mails_nobody_until_one_is_added(smtp_server):
    due_schedule()
    hidden = in_the_period(StoryFactory(text="Hidden before the draft", status="hidden"))
    reader("ana@example.com")
    output = send_digests()
    assert "Not sent, no published story in it" in output
    assert smtp_server.received == []
    digest = Digest.objects.get()
    Story.objects.filter(pk=hidden.pk).update(status=Story.Status.VISIBLE)
    digest.stories.add(hidden)  # staff add a story to the week's digest
    send_digests()
    assert smtp_server.mailbox.addresses == ["ana@example.com"]


def test_a_digest_its_schedule_made_cannot_be_deleted_so_its_week_is_never_made_again(
    smtp_server, curator_client
):
    due_schedule()
    in_the_period(StoryFactory())
    reader("ana@example.com")
    send_digests()
    digest = Digest.objects.get()
    page = curator_client.get(digest.get_absolute_url()).content.decode()
    assert "Delete this digest" not in page
    response = curator_client.post(reverse("stories:digest-delete", args=[digest.pk]), follow=True)
    assert "A digest its schedule made stays" in response.content.decode()
    send_digests()
    assert Digest.objects.count() == 1
    assert smtp_server.mailbox.addresses == ["ana@example.com"]


def test_each_address_gets_the_digest_in_the_language_of_the_page_it_confirmed_on(smtp_server):
    due_schedule()
    in_the_period(StoryFactory(text="De bakker kende mijn naam."))
    invited = {"nl": "an@example.com", "de": "bo@example.com"}
    for language, email in invited.items():
        subscription = delivery.invite(email, by=None)
        confirm = reverse("stories:subscription-confirm", args=[subscription.token])
        Client(HTTP_ACCEPT_LANGUAGE=language).post(confirm)
    assert dict(Subscription.objects.values_list("email", "language")) == {
        "an@example.com": "nl",
        "bo@example.com": "de",
    }
    send_digests()
    subjects = {mail.subject for mail in smtp_server.received}
    [subject] = subjects  # the title as staff wrote it, its date in digits for every reader
    assert re.search(r"\d{4}-\d{2}-\d{2}", subject)
    for language, email in invited.items():
        [mail] = smtp_server.mailbox.to(email)
        with translation.override(language):
            footer = gettext("You receive this digest because this address subscribed to it.")
            shout = gettext("Read in the archive")
        assert footer in mail.text
        assert "You receive this digest" not in mail.text + mail.html
        assert shout in mail.html or shout in mail.text
        assert "De bakker kende mijn naam." in mail.text  # the story as it was told
