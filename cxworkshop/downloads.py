"""Files the app hands out: exports of decks, sessions and stories."""

import csv
import io

from django.http import HttpResponse

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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


def markdown_quote(text):
    """Text as a Markdown block quote, line by line."""
    return "\n".join(f"> {line}" for line in text.splitlines() or [""])
