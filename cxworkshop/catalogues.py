"""The message catalogues: compiled with Python alone, and checked complete.

    python -m cxworkshop.catalogues compile   # locale/*/LC_MESSAGES/django.po -> django.mo
    python -m cxworkshop.catalogues check     # every catalogue complete, every .mo up to date

The compiled .mo files are committed, so a fresh clone serves every language without GNU
gettext. `make messages` (which does need gettext) finds new strings in the code; then each
language's new entries are translated and `compile` run before committing.
"""

import re
import sys
from pathlib import Path

import polib
from django.conf import settings

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def catalogue_paths():
    """(language, .po path) for every shipped language but the source language."""
    for code, _name in settings.LANGUAGES:
        if code != settings.LANGUAGE_CODE:
            yield code, LOCALE / code / "LC_MESSAGES" / "django.po"


# %(name)s, %s and {name}: a translation may leave one out (a singular without its count), but
# one the English does not have would fail when the string is filled in.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")


def placeholders(text):
    return set(PLACEHOLDER.findall(text.replace("%%", "")))


def problems(po):
    """What keeps a catalogue from being complete: untranslated or fuzzy entries, and
    translations with a placeholder the English does not have."""
    found = []
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            found.append(f"fuzzy: {entry.msgid!r}")
        elif not entry.translated():
            found.append(f"untranslated: {entry.msgid!r}")
        else:
            known = placeholders(entry.msgid) | placeholders(entry.msgid_plural or "")
            for text in [entry.msgstr, *(entry.msgstr_plural or {}).values()]:
                if unknown := placeholders(text) - known:
                    found.append(f"unknown {', '.join(sorted(unknown))}: {entry.msgid!r}")
    return found


def messages_of(catalogue):
    """{(context, msgid, plural): translation(s)} of a .po or .mo, to compare the two."""
    table = {}
    for entry in catalogue:
        if entry.obsolete or "fuzzy" in entry.flags or not entry.msgid:
            continue  # the header (msgid "") differs only in the date it was compiled
        if not (entry.msgstr or any((entry.msgstr_plural or {}).values())):
            continue
        key = (entry.msgctxt, entry.msgid, entry.msgid_plural)
        forms = entry.msgstr_plural or {}
        table[key] = tuple(forms[i] for i in sorted(forms)) if forms else entry.msgstr
    return table


def compile_all():
    for _code, path in catalogue_paths():
        polib.pofile(str(path)).save_as_mofile(str(path.with_suffix(".mo")))
        print(f"compiled {path.with_suffix('.mo').relative_to(LOCALE.parent)}")


def check_all():
    """Problems of every catalogue, as lines; none when all are complete and compiled."""
    lines = []
    for code, path in catalogue_paths():
        po = polib.pofile(str(path))
        lines += [f"{code}: {problem}" for problem in problems(po)]
        mo_path = path.with_suffix(".mo")
        if not mo_path.exists():
            lines.append(f"{code}: {mo_path.name} is missing: run `make messages`")
        elif messages_of(polib.mofile(str(mo_path))) != messages_of(po):
            lines.append(f"{code}: {mo_path.name} does not match {path.name}: compile it")
    return lines


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxworkshop.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    django.setup()
    if sys.argv[1:] == ["compile"]:
        compile_all()
    elif sys.argv[1:] == ["check"]:
        found = check_all()
        print("\n".join(found) or "Every catalogue is complete and compiled.")
        sys.exit(1 if found else 0)
    else:
        sys.exit(__doc__)
