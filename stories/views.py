"""The story archive: browse and search, one story, moderation, exports, digests, insights;
and a participant's own stories behind the private link they got at the end of a session."""

from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST

from cxworkshop.downloads import attachment
from cxworkshop.fragments import varies_on_htmx, wants_fragment
from sessions.models import Participant
from stories import digest as digest_formats
from stories import export, sharing
from stories import insights as insights_data
from stories.facets import facets
from stories.forms import ArchiveFilterForm, DigestForm, StoryCurationForm, WithdrawForm
from stories.models import Digest, Story

PAGE_SIZE = 20


# The archive


@login_required
@varies_on_htmx
def archive(request):
    form = ArchiveFilterForm(request.GET or None, user=request.user)
    context = {
        "form": form,
        "page": form.paginator(PAGE_SIZE).get_page(request.GET.get("page")),
        "facets": facets(form),
        "query_string": form_query_string(request),
        "can_see_hidden": request.user.is_staff or request.user.live_sessions.exists(),
    }
    if wants_fragment(request):
        return render(request, "stories/archive.html#results-and-facets", context)
    return render(request, "stories/archive.html", context)


def form_query_string(request):
    """The current filters as a query string, without the page number."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
def story_detail(request, pk):
    story = get_object_or_404(
        Story.objects.visible_to(request.user).select_related("session__deck"), pk=pk
    )
    return render(request, "stories/story_detail.html", story_context(request, story))


def story_context(request, story, curation_form=None):
    user = request.user
    return {
        "story": story,
        "can_hide": sharing.may_hide(story, user),
        "can_show": sharing.may_show(story, user),
        "can_curate": story.can_curate(user),
        "curation_form": curation_form or StoryCurationForm(instance=story),
        "can_open_session": story.session_id
        and (user.is_staff or story.session.facilitator_id == user.pk),
    }


def moderated_story(request, pk, allowed):
    story = get_object_or_404(Story.objects.visible_to(request.user), pk=pk)
    if not allowed(story, request.user):
        raise PermissionDenied(_("You cannot change this story."))
    return story


@login_required
@require_POST
def story_hide(request, pk):
    story = moderated_story(request, pk, sharing.may_hide)
    hide = request.POST.get("hidden") == "1"
    try:
        sharing.hide(story, hide, by=request.user)
    except PermissionDenied as refusal:
        messages.error(request, str(refusal))
        return render(
            request, "stories/story_detail.html", story_context(request, story), status=403
        )
    if hide:
        messages.success(request, _("Story hidden: only moderators can see it now."))
    else:
        messages.success(request, _("Story visible in the archive again."))
    return redirect(story)


@login_required
@require_POST
def story_feature(request, pk):
    story = moderated_story(request, pk, Story.can_curate)
    feature = request.POST.get("featured") == "1"
    if feature and not story.is_visible:
        messages.error(request, _("Show the story again before featuring it."))
        return redirect(story)
    story.set_featured(feature)
    if feature:
        messages.success(request, _("Story featured."))
    else:
        messages.success(request, _("Story no longer featured."))
    return redirect(story)


@login_required
@require_POST
def story_curate(request, pk):
    story = moderated_story(request, pk, Story.can_curate)
    form = StoryCurationForm(request.POST, instance=story)
    if form.is_valid():
        form.save()
        messages.success(request, _("Level and tags saved."))
        return redirect(story)
    context = story_context(request, story, curation_form=form)
    return render(request, "stories/story_detail.html", context, status=400)


@login_required
def archive_export(request, file_format):
    form = ArchiveFilterForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        # A page can leave out a filter it cannot read and say so; a file would not say.
        return HttpResponseBadRequest(
            "\n".join(form.problems()), content_type="text/plain; charset=utf-8"
        )
    stories = form.stories().published().select_related("session__deck")
    stories = stories.prefetch_related("tags").order_by("-created_at", "-id")
    stamp = timezone.localdate().isoformat()
    if file_format == "json":
        return attachment(
            export.as_json(stories, request), "application/json", f"stories-{stamp}.json"
        )
    return attachment(export.as_csv(stories, request), "text/csv", f"stories-{stamp}.csv")


@login_required
def insights(request):
    form = ArchiveFilterForm(request.GET or None, user=request.user)
    context = {
        "form": form,
        "charts": insights_data.charts(form.stories().published()),
        "query_string": form_query_string(request),
    }
    return render(request, "stories/insights.html", context)


# Digests


def editable_digest(request, pk):
    digest = get_object_or_404(Digest, pk=pk)
    if not (request.user.is_staff or digest.created_by_id == request.user.pk):
        raise PermissionDenied(_("Only whoever made this digest can change it."))
    return digest


@login_required
def digest_list(request):
    digests = Digest.objects.select_related("created_by")
    return render(request, "stories/digest_list.html", {"digests": digests})


@login_required
@require_http_methods(["GET", "POST"])
@varies_on_htmx
def digest_create(request):
    return digest_form(request, Digest(created_by=request.user))


@login_required
@require_http_methods(["GET", "POST"])
@varies_on_htmx
def digest_edit(request, pk):
    return digest_form(request, editable_digest(request, pk))


def digest_form(request, digest):
    """One page builds a digest: choose the range, see the stories in it, tick, save.

    "Show stories" (or htmx on a change of range) redraws the choices without saving.
    """
    data = request.POST or None
    refreshing = request.method == "POST" and "refresh" in request.POST
    form = DigestForm(data, instance=digest)
    if request.method == "POST" and not refreshing and form.is_valid():
        digest = form.save()
        messages.success(request, _("Digest saved."))
        return redirect(digest)
    if refreshing:
        form.errors.clear()
    template = "stories/digest_form.html"
    if wants_fragment(request) and refreshing:
        template += "#candidates"
    return render(request, template, {"form": form, "digest": digest})


@login_required
def digest_detail(request, pk):
    digest = get_object_or_404(Digest, pk=pk)
    context = {
        "digest": digest,
        "stories": digest.published_stories(),
        "can_edit": request.user.is_staff or digest.created_by_id == request.user.pk,
    }
    return render(request, "stories/digest_detail.html", context)


@login_required
@xframe_options_sameorigin
@csp_replace({"style-src": ["'unsafe-inline'"], "frame-ancestors": ["'self'"]})
def digest_newsletter(request, pk):
    """The newsletter alone: inline styles (an e-mail has no style sheet) and no script, to copy
    into an e-mail; the digest page shows it in a frame."""
    digest = get_object_or_404(Digest, pk=pk)
    return digest_formats.newsletter_response(digest, request)


@login_required
def digest_download(request, pk, file_format):
    digest = get_object_or_404(Digest, pk=pk)
    name = f"digest-{digest.pk}"
    if file_format == "eml":
        return attachment(digest_formats.as_eml(digest, request), "message/rfc822", f"{name}.eml")
    return attachment(digest_formats.as_markdown(digest, request), "text/markdown", f"{name}.md")


@login_required
@require_POST
def digest_delete(request, pk):
    digest = editable_digest(request, pk)
    digest.delete()
    messages.success(request, _("Digest deleted. Its stories stay in the archive."))
    return redirect("stories:digest-list")


# A participant's own stories


def mine(request, token, refused=None):
    """A participant's stories, by their private link. The link outlives the session: the
    stories carry it, so deleting the session or its facilitator takes no one's say away.
    `refused`: the withdrawal form that was sent without its confirmation, and its story."""
    stories = Story.objects.filter(author_token=token).order_by("created_at", "pk")
    participant = Participant.objects.filter(token=token).select_related("session").first()
    if participant is None and not stories:
        raise Http404
    context = {"participant": participant, "stories": stories, "token": token}
    if refused:
        context["refused_story"], context["refused_form"] = refused
    return render(request, "stories/mine.html", context, status=400 if refused else 200)


@require_POST
def withdraw(request, token, story_id):
    """Withdraw a story, once its author has ticked that they understand it cannot be undone
    (without it: the page again, saying so beside that story, and nothing changed)."""
    story = get_object_or_404(Story, pk=story_id, author_token=token)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return mine(request, token, refused=(story.pk, form))
    sharing.withdraw(story)
    messages.success(request, _("Your story is withdrawn: its text is deleted from the archive."))
    return redirect("stories:mine", token=token)
