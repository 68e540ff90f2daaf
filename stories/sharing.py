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

`sessions` calls this module when an answer is saved. Answers are also deleted in cascades
(with their session, participant or facilitator) that call nothing of ours: for those, this
app's config connects `answer_deleted` to the answer's `pre_delete` signal. This module knows
the answer only through the story's foreign key and never calls back into `sessions`.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.db import connection, models, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from stories import search
from stories.models import Consent, Story

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
    story.author_name = answer.participant.display_name if result == Outcome.NAMED else ""
    story.save()
    return story


def may_hide(story, user):
    """Staff moderate every story; a facilitator the stories of their own sessions."""
    if user.is_staff:
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
    if story.is_withdrawn:
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
    if not story.is_withdrawn:
        _erase_story(story)
    return story


@transaction.atomic
def delete(story):
    """Staff delete a story: its words go from everywhere, as when its author withdraws it."""
    _erase_answer(story)
    story.delete()
    search.forget_deleted_text()


def answer_deleted(sender, instance, **kwargs):
    """An answer deleted with its session, participant or facilitator: its row goes, and with
    it every trace on disk. A story made from it keeps its words (the author consented, and
    can still withdraw it by their link)."""
    _checkpoint_after_commit()


def _erase_story(story):
    story.text = ""
    story.share_with = ""
    story.author_name = ""
    story.status = Story.Status.WITHDRAWN
    story.is_featured = False
    story.save()
    story.tags.clear()
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
