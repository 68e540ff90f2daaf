"""Feel Good Fridays by mail: who receives the digest, what is due, and sending it.

`run` is what `manage.py send_digests` does, every few minutes: for each active schedule whose
latest moment has passed (and came after the schedule's last change), make that period's draft
once (the period checked due is the one made, checked again in the transaction; the unique
(schedule, period_start) settles two runs at once; a period starts where the
schedule's last one ended, at the latest, so no week is covered twice); then send every digest that
is due (approved, or from a schedule that does not wait for approval) to every confirmed, live
subscription that has not had it.

Exactly once, and at most once where it cannot be exactly. Before a message is handed to the
mail server its `Delivery` row is inserted under the unique (digest, subscription) constraint
and committed: a second run at the same instant fails that insert and skips the address (on
PostgreSQL the second insert waits for the first to commit, then fails); after the server
accepts, the row is marked sent. What a failure leaves:

- The server refuses with a reply: the mail was not accepted. Each message has one recipient,
  so a 5xx to that recipient (RCPT) or to its message (DATA: a content filter of that mailbox)
  refuses that address: its claim stays with the server's answer in `problem` and it is not
  tried again (it would be refused every run). A 4xx to the recipient ("not now": greylisting,
  a full mailbox) removes the claim, so the next run tries it again, and the run goes on. Any
  other refusal (a 4xx to DATA, anything to MAIL) is the server's trouble: the claim is removed
  and the run stops, so the next run sends it.
- The connection drops or the process dies after the claim and before the mark: nobody can know
  whether the server accepted. The row stays claimed and unsent, is NOT sent again (a reader
  misses one digest rather than getting it twice) and is counted on the digest's page as
  "claimed, not confirmed sent", for staff to look into.

Each run opens one connection to the mail server (Django's e-mail backend, `get_connection()`).
The newsletter is rendered once per digest; each recipient's message differs only by the
unsubscribe link, put in by replacing a random marker (`RecipientMessages`). Measured on this
2-core machine (SQLite, aiosmtpd on localhost): 1,000 subscribers in 6.2 s, four queries a
message (the claim's savepoint, insert and release, the mark) and 19 a run.
"""

import contextlib
import datetime
import secrets
import smtplib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives, get_connection, send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import normal_address
from cxworkshop.network import public_base_url
from stories import digest as digest_formats
from stories.models import Delivery, Digest, DigestSchedule, Story, Subscription

# RFC 8058: the body a mail program posts to the List-Unsubscribe address for one click.
ONE_CLICK = "List-Unsubscribe=One-Click"


def public_url():
    """PUBLIC_URL, without which a mail's links would point nowhere: refuse to send without it."""
    if not settings.PUBLIC_URL:
        raise ImproperlyConfigured(
            "PUBLIC_URL is not set: the digest's links and unsubscribe address need the "
            "address people open CX Workshop at, e.g. PUBLIC_URL=https://cx.example.com"
        )
    return settings.PUBLIC_URL


# Subscriptions


def subscription_of(user):
    """The user's own live subscription, or None. Only a row the user made, or confirmed while
    signed in (`confirm`), is theirs: an address is not proof of owning it (sign-up does not
    verify it), so a row found by address alone is never the user's to see or cancel."""
    return Subscription.objects.live().filter(user=user).order_by("-confirmed_at").first()


def subscription_of_address(user):
    """The live subscription of the user's address, whoever made it, or None: what the user's
    page may say about it (pending, or receiving), with no control over it."""
    return Subscription.objects.live().filter(email=normal_address(user.email)).first()


def subscribe_user(user):
    """A signed-in user asks for the digest at their address: double opt-in, as for everyone
    (the address was never verified). A new subscription is made unconfirmed, for the caller
    to mail its confirm link (`send_confirmation`); a live one for that address is returned
    unchanged (one already confirmed stays confirmed, an invitation stays its inviter's until
    its owner confirms)."""
    return live_subscription(user.email, user=user)


def unsubscribe(subscription):
    """Idempotent: a second click (or a mail program's one-click POST) changes nothing."""
    Subscription.objects.filter(pk=subscription.pk, unsubscribed_at__isnull=True).update(
        unsubscribed_at=timezone.now()
    )
    subscription.refresh_from_db()


def confirm(subscription, user=None, language=settings.LANGUAGE_CODE):
    """The owner of the address says yes (they hold the link mailed to it). False when it was
    unsubscribed meanwhile. Confirmed while signed in as a user of that address, a subscription
    nobody owns becomes theirs (their page then shows it, with its Unsubscribe button). The
    digest comes in `language`, the confirming page's."""
    if subscription.is_unsubscribed:
        return False
    Subscription.objects.filter(pk=subscription.pk, confirmed_at__isnull=True).update(
        confirmed_at=timezone.now(), language=language
    )
    signed_in = user is not None and user.is_authenticated
    if signed_in and normal_address(user.email) == subscription.email:
        Subscription.objects.filter(pk=subscription.pk, user__isnull=True).update(user=user)
    subscription.refresh_from_db()
    return True


def invite(email, by):
    """The live subscription of `email`: a new unconfirmed one, or the one already there."""
    return live_subscription(email, invited_by=by)


def live_subscription(email, **made_with):
    """The live subscription of the address, made unconfirmed (`made_with` its user or its
    inviter) if there is none; a request making one at the same instant leaves one, not two."""
    address = normal_address(email)
    try:
        with transaction.atomic():
            return Subscription.objects.live().get_or_create(email=address, defaults=made_with)[0]
    except IntegrityError:  # the other request's row, under the one-live-per-address constraint
        return Subscription.objects.live().get(email=address)


def send_confirmation(request, subscription):
    """Mail the confirm link (whose page asks for a click: a mail scanner's visit confirms
    nothing): for an invitation, or a signed-in user's own request."""
    base = public_base_url(request, settings.PUBLIC_URL, settings.SERVE_HOST)
    context = {
        "confirm_url": base + reverse("stories:subscription-confirm", args=[subscription.token]),
        "inviter": subscription.invited_by.get_short_name() if subscription.invited_by else "",
        "asked": subscription.user_id is not None and subscription.invited_by_id is None,
    }
    send_mail(
        _("Confirm: Feel Good Friday stories by mail"),
        render_to_string("stories/mail/subscription_confirm.txt", context),
        None,
        [subscription.email],
    )


# What is due


# A period shorter than this is not made: a schedule moved an hour later on the day its digest
# went out waits for the next week rather than mailing everyone twice in a day.
SHORTEST_PERIOD = datetime.timedelta(days=1)


def period_for(schedule, moment):
    """(start, end) of the period ending at `moment`. It starts where the schedule's last
    digest ended, so a moved schedule (or a missed week) neither covers a story twice nor skips
    one; the first period, and the first after a pause of more than a week, is the week before
    `moment`."""
    week_start, end = schedule.period_ending(moment)
    last_end = schedule.digests.aggregate(last=Max("period_end"))["last"]
    if last_end is None or last_end < week_start - datetime.timedelta(days=7):
        return week_start, end
    return last_end, end


def due_period(schedule, now):
    """(moment, (start, end)): the moment whose period still needs its draft, and that period;
    or None. Only moments after the schedule's last change count: one made (or paused and
    started again) on a Wednesday does not send last Friday's digest."""
    if not schedule.is_active:
        return None
    moment = schedule.latest_moment(now)
    if moment < schedule.changed_at:
        return None
    period = period_for(schedule, moment)
    if not long_enough(period):  # made already (start == end), or too short
        return None
    return moment, period


def long_enough(period):
    start, end = period
    return end - start >= SHORTEST_PERIOD


def draft_due(schedule, now):
    """The moment whose period still needs its draft (`due_period`), or None."""
    due = due_period(schedule, now)
    return None if due is None else due[0]


def period_stories(schedule, start, end):
    """The published stories that joined the archive in the period (`joined_between`) for the
    draft: featured first, then by the reactions to their answer in the session (stories from
    links, by hand or imports have none), newest first among equals."""
    stories = Story.objects.published().joined_between(start, end)
    stories = stories.annotate(reaction_count=Count("answer__reactions"))
    stories = stories.order_by("-is_featured", "-reaction_count", "-created_at", "-id")
    return stories[: schedule.story_count]


def make_draft(schedule, moment, period):
    """The digest of `period`, the one `due_period` found due, made once: a run at the same
    instant gets the one the other made (the unique (schedule, period_start)), and a period
    that another draft has covered since it was checked is not made again (checked again in
    the transaction). (digest or None, made)."""
    start, end = period
    zone = schedule.zone
    try:
        with transaction.atomic():
            if period_for(schedule, moment) != period or not long_enough(period):
                return Digest.objects.filter(schedule=schedule, period_start=start).first(), False
            digest = Digest.objects.create(
                title=schedule.title_for(moment),
                schedule=schedule,
                period_start=start,
                period_end=end,
                date_from=start.astimezone(zone).date(),
                date_to=end.astimezone(zone).date(),
                created_by=schedule.created_by,
            )
            digest.stories.set(period_stories(schedule, start, end))
            return digest, True
    except IntegrityError:
        return Digest.objects.get(schedule=schedule, period_start=start), False


def due_to_send(now):
    """Scheduled digests whose period has ended, not yet sent, and not waiting for approval
    (`Digest.awaits_approval` owns that rule: approved, or made since their schedule stopped
    waiting for approval). The unsent ones are few: a schedule's unapproved drafts, a week
    each."""
    unsent = (
        Digest.objects.filter(schedule__isnull=False, sent_at__isnull=True, period_end__lte=now)
        .select_related("schedule")
        .order_by("period_end", "pk")
    )
    return [digest for digest in unsent if not digest.awaits_approval]


def approve(digest, by):
    """Staff let a draft go out (at the next run). False if it was approved or sent already."""
    approved = Digest.objects.filter(
        pk=digest.pk, approved_at__isnull=True, sent_at__isnull=True
    ).update(approved_at=timezone.now(), approved_by=by)
    digest.refresh_from_db()
    return bool(approved)


def edited(digest):
    """A scheduled digest not sent yet was changed: staff approved the version they saw, not
    this one, so its approval is withdrawn. True if it was approved."""
    withdrawn = Digest.objects.filter(
        pk=digest.pk, schedule__isnull=False, sent_at__isnull=True, approved_at__isnull=False
    ).update(approved_at=None, approved_by=None)
    digest.refresh_from_db()
    return bool(withdrawn)


def recipients(digest):
    """Confirmed, live subscriptions this digest has not been claimed for."""
    return Subscription.objects.receiving().exclude(deliveries__digest=digest).order_by("pk")


def delivery_counts(digest):
    """What the digest's page shows staff: sent, and claimed but not confirmed sent."""
    counts = digest.deliveries.aggregate(
        sent=Count("pk", filter=Q(sent_at__isnull=False)),
        refused=Count("pk", filter=Q(sent_at__isnull=True) & ~Q(problem="")),
        unconfirmed=Count("pk", filter=Q(sent_at__isnull=True, problem="")),
    )
    counts["waiting"] = recipients(digest).count() if not digest.is_sent else 0
    return counts


# Messages


class RecipientMessages:
    """One digest's messages: rendered once for each language its recipients read, each
    recipient's unsubscribe link put in."""

    def __init__(self, digest, connection):
        self.digest = digest
        self.connection = connection
        self.marker = secrets.token_hex(16)
        self.rendered = {}  # language -> (subject, text, html)

    def in_language(self, language):
        if language not in self.rendered:
            mail = {"unsubscribe_url": self.unsubscribe_url(self.marker)}
            with translation.override(language):
                self.rendered[language] = (
                    digest_formats.subject(self.digest),
                    digest_formats.as_markdown(self.digest, None) + "\n" + self.footer(mail),
                    digest_formats.as_html(self.digest, None, mail=mail),
                )
        return self.rendered[language]

    @staticmethod
    def unsubscribe_url(token):
        return public_url() + reverse("stories:unsubscribe", args=[token])

    @staticmethod
    def footer(mail):
        return "\n".join(
            [
                "---",
                _(
                    "Every story is here in full. The links open it in CX Workshop for "
                    "colleagues with an account; without one, ask whoever runs CX Workshop "
                    "for your organisation."
                ),
                _("You receive this digest because this address subscribed to it."),
                _("Unsubscribe: %(url)s") % {"url": mail["unsubscribe_url"]},
                "",
            ]
        )

    def for_subscription(self, subscription):
        url = self.unsubscribe_url(subscription.token)
        subject, text, html = self.in_language(subscription.language)
        message = EmailMultiAlternatives(
            subject=subject,
            body=text.replace(self.marker, subscription.token),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[subscription.email],
            headers={"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": ONE_CLICK},
            connection=self.connection,
        )
        message.attach_alternative(html.replace(self.marker, subscription.token), "text/html")
        return message


# Sending


@dataclass
class Report:
    drafts: int = 0
    digests_sent: int = 0
    messages: int = 0
    refused: list = field(default_factory=list)
    deferred: list = field(default_factory=list)
    empty: list = field(default_factory=list)
    stopped: str = ""


class ServerTrouble(Exception):
    """The mail server failed in a way that would fail every next message too."""


def claim(digest, subscription):
    """Insert the delivery row, committed before sending; None if another run has it."""
    try:
        with transaction.atomic():
            return Delivery.objects.create(digest=digest, subscription=subscription)
    except IntegrityError:
        return None


def refused(delivery, code, answer, report):
    """The server refused this one address. Below 500 "not now" (greylisting, a full mailbox):
    the claim is removed, so the next run tries again. 5xx is for good: the claim stays with the
    server's answer, and the address is not tried again for this digest."""
    if code < 500:
        delivery.delete()
        report.deferred.append(delivery.subscription.email)
        return
    if isinstance(answer, bytes):
        answer = answer.decode(errors="replace")
    delivery.problem = f"{code} {answer}"[:300]
    delivery.save(update_fields=["problem"])
    report.refused.append(delivery.subscription.email)


def send_one(messages, delivery, report):
    try:
        messages.for_subscription(delivery.subscription).send()
    except smtplib.SMTPRecipientsRefused as refusal:
        code, answer = next(iter(refusal.recipients.values()))
        refused(delivery, code, answer, report)
        return
    except smtplib.SMTPDataError as refusal:
        if refusal.smtp_code >= 500:  # a message to one address, refused for good: that address
            refused(delivery, refusal.smtp_code, refusal.smtp_error, report)
            return
        delivery.delete()  # "not now" to the message itself: the server's trouble, next run
        raise ServerTrouble(f"{refusal.smtp_code} {refusal.smtp_error!r}") from refusal
    except smtplib.SMTPResponseException as refusal:
        delivery.delete()  # the server answered no: nothing was accepted, the next run sends it
        raise ServerTrouble(f"{refusal.smtp_code} {refusal.smtp_error!r}") from refusal
    except (smtplib.SMTPException, OSError) as failure:
        # No answer: accepted or not, nobody knows. The claim stays (at most once).
        raise ServerTrouble(repr(failure)) from failure
    Delivery.objects.filter(pk=delivery.pk).update(sent_at=timezone.now())
    report.messages += 1


def send(digest, connection, report):
    if not digest.published_stories().exists():
        # An empty week (or every story hidden since): nothing worth a mail. It stays due, so
        # stories added to it later still go out.
        report.empty.append(digest)
        return
    messages = RecipientMessages(digest, connection)
    for subscription in list(recipients(digest)):
        delivery = claim(digest, subscription)
        if delivery is not None:
            send_one(messages, delivery, report)
    if not recipients(digest).exists():
        marked = Digest.objects.filter(pk=digest.pk, sent_at__isnull=True).update(
            sent_at=timezone.now()
        )
        report.digests_sent += marked


def run(now=None):
    """Make the drafts that are due and send the digests that are due; a Report of it."""
    public_url()
    now = now or timezone.now()
    report = Report()
    for schedule in DigestSchedule.objects.filter(is_active=True).select_related("created_by"):
        due = due_period(schedule, now)
        if due is not None:
            report.drafts += make_draft(schedule, *due)[1]
    digests = due_to_send(now)
    if not digests:
        return report
    connection = get_connection()
    try:
        connection.open()
        for digest in digests:
            send(digest, connection, report)
    except ServerTrouble as trouble:
        report.stopped = str(trouble)
    except (smtplib.SMTPException, OSError) as failure:  # could not even connect
        report.stopped = repr(failure)
    finally:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            connection.close()
    return report
