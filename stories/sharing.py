"""Sharing a memory: the only code that makes, changes, hides, withdraws or erases a story,
and the answer text behind it.

The privacy rules live here, once:

- only a memory card's answer can become a story, and never one marked private;
- a story shared anonymously (or by someone who joined without a name) stores no name;
- a story a moderator hid stays hidden whatever its author does, until a moderator shows
  it again (staff any story; a facilitator only one they hid, never one staff hid); the
  author can still withdraw it;
- withdrawal, and staff deleting a story, erase the words everywhere: the story, the answer
  behind it, the search index, and on SQLite the database files themselves (settings turn
  `secure_delete` on for every connection; the write-ahead log is emptied after each
  erasure). The admin's log never held them: it names stories and answers by number.
  PostgreSQL drops the row at once; the space it held is reclaimed by its next VACUUM.

Stories told elsewhere come in through here too: a story link's submission waits for
moderation (`submit`) until staff `publish` or `reject` it (rejection erases the words as
withdrawal does); a story added by hand (`add_by_hand`) or imported (`import_stories`) is
published at once, under the name of whoever recorded it, with how its teller agreed.

Each story keeps the language it was told in (`Story.language`: its search stems and stop words
follow it): a session's answer its participant's (their phone's), a story link's the teller's
browser's, a story recorded by hand or imported the one given, else the language of the person
recording it.

`sessions` calls this module when an answer is saved. Answers are also deleted in cascades
(with their session, participant or facilitator) that call nothing of ours: for those, this
app's config connects `answer_deleted` to the answer's `pre_delete` signal. This module knows
the answer only through the story's foreign key and never calls back into `sessions`.
"""

import logging
import secrets

from django.core.exceptions import PermissionDenied
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from stories import search
from stories.credits import set_credits
from stories.models import Consent, Source, Story

logger = logging.getLogger(__name__)

SHARED = (Consent.NAMED, Consent.ANONYMOUS)


class Outcome(models.TextChoices):
    """What became of a memory: the consent as it took effect, for records and exports."""

    NAMED = "named", _("shared with their name")
    ANONYMOUS = "anonymous", _("shared anonymously")
    NOT_SHARED = "none", _("not shared")
    PRIVATE = "private", _("not shared (private)")
    WITHDRAWN = "withdrawn", _("shared, then withdrawn")


def outcome(answer):
    """What the archive did with `answer`, whatever its consent field says."""
    if answer.archive_consent == Consent.WITHDRAWN:
        return Outcome.WITHDRAWN
    if answer.archive_consent not in SHARED or not answer.session_card.is_memory:
        return Outcome.NOT_SHARED
    if answer.is_private:
        return Outcome.PRIVATE
    if answer.archive_consent == Consent.NAMED and not answer.participant.is_anonymous:
        return Outcome.NAMED
    return Outcome.ANONYMOUS


def contradicts(is_private, consent):
    """Whether a participant asked for both: only for the facilitator, and into the archive."""
    return is_private and consent in SHARED


@transaction.atomic
def save_answer(answer):
    """Save a participant's answer and bring its story in line with their consent."""
    answer.save()
    story = Story.objects.select_for_update().filter(answer=answer).first()
    result = outcome(answer)
    if result not in (Outcome.NAMED, Outcome.ANONYMOUS):
        if story is not None and not story.is_withdrawn:
            _erase_story(story)
        return None
    story = story or Story(answer=answer, session=answer.session_card.session)
    if story.pk is None or story.is_withdrawn:
        hidden = story.hidden_by_moderator
        story.status = Story.Status.HIDDEN if hidden else Story.Status.VISIBLE
    story.author_token = answer.participant.token
    story.text = answer.text
    story.prompt = answer.session_card.prompt
    story.valence = answer.valence
    story.share_with = answer.share_with
    story.language = answer.participant.language
    story.author_name = answer.participant.display_name if result == Outcome.NAMED else ""
    story.save()
    return story


def may_hide(story, user):
    """Staff moderate every story; a facilitator the stories of their own sessions and those
    they added by hand. A story waiting for moderation is published or rejected, not hidden."""
    if story.is_pending:
        return False
    if user.is_staff:
        return True
    if story.added_by_id is not None and story.added_by_id == user.pk:
        return True
    return story.session is not None and story.session.facilitator_id == user.pk


def may_show(story, user):
    """Staff may show any hidden story; a facilitator only one that no staff member hid."""
    return may_hide(story, user) and (user.is_staff or not story.hidden_by_staff)


@transaction.atomic
def hide(story, hidden=True, *, by):
    """A moderator's decision: hidden stories leave the archive, exports and digests.

    Refused with PermissionDenied when `by` may not take it: a facilitator cannot undo what
    the archive's curators decided.
    """
    story = Story.objects.select_for_update().get(pk=story.pk)
    if story.is_gone:
        return story
    if hidden and not may_hide(story, by):
        raise PermissionDenied(gettext("You cannot change this story."))
    if not hidden and not may_show(story, by):
        raise PermissionDenied(
            gettext("The archive's curators hid this story: only they can show it again.")
        )
    story.hidden_by_moderator = hidden
    # A facilitator hiding it again keeps a curator's decision in place.
    story.hidden_by_staff = hidden and (story.hidden_by_staff or by.is_staff)
    story.status = Story.Status.HIDDEN if hidden else Story.Status.VISIBLE
    if hidden:
        story.is_featured = False
    story.save(update_fields=["hidden_by_moderator", "hidden_by_staff", "status", "is_featured"])
    return story


@transaction.atomic
def withdraw(story):
    """The author takes their memory back: erased from the archive and the session's record."""
    story = Story.objects.select_for_update().get(pk=story.pk)
    _erase_answer(story)
    if not story.is_gone:
        _erase_story(story)
    return story


@transaction.atomic
def delete(story):
    """Staff delete a story: its words go from everywhere, as when its author withdraws it."""
    _erase_answer(story)
    story.delete()
    search.forget_deleted_text()


@transaction.atomic
def submit(link, *, text, language, valence="", author_name="", people=(), teams=()):
    """A story told through a story link, in `language` (the teller's browser's): it waits for
    moderation, and its teller gets a private link of its own (`author_token`) to see and
    withdraw it. `author_name` is empty for an anonymous teller, and then no name is stored."""
    story = Story.objects.create(
        text=text,
        language=language,
        prompt=link.campaign,
        valence=valence,
        author_name=author_name,
        source=Source.LINK,
        submission_link=link,
        status=Story.Status.PENDING,
        author_token=secrets.token_urlsafe(24),
    )
    set_credits(story, people=people, teams=teams)
    return story


@transaction.atomic
def publish(story, *, by):
    """Staff let a story waiting for moderation into the archive: (the story, True), or
    (the story as it is, False) when it no longer waits (two curators deciding at the same
    instant: the first decision stands, the second is told)."""
    _refuse_unless_staff(by)
    story = Story.objects.select_for_update().get(pk=story.pk)
    if not story.is_pending:
        return story, False
    story.status = Story.Status.VISIBLE
    story.published_at = timezone.now()
    story.save(update_fields=["status", "published_at"])
    return story, True


@transaction.atomic
def reject(story, *, by):
    """Staff turn down a story waiting for moderation: its words are erased, as on withdrawal.
    (the story, whether this call rejected it), as `publish`."""
    _refuse_unless_staff(by)
    story = Story.objects.select_for_update().get(pk=story.pk)
    if not story.is_pending:
        return story, False
    _erase_story(story, status=Story.Status.REJECTED)
    return story, True


def _refuse_unless_staff(user):
    if not user.is_staff:
        raise PermissionDenied(gettext("Only the archive's curators moderate story links."))


def recorded_story(by, source, *, text, created_at=None, tags=(), people=(), teams=(), **fields):
    """A story told elsewhere and recorded by `by` (by hand or in an import): published at
    once. `fields` hold its language. Call it inside a transaction."""
    story = Story(text=text, source=source, added_by=by, status=Story.Status.VISIBLE, **fields)
    if created_at is not None:
        story.created_at = created_at
    story.save()
    if tags:
        story.tags.set(tags)
    set_credits(story, people=people, teams=teams)
    return story


@transaction.atomic
def add_by_hand(by, *, language, **fields):
    """A story heard in an interview or a call, in `language`, recorded by someone who states
    how its teller agreed (`consent_note`). Published at once; they may hide it again, staff
    moderate it."""
    return recorded_story(by, Source.HAND, language=language, **fields)


@transaction.atomic
def import_stories(by, rows, *, language):
    """Stories from a file, every row already checked (`stories.imports`): all or nothing.
    A row without a language of its own is in `language` (the importer's pages')."""
    return [
        recorded_story(by, Source.IMPORT, **{**row, "language": row.get("language") or language})
        for row in rows
    ]


def answer_deleted(sender, instance, **kwargs):
    """An answer deleted with its session, participant or facilitator: its row goes, and with
    it every trace on disk. A story made from it keeps its words (the author consented, and
    can still withdraw it by their link)."""
    _checkpoint_after_commit()


def _erase_story(story, status=Story.Status.WITHDRAWN):
    story.text = ""
    story.share_with = ""
    story.author_name = ""
    story.consent_note = ""
    story.status = status
    story.is_featured = False
    story.save()
    story.tags.clear()
    story.credits.clear()  # who made it happen is part of the memory its author took back
    _checkpoint_after_commit()
    search.forget_deleted_text()


def _erase_answer(story):
    answer = story.answer
    if answer is None:
        return
    answer.archive_consent = Consent.WITHDRAWN
    answer.text = ""
    answer.share_with = ""
    answer.is_spotlighted = False
    answer.save(
        update_fields=["archive_consent", "text", "share_with", "is_spotlighted", "updated_at"]
    )
    _checkpoint_after_commit()


def _checkpoint_after_commit():
    """Empty the write-ahead log once the transaction commits: once, however many erasures it
    holds (deleting a session with 1,000 answers ran 1,000 checkpoints when each queued its
    own). Django's list of callbacks is the record rather than a flag of ours, so a callback
    dropped with a rolled-back savepoint is queued again by the next erasure."""
    if connection.vendor != "sqlite":
        return
    if any(callback[1] is checkpoint for callback in connection.run_on_commit):
        return
    transaction.on_commit(checkpoint)


def checkpoint():
    """Copy SQLite's write-ahead log into the database and truncate it to nothing.

    Until then the -wal file keeps the pages as they were before the erasure. A reader in the
    middle of a query can hold the log back; the next erasure's checkpoint then empties it.
    """
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        busy, _pages, _copied = cursor.fetchone()
    if busy:
        logger.warning("A reader held SQLite's write-ahead log; it is emptied at the next erasure.")
