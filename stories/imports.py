"""Stories from a spreadsheet or another archive: CSV (a story a row) and JSON.

The columns are the archive export's (`stories.export`), so an export reads back in, plus
`consent_note`, which only an import needs. `consent` ("named" or "anonymous") is on every row:
an import states how each teller agreed; `language` (en, nl, fr, de or es) is optional: a story
without one is in the language of the pages of whoever imports it. The export's own bookkeeping
columns (`id`, `featured`, `session`, `deck`, `url`) are read past. As with decks
(`decks.transfer`, whose readers this module reuses), parsing never touches the database: it
returns the stories it read or raises every problem found, each with its row or story number,
and each row passes the form a story would (`ImportedStoryForm`), so a file can hold nothing
the pages would refuse.
"""

import csv
import io
import json

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cxworkshop.downloads import from_spreadsheet
from cxworkshop.tags import TAG_MAX_LENGTH
from decks.transfer import (
    ImportProblems,
    form_problems,
    json_text,
    read_number,
    tag_names,
    tag_problems,
)

# The form reads this module to parse uploads; a module reference lets either come first.
from stories import forms

COLUMNS = [
    "memory",
    "question",
    "author",
    "feeling",
    "cx_level",
    "share_with",
    "tags",
    "people",
    "teams",
    "shared_at",
    "consent",
    "consent_note",
    "language",
]
REQUIRED = ["memory", "consent"]
# Written by the archive's export, meaningless in another archive: read past.
IGNORED = ["id", "featured", "session", "deck", "url"]
LISTS = ["tags", "people", "teams"]

MESSAGES = {
    ("memory", "required"): gettext_lazy("%(where)s: the memory is empty."),
    ("memory", "max_length"): gettext_lazy(
        "%(where)s: the memory is %(show_value)s characters long; the limit is %(limit_value)s."
    ),
    ("consent", "required"): gettext_lazy(
        "%(where)s: the consent is empty; write “named” or “anonymous”."
    ),
    ("consent", "invalid_choice"): gettext_lazy(
        "%(where)s: the consent “%(value)s” is unknown; write “named” or “anonymous”."
    ),
    ("feeling", "invalid_choice"): gettext_lazy(
        "%(where)s: the feeling “%(value)s” is unknown; use valued, frustrated or mixed."
    ),
    ("cx_level", "invalid_choice"): gettext_lazy(
        "%(where)s: the CX level “%(value)s” is unknown; use jobs_done, moment or be_more."
    ),
    ("language", "invalid_choice"): gettext_lazy(
        "%(where)s: the language “%(value)s” is unknown; use en, nl, fr, de or es."
    ),
    ("shared_at", "invalid"): gettext_lazy(
        "%(where)s: the date “shared_at” is not an ISO date such as 2026-12-02 or "
        "2026-12-02T09:30:00."
    ),
}


def read_story(where, values, problems):
    """Check one story's values (COLUMNS, each text, a list for LISTS, or missing); add a
    problem per mistake to `problems`; return the story's fields for `sharing`, or None."""
    data = {name: values.get(name) or "" for name in COLUMNS if name not in LISTS}
    for name in ("consent", "feeling", "cx_level", "language"):
        data[name] = data[name].strip().lower()
    for name in ("people", "teams"):
        names = values.get(name) or ""
        data[name] = ", ".join(names) if isinstance(names, list) else names
    form = forms.ImportedStoryForm(data=data)
    tags = tag_names(values.get("tags"))
    found = form_problems(form, MESSAGES, where)
    found += [
        _("%(where)s: %(problem)s") % {"where": where, "problem": problem}
        for problem in tag_problems(
            tags, _("a tag is longer than %(limit)s characters.") % {"limit": TAG_MAX_LENGTH}
        )
    ]
    problems.extend(found)
    if found:
        return None
    return {**form.story_fields(), "tags": tags}


def check_count(count, problems):
    if count == 0 and not problems:
        problems.append(_("There are no stories in it."))
    elif count > settings.STORY_IMPORT_MAX_ROWS:
        problems.append(
            _("It has %(count)s stories; an import takes at most %(limit)s.")
            % {"count": count, "limit": settings.STORY_IMPORT_MAX_ROWS}
        )


def parse_csv(text):
    """A header row naming the columns (memory and consent are required), then a story a row."""
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as error:
        raise ImportProblems(
            [_("The CSV file cannot be read: %(error)s.") % {"error": error}]
        ) from None
    if not rows:
        raise ImportProblems([_("The CSV file is empty.")])
    header = [name.strip().lower() for name in rows[0]]
    if any(name not in header for name in REQUIRED):
        raise ImportProblems(
            [
                _(
                    "Row 1 must name the columns, with at least “memory” and “consent” "
                    "(also: %(columns)s)."
                )
                % {"columns": ", ".join(name for name in COLUMNS if name not in REQUIRED)}
            ]
        )
    problems, stories = [], []
    unknown = [name for name in header if name and name not in COLUMNS + IGNORED]
    if unknown:
        problems.append(
            _("Row 1: unknown column “%(column)s”; the columns are %(columns)s.")
            % {"column": unknown[0][:40], "columns": ", ".join(COLUMNS)}
        )
    count = 0
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        count += 1
        if count > settings.STORY_IMPORT_MAX_ROWS:
            continue
        where = _("Row %(number)s") % {"number": number}
        if len(row) > len(header):
            problems.append(
                _("%(where)s has %(count)s values but the header names %(columns)s columns.")
                % {"where": where, "count": len(row), "columns": len(header)}
            )
            continue
        # The export defused formulas with a leading apostrophe: read the text back.
        values = dict(zip(header, map(from_spreadsheet, row), strict=False))
        story = read_story(where, values, problems)
        if story:
            stories.append(story)
    check_count(count, problems)
    if problems:
        raise ImportProblems(problems)
    return stories


def json_list(item, key, where, problems):
    """A list of text or one comma-separated text; None, with a problem, for anything else."""
    value = item.get(key)
    if not isinstance(value, list):
        return json_text(item, key, where, problems)
    names = [json_text({key: name}, key, where, problems) for name in value]
    return None if None in names else names


def parse_json(text):
    """{"stories": [...]} as the archive's export writes it, or a bare list of stories."""
    try:
        document = json.loads(text, parse_int=read_number)
    except json.JSONDecodeError as error:
        raise ImportProblems(
            [
                _("The file is not valid JSON: %(message)s at line %(line)s, column %(column)s.")
                % {"message": error.msg, "line": error.lineno, "column": error.colno}
            ]
        ) from None
    except RecursionError:
        raise ImportProblems([_("The file nests lists or objects too deeply.")]) from None
    items = document.get("stories") if isinstance(document, dict) else document
    if not isinstance(items, list):
        raise ImportProblems([_('The file holds no list of stories: write {"stories": [ … ]}.')])
    problems, stories = [], []
    check_count(len(items), problems)
    if problems:
        raise ImportProblems(problems)
    for number, item in enumerate(items, start=1):
        where = _("Story %(number)s") % {"number": number}
        if not isinstance(item, dict):
            problems.append(_("%(where)s is not an object.") % {"where": where})
            continue
        values = {
            name: json_list(item, name, where, problems)
            if name in LISTS
            else json_text(item, name, where, problems)
            for name in COLUMNS
        }
        if None in values.values():
            continue
        story = read_story(where, values, problems)
        if story:
            stories.append(story)
    if problems:
        raise ImportProblems(problems)
    return stories
