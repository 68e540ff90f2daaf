"""A finished session as CSV (an answer a row) and Markdown (to paste into a report)."""

import csv
import io

from django.utils.translation import gettext as _

from sessions import screens

CSV_COLUMNS = [
    "card_number",
    "card",
    "kind",
    "participant",
    "answer",
    "only_for_facilitator",
    "hidden",
    "feeling",
    "share_with",
    "archive_consent",
    "answered_at",
]


def as_csv(session):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for card in screens.summary_context(session)["cards"]:
        for answer in card.summary_answers:
            writer.writerow(
                [
                    card.shown_order,
                    card.prompt,
                    card.kind,
                    answer.participant.display_name,
                    answer.text,
                    "yes" if answer.is_private else "no",
                    "yes" if answer.is_hidden else "no",
                    answer.valence,
                    answer.share_with,
                    answer.archive_consent,
                    answer.updated_at.isoformat(timespec="seconds"),
                ]
            )
    return out.getvalue()


def quote(text):
    return "\n".join(f"> {line}" for line in text.splitlines() or [""])


def as_markdown(session):
    context = screens.summary_context(session)
    lines = [
        f"# {session.title}",
        "",
        _("Session %(code)s, %(date)s. %(people)s participants.")
        % {
            "code": session.join_code,
            "date": session.created_at.strftime("%Y-%m-%d"),
            "people": context["people"],
        },
        "",
    ]
    for card in context["cards"]:
        lines += [
            f"## {card.shown_order}. {card.prompt}",
            "",
            _("%(count)s answers (%(percent)s%% of participants).")
            % {"count": card.answer_count, "percent": card.participation},
            "",
        ]
        for answer in card.summary_answers:
            marks = []
            if answer.is_private:
                marks.append(_("only for the facilitator"))
            if answer.is_hidden:
                marks.append(_("hidden"))
            suffix = f" ({', '.join(marks)})" if marks else ""
            lines += [f"**{answer.participant.display_name}**{suffix}:", "", quote(answer.text), ""]
    return "\n".join(lines)
