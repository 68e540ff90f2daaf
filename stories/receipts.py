"""The private link mailed to someone who told a story through a story link.

The address is used for this one mail and kept nowhere: not on the story, not in a log. A few
mails an hour per address at most (`cxworkshop.ratelimits.TELL_MAIL`), so the public form
cannot be turned into a way to flood someone's inbox.
"""

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from cxworkshop.ratelimits import TELL_MAIL


def send_private_link(request, story, email):
    """Mail `story`'s private link to `email`; False when that address has had enough mail."""
    if TELL_MAIL.count(request, email=email):
        return False
    context = {"story": story, "mine_url": private_link(request, story)}
    send_mail(
        _("Your story: the private link to withdraw it"),
        render_to_string("stories/mail/private_link.txt", context, request=request),
        None,
        [email],
    )
    return True


def private_link(request, story):
    return request.build_absolute_uri(reverse("stories:mine", args=[story.author_token]))
