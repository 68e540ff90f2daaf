"""A digest in the forms it leaves the app: a newsletter page, Markdown and an .eml draft."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cxworkshop.downloads import markdown_quote, markdown_text


def context(digest, request):
    stories = list(digest.published_stories())
    for story in stories:
        story.permalink = request.build_absolute_uri(story.get_absolute_url())
    return {"digest": digest, "stories": stories}


def newsletter_response(digest, request):
    return render(request, "stories/digest_newsletter.html", context(digest, request))


def as_html(digest, request):
    return render_to_string("stories/digest_newsletter.html", context(digest, request))


def as_markdown(digest, request):
    """The digest as Markdown; every value people typed is escaped (`markdown_text`)."""
    lines = [f"# {markdown_text(digest.title)}", ""]
    if digest.introduction:
        lines += [markdown_text(line) for line in digest.introduction.splitlines()] + [""]
    for story in context(digest, request)["stories"]:
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
    return "\n".join(lines)


def as_eml(digest, request):
    """An unsent e-mail to open in a mail program, add recipients to and send."""
    message = EmailMultiAlternatives(
        # A title saved with a line break would be a header of its own: a subject is one line.
        subject=" ".join(digest.title.split()),
        body=as_markdown(digest, request),
        from_email=settings.DEFAULT_FROM_EMAIL,
        headers={"X-Unsent": "1"},
    )
    message.attach_alternative(as_html(digest, request), "text/html")
    return message.message().as_bytes()
