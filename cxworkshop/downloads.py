"""Files the app hands out: exports of decks, sessions and stories."""

import csv
import io
import re

from django.http import HttpResponse

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Markdown (CommonMark and GitHub's): characters that make links, images, raw HTML, emphasis,
# code, headings, tables, strike-through and entities wherever they stand...
MARKDOWN_ANYWHERE = re.compile(r"([\\`*_\[\]<>()#|~!&])")
# ...and those that make a quote, a list or a heading's underline at the start of a line.
MARKDOWN_LINE_START = re.compile(r"^(\d*)([>+=.)-])")


def attachment(content, content_type, filename):
    """A UTF-8 text file the browser saves instead of showing."""
    response = HttpResponse(content, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def spreadsheet_safe(value):
    """A cell a spreadsheet shows as text: a leading apostrophe defuses a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def from_spreadsheet(value):
    """The text `spreadsheet_safe` was given: an import reads back what an export wrote."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def csv_text(header, rows):
    """CSV with a header row, every cell safe to open in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
    return out.getvalue()


def markdown_text(value):
    """A person's text as Markdown that shows it literally, on the one line it is given.

    Every character that could make markup is backslash-escaped (a reader shows the character,
    not the backslash), and line breaks become spaces, so a value cannot add a heading, a quote,
    a link, raw HTML or a table, or move out of the place the file gave it.
    """
    text = MARKDOWN_ANYWHERE.sub(r"\\\1", " ".join(str(value).split()))
    return MARKDOWN_LINE_START.sub(r"\1\\\2", text)


def markdown_quote(text):
    """A person's text as a Markdown block quote, line by line, escaped (`markdown_text`)."""
    return "\n".join(f"> {markdown_text(line)}" for line in text.splitlines() or [""])
