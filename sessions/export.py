"""A finished session as CSV (an answer a row) and Markdown (to paste into a report)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext, pgettext_lazy

from cxworkshop.downloads import csv_text, markdown_quote, markdown_text
from sessions import screens
from sessions.models import Reaction
from stories import sharing

# The spreadsheet's columns, titled in the reader's language; in English the titles are the
# columns' names, as scripts reading the file know them. A column a reaction kind.
CSV_COLUMNS = [
    pgettext_lazy("summary spreadsheet column", "card_number"),
    pgettext_lazy("summary spreadsheet column", "card"),
    pgettext_lazy("summary spreadsheet column", "kind"),
    pgettext_lazy("summary spreadsheet column", "participant"),
    pgettext_lazy("summary spreadsheet column", "answer"),
    pgettext_lazy("summary spreadsheet column", "only_for_facilitator"),
    pgettext_lazy("summary spreadsheet column", "hidden"),
    pgettext_lazy("summary spreadsheet column", "feeling"),
    pgettext_lazy("summary spreadsheet column", "share_with"),
    pgettext_lazy("summary spreadsheet column", "archive_consent"),
    pgettext_lazy("summary spreadsheet column", "answered_at"),
    pgettext_lazy("summary spreadsheet column", "reactions_heart"),
    pgettext_lazy("summary spreadsheet column", "reactions_applause"),
    pgettext_lazy("summary spreadsheet column", "reactions_laugh"),
    pgettext_lazy("summary spreadsheet column", "reactions_wow"),
]
assert len(CSV_COLUMNS) == 11 + len(Reaction.Kind.values)  # a new kind needs its column


def session_day(session):
    """The date the session ran in the workshop's time zone, as its pages show it."""
    return timezone.localdate(session.created_at)


def file_name(session, file_format):
    return f"session-{session.join_code}-{session_day(session).isoformat()}.{file_format}"


def as_csv(session):
    rows = []
    for card in screens.summary_context(session)["cards"]:
        for answer in card.summary_answers:
            rows.append(
                [
                    card.shown_order,
                    card.prompt,
                    card.kind,
                    answer.author_label,
                    answer.text,
                    yes_or_no(answer.is_private),
                    yes_or_no(answer.is_hidden),
                    answer.valence,
                    answer.share_with,
                    # What happened, not what was asked: a private memory was never shared.
                    sharing.outcome(answer),
                    answer.updated_at.isoformat(timespec="seconds"),
                    *[count for _kind, count in answer.reaction_counts],
                ]
            )
    return csv_text([str(title) for title in CSV_COLUMNS], rows)


def yes_or_no(flag):
    return (
        pgettext("summary spreadsheet column", "yes")
        if flag
        else pgettext("summary spreadsheet column", "no")
    )


def as_markdown(session):
    """The summary as Markdown; every value people typed is escaped (`markdown_text`)."""
    context = screens.summary_context(session)
    lines = [
        f"# {markdown_text(session.title)}",
        "",
        ngettext(
            "Session %(code)s, %(date)s. %(people)s participant.",
            "Session %(code)s, %(date)s. %(people)s participants.",
            context["people"],
        )
        % {
            "code": session.join_code,
            "date": session_day(session).isoformat(),
            "people": context["people"],
        },
        "",
    ]
    if session.is_open:
        lines += [_("The session is still live: this is the summary so far."), ""]
    for card in context["cards"]:
        lines += [
            f"## {card.shown_order}. {markdown_text(card.prompt)}",
            "",
            ngettext(
                "%(count)s answer (%(percent)s%% of participants).",
                "%(count)s answers (%(percent)s%% of participants).",
                card.answer_count,
            )
            % {"count": card.answer_count, "percent": card.participation},
            "",
        ]
        for answer in card.summary_answers:
            marks = []
            if answer.is_private:
                marks.append(_("only for the facilitator"))
            if answer.is_hidden:
                marks.append(_("hidden"))
            if answer.is_withdrawn:
                marks.append(_("withdrawn by its author: the memory is deleted"))
            elif card.is_memory:
                marks.append(_("archive: %(outcome)s") % {"outcome": sharing.outcome(answer).label})
            if answer.reactions_given:
                marks.append(
                    ", ".join(f"{kind.label} {count}" for kind, count in answer.reactions_given)
                )
            suffix = f" ({', '.join(marks)})" if marks else ""
            name = markdown_text(answer.author_label)
            lines += [f"**{name}**{suffix}:", "", markdown_quote(answer.text), ""]
    return "\n".join(lines)
