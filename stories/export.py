"""The archive as CSV and JSON: published stories only, and no name for anonymous ones; credits
(`people`, `teams`) as `stories.credits` names them. The `consent` column says how each teller
agreed ("named" or "anonymous"), and `language` the language each was told in, so an export reads
back in through `stories.imports` as it is."""

import json

from django.utils.translation import gettext as _

from cxworkshop.downloads import csv_text
from stories import credits
from stories.models import Consent

COLUMNS = [
    "id",
    "shared_at",
    "question",
    "memory",
    "author",
    "consent",
    "feeling",
    "cx_level",
    "share_with",
    "tags",
    "people",
    "teams",
    "language",
    "featured",
    "session",
    "deck",
    "url",
]


def records(stories, request):
    for story in stories:
        session = story.session
        deck = session.deck if session else None
        yield {
            "id": story.pk,
            "shared_at": story.created_at.isoformat(timespec="seconds"),
            "question": story.prompt,
            "memory": story.text,
            "author": story.author_name or _("Anonymous"),
            "consent": Consent.NAMED if story.author_name else Consent.ANONYMOUS,
            "feeling": story.valence,
            "cx_level": story.cx_level,
            "share_with": story.share_with,
            "tags": sorted(tag.name for tag in story.tags.all()),
            "people": [credit.name for credit in credits.of(story) if not credit.is_team],
            "teams": [credit.name for credit in credits.of(story) if credit.is_team],
            "language": story.language,
            "featured": story.is_featured,
            "session": session.title if session else "",
            "deck": deck.title if deck else "",
            "url": request.build_absolute_uri(story.get_absolute_url()),
        }


def csv_cell(value):
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(value)
    return value


def as_csv(stories, request):
    rows = ([csv_cell(value) for value in record.values()] for record in records(stories, request))
    return csv_text(COLUMNS, rows)


def as_json(stories, request):
    return json.dumps({"stories": list(records(stories, request))}, ensure_ascii=False, indent=2)
