"""A digest in the forms it leaves the app: a newsletter page, Markdown and an .eml draft."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from cxworkshop.downloads import markdown_quote, markdown_text
from stories import credits

# How much of a story a shout-out quotes to say what someone did.
SHOUT_OUT_WORDS = 12


def absolute(request, path):
    """A link that works outside the app: from the request, or from PUBLIC_URL when there is
    none (a digest mailed by `send_digests`)."""
    if request is None:
        return settings.PUBLIC_URL + path
    return request.build_absolute_uri(path)


def context(digest, request):
    stories = list(digest.published_stories().prefetch_related("credits"))
    for story in stories:
        story.permalink = absolute(request, story.get_absolute_url())
    shout_outs = credits.shout_outs(stories)
    for shout_out in shout_outs:
        shout_out.permalink = absolute(request, shout_out.credit.get_absolute_url())
    return {"digest": digest, "stories": stories, "shout_outs": shout_outs}


def newsletter_response(digest, request):
    return render(request, "stories/digest_newsletter.html", context(digest, request))


def as_html(digest, request, mail=None):
    """The newsletter page; `mail`: what a mailed copy adds to its footer (stories.delivery)."""
    return render_to_string(
        "stories/digest_newsletter.html", {**context(digest, request), "mail": mail}
    )


def as_markdown(digest, request):
    """The digest as Markdown; every value people typed is escaped (`markdown_text`)."""
    lines = [f"# {markdown_text(digest.title)}", ""]
    if digest.introduction:
        lines += [markdown_text(line) for line in digest.introduction.splitlines()] + [""]
    newsletter = context(digest, request)
    for story in newsletter["stories"]:
        details = [story.author_label, formats.date_format(timezone.localdate(story.created_at))]
        if story.valence:
            details.append(story.get_valence_display())
        lines += [
            f"## {markdown_text(story.prompt)}",
            "",
            markdown_quote(story.text),
            "",
            f"*{' · '.join(markdown_text(detail) for detail in details)}* ({story.permalink})",
            "",
        ]
        if story.share_with:
            who = markdown_text(story.share_with)
            lines += [_("Would share it with: %(who)s") % {"who": who}, ""]
    if newsletter["shout_outs"]:
        lines += [f"## {_('Shout-outs')}", ""]
        lines += [shout_out_line(shout_out) for shout_out in newsletter["shout_outs"]] + [""]
    return "\n".join(lines)


def shout_out_line(shout_out):
    """One Markdown list item: who, then what they did (each story quoted, with its link)."""
    deeds = "; ".join(
        f"“{markdown_text(Truncator(story.text).words(SHOUT_OUT_WORDS))}” ({story.permalink})"
        for story in shout_out.stories
    )
    return f"- **{markdown_text(shout_out.credit.label)}** ({shout_out.permalink}): {deeds}"


def subject(digest):
    """The digest's title as a mail's subject: one line (a title saved with a line break would
    otherwise start a header of its own)."""
    return " ".join(digest.title.split())


def as_eml(digest, request):
    """An unsent e-mail to open in a mail program, add recipients to and send."""
    message = EmailMultiAlternatives(
        subject=subject(digest),
        body=as_markdown(digest, request),
        from_email=settings.DEFAULT_FROM_EMAIL,
        headers={"X-Unsent": "1"},
    )
    message.attach_alternative(as_html(digest, request), "text/html")
    return message.message().as_bytes()
