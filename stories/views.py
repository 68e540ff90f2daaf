"""A participant's own stories, behind the private link they got at the end of a session."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sessions.models import Answer, Participant


def mine(request, token):
    participant = get_object_or_404(Participant, token=token)
    answers = (
        Answer.objects.filter(participant=participant)
        .exclude(archive_consent=Answer.Consent.NONE)
        .select_related("story", "session_card")
    )
    return render(request, "stories/mine.html", {"participant": participant, "answers": answers})


@require_POST
def withdraw(request, token, answer_id):
    participant = get_object_or_404(Participant, token=token)
    answer = get_object_or_404(Answer, pk=answer_id, participant=participant)
    answer.archive_consent = Answer.Consent.NONE
    answer.save(update_fields=["archive_consent", "updated_at"])
    answer.sync_story()
    messages.success(request, _("Your story is withdrawn: its text is deleted from the archive."))
    return redirect("stories:mine", token=token)
