"""Right to left: the pages say their direction, and app.css is written in logical properties
(inline start and end rather than left and right), so `dir="rtl"` mirrors every layout.

The lint lists each line of app.css that names a physical side again, with the fix.
"""

import re
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation

APP_CSS = Path(__file__).resolve().parents[1] / "static" / "css" / "app.css"

PHYSICAL = [
    (r"(?<![\w-])(margin|padding|scroll-margin|scroll-padding)-(left|right)\b", "\\1-inline-…"),
    (r"(?<![\w-])border-(left|right)\b", "border-inline-start/end…"),
    (r"(?<![\w-])border-(top|bottom)-(left|right)-radius\b", "border-start-start-radius…"),
    (r"(?<![\w-])(left|right)\s*:", "inset-inline-start/end"),
    (r"(?<![\w-])(text-align|float|clear)\s*:\s*(left|right)\b", "\\1: start/end"),
]
# Four values in a box shorthand read top, right, bottom, left: unequal sides are physical.
BOX_SHORTHAND = re.compile(r"(?<![\w-])(margin|padding|inset|border-radius)\s*:\s*([^;}]+)")


def values(text):
    """The space-separated values of a declaration, a function call (calc, clamp) as one."""
    return re.findall(r"[\w.%#-]+\([^()]*(?:\([^()]*\)[^()]*)*\)|[^\s()]+", text.strip())


def physical_lines(css):
    found = []
    # Comments are blanked out, their line breaks kept, so line numbers stay true.
    code = re.sub(r"/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group()), css, flags=re.S)
    for number, line in enumerate(code.splitlines(), start=1):
        for pattern, fix in PHYSICAL:
            for match in re.finditer(pattern, line):
                found.append(f"{number}: {match.group().strip()} (use {match.expand(fix)})")
        for match in BOX_SHORTHAND.finditer(line):
            parts = values(match.group(2).replace("!important", ""))
            if len(parts) != 4 or "/" in parts:
                continue
            uneven = parts[0] != parts[1] or parts[2] != parts[3]
            if parts[1] != parts[3] if match.group(1) != "border-radius" else uneven:
                found.append(
                    f"{number}: {match.group().strip()} (use the -block/-inline longhands)"
                )
    return found


def test_app_css_names_no_physical_left_or_right():
    found = physical_lines(APP_CSS.read_text())
    assert not found, "app.css lays out by left and right; use logical properties:\n" + "\n".join(
        found
    )


def test_the_lint_finds_each_kind_of_physical_side():
    css = """
    .a { margin-left: 1rem; padding-right: 0; border-left-color: red; }
    .b { left: 0; text-align: right; float: left; }
    .c { padding: 0.25rem 0 0.25rem 1rem; border-radius: 0 6px 6px 0; }
    /* a comment may say left: and right freely */
    .d { margin: 0 auto; padding: 1rem 2rem 3rem; inset-inline-start: 0; text-align: start; }
    .e { padding: calc(1rem + 2px) 1rem 0 1rem; border-top-left-radius: 2px; }
    """
    found = [line.split(":")[0] for line in physical_lines(css)]
    assert found == ["2", "2", "2", "3", "3", "3", "4", "4", "7"]


def test_pages_say_their_language_and_direction():
    with translation.override("ar"):  # no right-to-left language ships; Django knows Arabic's
        assert '<html lang="ar" dir="rtl">' in render_to_string("base.html")
    with translation.override("en"):
        assert '<html lang="en" dir="ltr">' in render_to_string("base.html")
