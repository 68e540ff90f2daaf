"""The story archive: browse and search, one story, moderation, exports, digests, insights;
a participant's own stories behind the private link they got at the end of a session; and
stories told elsewhere (story links and their moderation queue, by hand, imports)."""

import secrets

import segno
from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from cxworkshop import ratelimits
from cxworkshop.downloads import attachment
from cxworkshop.fragments import varies_on_htmx, wants_fragment
from cxworkshop.network import public_base_url
from sessions.models import Participant
from stories import credits, delivery, distinctive, export, receipts, results, sharing, similar
from stories import digest as digest_formats
from stories import insights as insights_data
from stories.facets import facets, uncounted
from stories.forms import (
    ArchiveFilterForm,
    ByHandForm,
    DigestForm,
    DigestScheduleForm,
    InviteForm,
    StoryCurationForm,
    StoryImportForm,
    SubmissionLinkForm,
    TellForm,
    WithdrawForm,
)
from stories.models import Digest, DigestSchedule, Story, SubmissionLink, Subscription

PAGE_SIZE = 20
CREDITS_PAGE_SIZE = 50
SUBSCRIBERS_PAGE_SIZE = 50


# The archive


@login_required
@varies_on_htmx
def archive(request):
    """The stories found, first, and the filter panel with every filter's value but no count;
    the counts come from `archive_counts`."""
    form = ArchiveFilterForm(request.GET or None, user=request.user)
    context = archive_context(request, form) | {"facets": uncounted(form), "counted": False}
    if wants_fragment(request):
        return render(request, "stories/archive.html#results", context)
    return render(request, "stories/archive.html", context)


@login_required
@varies_on_htmx
def archive_counts(request):
    """The filter panel with its counts, for the filters in the address; without htmx (no
    JavaScript) the whole archive page, counts included."""
    form = ArchiveFilterForm(request.GET or None, user=request.user)
    if wants_fragment(request):
        context = {
            "form": form,
            "facets": facets(form),
            "counted": True,
            "can_see_hidden": can_see_hidden(request.user),
        }
        return render(request, "stories/archive.html#counts", context)
    context = archive_context(request, form) | {"facets": facets(form), "counted": True}
    return render(request, "stories/archive.html", context)


def archive_context(request, form):
    return {
        "form": form,
        "page": results.page(form, results.page_number(request.GET.get("page"))),
        "query_string": form_query_string(request),
        "can_see_hidden": can_see_hidden(request.user),
    }


def can_see_hidden(user):
    return user.is_staff or user.live_sessions.exists()


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
        "credits": credits.of(story),
        "curation_form": curation_form or StoryCurationForm(instance=story),
        "can_open_session": story.session_id
        and (user.is_staff or story.session.facilitator_id == user.pk),
        "similar_stories": similar.similar_to(story),
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
        messages.success(request, _("Level, tags and credits saved."))
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
    stories = stories.prefetch_related("tags", "credits").order_by("-created_at", "-id")
    stamp = timezone.localdate().isoformat()
    if file_format == "json":
        return attachment(
            export.as_json(stories, request), "application/json", f"stories-{stamp}.json"
        )
    return attachment(export.as_csv(stories, request), "text/csv", f"stories-{stamp}.csv")


@login_required
def insights(request):
    form = ArchiveFilterForm(request.GET or None, user=request.user)
    comparisons, stories_read = distinctive.comparisons(form.stories(), request.GET)
    context = {
        "form": form,
        "charts": insights_data.charts(form.stories().published()),
        "query_string": form_query_string(request),
        "comparisons": comparisons,
        "stories_read": stories_read,
        "sample_size": distinctive.SAMPLE_SIZE,
        "min_group_stories": distinctive.MIN_GROUP_STORIES,
        "min_z": distinctive.MIN_Z,
    }
    return render(request, "stories/insights.html", context)


# Who made it happen


@login_required
def credit_list(request):
    paginator = Paginator(credits.most_credited(), CREDITS_PAGE_SIZE)
    context = {"page": paginator.get_page(request.GET.get("page"))}
    return render(request, "stories/credit_list.html", context)


@login_required
def credit_detail(request, kind, slug):
    credit = get_object_or_404(credits.named(), kind=kind, slug=slug)
    stories = credits.stories_of(credit).prefetch_related("tags")
    context = {
        "credit": credit,
        "page": Paginator(stories, PAGE_SIZE).get_page(request.GET.get("page")),
    }
    return render(request, "stories/credit_detail.html", context)


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
    digest = editable_digest(request, pk)
    if not digest.can_be_edited:
        return refuse_sent_digest(request, digest)
    return digest_form(request, digest)


def refuse_sent_digest(request, digest):
    messages.error(
        request,
        _(
            "This digest was mailed on %(when)s and stays as its readers got it: it can no "
            "longer be changed. Make a new digest to send something else."
        )
        % {"when": formats.date_format(timezone.localtime(digest.sent_at), "DATETIME_FORMAT")},
    )
    return redirect(digest)


def digest_form(request, digest):
    """One page builds a digest: choose the range, see the stories in it, tick, save.

    "Show stories" (or htmx on a change of range) redraws the choices without saving.
    """
    data = request.POST or None
    refreshing = request.method == "POST" and "refresh" in request.POST
    form = DigestForm(data, instance=digest)
    if request.method == "POST" and not refreshing and form.is_valid():
        with transaction.atomic():
            if digest.pk and not Digest.objects.select_for_update().get(pk=digest.pk).can_be_edited:
                return refuse_sent_digest(request, Digest.objects.get(pk=digest.pk))
            digest = form.save(commit=False)
            if digest.pk:  # only what the form edits: a run's sent_at or an approval stay
                fields = [name for name in form.Meta.fields if name != "stories"]
                digest.save(update_fields=[*fields, "updated_at"])
            else:
                digest.save()
            form.save_m2m()
            withdrawn = delivery.edited(digest)
        messages.success(request, _("Digest saved."))
        if withdrawn:
            messages.warning(request, _("Edited after approval: approve it again."))
        return redirect(digest)
    if refreshing:
        form.errors.clear()
    template = "stories/digest_form.html"
    if wants_fragment(request) and refreshing:
        template += "#candidates"
    return render(request, template, {"form": form, "digest": digest})


@login_required
def digest_detail(request, pk):
    digest = get_object_or_404(Digest.objects.select_related("schedule", "approved_by"), pk=pk)
    stories = list(digest.published_stories().prefetch_related("credits"))
    context = {
        "digest": digest,
        "stories": stories,
        "shout_outs": credits.shout_outs(stories),
        "can_edit": request.user.is_staff or digest.created_by_id == request.user.pk,
        "can_approve": request.user.is_staff and digest.awaits_approval,
        "deliveries": delivery.delivery_counts(digest) if digest.is_scheduled else None,
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
    if not digest.can_be_deleted:
        messages.error(
            request,
            _(
                "A digest its schedule made stays, so that week is never mailed twice. To skip "
                "a week, leave its draft unapproved."
            ),
        )
        return redirect(digest)
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


# Story links: staff make them, anyone with the address tells a story through one


def link_address(request, link):
    base = public_base_url(request, settings.PUBLIC_URL, settings.SERVE_HOST)
    return base + reverse("tell", args=[link.token])


@staff_member_required
def link_list(request):
    links = SubmissionLink.objects.annotate(
        waiting=Count("stories", filter=Q(stories__status=Story.Status.PENDING))
    ).order_by("-created_at", "-pk")
    page = Paginator(links, PAGE_SIZE).get_page(request.GET.get("page"))
    for link in page:
        link.address = link_address(request, link)
        link.qr_svg = segno.make(link.address, error="m").svg_inline(
            scale=6, border=2, dark="#14110e", light="#ffffff", omitsize=True
        )
    return render(request, "stories/link_list.html", {"page": page})


@staff_member_required
@require_http_methods(["GET", "POST"])
def link_create(request):
    return link_form(request, SubmissionLink(created_by=request.user))


@staff_member_required
@require_http_methods(["GET", "POST"])
def link_edit(request, pk):
    return link_form(request, get_object_or_404(SubmissionLink, pk=pk))


def link_form(request, link):
    form = SubmissionLinkForm(request.POST or None, instance=link)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("Story link saved."))
            return redirect("stories:link-list")
        return render(request, "stories/link_form.html", {"form": form, "link": link}, status=400)
    return render(request, "stories/link_form.html", {"form": form, "link": link})


@staff_member_required
@require_POST
def link_open(request, pk):
    link = get_object_or_404(SubmissionLink, pk=pk)
    link.is_open = request.POST.get("open") == "1"
    link.save(update_fields=["is_open"])
    if link.is_open:
        messages.success(request, _("“%(link)s” takes stories again.") % {"link": link})
    else:
        messages.success(
            request, _("“%(link)s” is closed: it takes no more stories.") % {"link": link}
        )
    return redirect("stories:link-list")


@require_http_methods(["GET", "POST"])
def tell(request, token):
    """The public form of a story link: no account. An unknown link is a 404, a closed one a
    page that says so (410)."""
    link = get_object_or_404(SubmissionLink, token=token)
    if not link.is_open:
        return render(request, "stories/tell_closed.html", {"link": link}, status=410)
    if request.method == "GET":
        return render(request, "stories/tell.html", {"link": link, "form": TellForm()})
    refusal = ratelimits.refuse(request, ratelimits.TELL_ADDRESS, ratelimits.TELL_LINK, link=link)
    if refusal:
        return refusal
    form = TellForm(request.POST)
    if form.is_from_a_script:
        # The same page a person gets, so a script learns nothing; nothing is kept.
        decoy = reverse("stories:mine", args=[secrets.token_urlsafe(24)])
        context = {"link": link, "mine_url": request.build_absolute_uri(decoy)}
        return render(request, "stories/tell_thanks.html", context)
    if not form.is_valid():
        return render(request, "stories/tell.html", {"link": link, "form": form}, status=400)
    story = sharing.submit(link, **form.story_fields(), language=request.LANGUAGE_CODE)
    email = form.cleaned_data["email"]
    mailed = email and receipts.send_private_link(request, story, email)
    context = {
        "link": link,
        "mine_url": receipts.private_link(request, story),
        "mailed": mailed,
        "mail_refused": email and not mailed,
    }
    return render(request, "stories/tell_thanks.html", context)


# The moderation queue


@staff_member_required
@varies_on_htmx
def moderation(request):
    stories = Story.objects.filter(status=Story.Status.PENDING).select_related("submission_link")
    stories = stories.prefetch_related("credits").order_by("created_at", "pk")
    page = Paginator(stories, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "stories/moderation.html", {"page": page})


@staff_member_required
@require_POST
@varies_on_htmx
def story_decide(request, pk, decision):
    story = get_object_or_404(Story, pk=pk)
    if decision == "publish":
        story, done = sharing.publish(story, by=request.user)
        said = _("Published: the story is in the archive.")
    else:
        story, done = sharing.reject(story, by=request.user)
        said = _("Rejected: the story's words are erased.")
    if not done:
        said = _("Someone else decided on this story first. Its status: %(status)s.") % {
            "status": story.get_status_display()
        }
    if request.htmx:
        context = {"story": story, "decided": said}
        return render(request, "stories/moderation.html#pending-story", context)
    if done:
        messages.success(request, said)
    else:
        messages.warning(request, said)
    return redirect("stories:moderation")


# Stories recorded by hand, and imported


@login_required
@require_http_methods(["GET", "POST"])
def story_add(request):
    form = ByHandForm(request.POST or None, language=request.LANGUAGE_CODE)
    if request.method == "POST":
        if form.is_valid():
            story = sharing.add_by_hand(request.user, **form.story_fields())
            messages.success(request, _("Story added to the archive."))
            return redirect(story)
        return render(request, "stories/story_add.html", {"form": form}, status=400)
    return render(request, "stories/story_add.html", {"form": form})


@staff_member_required
@require_http_methods(["GET", "POST"])
def story_import(request):
    form = StoryImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            stories = sharing.import_stories(
                request.user, form.cleaned_data["stories"], language=request.LANGUAGE_CODE
            )
            messages.success(
                request,
                ngettext("Imported %(count)s story.", "Imported %(count)s stories.", len(stories))
                % {"count": len(stories)},
            )
            return redirect("stories:archive")
        return render(request, "stories/story_import.html", {"form": form}, status=400)
    return render(request, "stories/story_import.html", {"form": form})


# Feel Good Fridays by mail: subscribing, schedules, subscribers, approving a draft


@login_required
@require_http_methods(["GET", "POST"])
def subscription(request):
    """The signed-in user's own subscription: ask for the digest (a confirm link is mailed to
    the address, again on request, under the confirmation-mail limits), or unsubscribe."""
    current = delivery.subscription_of(request.user)
    if request.method == "POST":
        wanted = request.POST.get("subscribe")
        if wanted == "1":
            wanted_subscription = delivery.subscribe_user(request.user)
            if wanted_subscription.is_confirmed:
                messages.info(
                    request,
                    _("%(email)s receives the digest already.")
                    % {"email": wanted_subscription.email},
                )
                return redirect("stories:subscription")
            refusal = ratelimits.refuse(
                request, ratelimits.DIGEST_ADDRESS, email=wanted_subscription.email
            )
            if refusal:
                return refusal
            delivery.send_confirmation(request, wanted_subscription)
            messages.success(
                request,
                _("Confirmation link sent to %(email)s.") % {"email": wanted_subscription.email},
            )
        elif wanted == "0" and current is not None:
            delivery.unsubscribe(current)
            messages.success(request, _("Unsubscribed: no more digests by mail."))
        return redirect("stories:subscription")
    context = {
        "subscription": current or delivery.subscription_of_address(request.user),
        "owned": current is not None,
        "schedules": DigestSchedule.objects.filter(is_active=True),
    }
    return render(request, "stories/subscription.html", context)


@staff_member_required
def schedule_list(request):
    schedules = DigestSchedule.objects.annotate(digest_count=Count("digests"))
    drafts = Digest.objects.filter(
        schedule__isnull=False, sent_at__isnull=True, approved_at__isnull=True
    ).select_related("schedule")
    context = {
        "schedules": schedules,
        "drafts": [draft for draft in drafts.order_by("-period_end") if draft.awaits_approval],
        "public_url_missing": not settings.PUBLIC_URL,
    }
    return render(request, "stories/schedule_list.html", context)


@staff_member_required
@require_http_methods(["GET", "POST"])
def schedule_create(request):
    return schedule_form(request, DigestSchedule(created_by=request.user))


@staff_member_required
@require_http_methods(["GET", "POST"])
def schedule_edit(request, pk):
    return schedule_form(request, get_object_or_404(DigestSchedule, pk=pk))


def schedule_form(request, schedule):
    form = DigestScheduleForm(request.POST or None, instance=schedule)
    context = {"form": form, "schedule": schedule}
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("Schedule saved: %(schedule)s.") % {"schedule": schedule})
            return redirect("stories:schedule-list")
        return render(request, "stories/schedule_form.html", context, status=400)
    return render(request, "stories/schedule_form.html", context)


@staff_member_required
def subscriber_list(request, form=None, status=200):
    subscriptions = Subscription.objects.live().select_related("user", "invited_by")
    counts = subscriptions.aggregate(
        receiving=Count("pk", filter=Q(confirmed_at__isnull=False)),
        unconfirmed=Count("pk", filter=Q(confirmed_at__isnull=True)),
    )
    context = {
        "page": Paginator(subscriptions, SUBSCRIBERS_PAGE_SIZE).get_page(request.GET.get("page")),
        "counts": counts,
        "form": form or InviteForm(),
    }
    return render(request, "stories/subscriber_list.html", context, status=status)


@staff_member_required
@require_POST
def subscriber_invite(request):
    form = InviteForm(request.POST)
    if not form.is_valid():
        return subscriber_list(request, form=form, status=400)
    email = form.cleaned_data["email"]
    if Subscription.objects.receiving().filter(email=email).exists():
        messages.info(request, _("%(email)s already receives the digest.") % {"email": email})
        return redirect("stories:subscriber-list")
    refusal = ratelimits.refuse(
        request, ratelimits.DIGEST_INVITE, ratelimits.DIGEST_ADDRESS, email=email
    )
    if refusal:
        return refusal
    delivery.send_confirmation(request, delivery.invite(email, by=request.user))
    messages.success(
        request,
        _("Invitation sent to %(email)s: they receive the digest once they confirm.")
        % {"email": email},
    )
    return redirect("stories:subscriber-list")


@staff_member_required
@require_POST
def subscriber_resend(request, pk):
    subscription = get_object_or_404(Subscription.objects.live(), pk=pk)
    if subscription.is_confirmed:
        messages.info(
            request, _("%(email)s has confirmed already.") % {"email": subscription.email}
        )
        return redirect("stories:subscriber-list")
    refusal = ratelimits.refuse(
        request, ratelimits.DIGEST_INVITE, ratelimits.DIGEST_ADDRESS, email=subscription.email
    )
    if refusal:
        return refusal
    delivery.send_confirmation(request, subscription)
    messages.success(
        request, _("Confirmation mailed again to %(email)s.") % {"email": subscription.email}
    )
    return redirect("stories:subscriber-list")


@staff_member_required
@require_POST
def digest_approve(request, pk):
    digest = get_object_or_404(Digest.objects.select_related("schedule"), pk=pk)
    if not digest.awaits_approval:
        messages.warning(request, _("This digest is not a draft waiting for approval."))
    elif delivery.approve(digest, by=request.user):
        messages.success(
            request, _("Approved: it goes out the next time send_digests runs (within minutes).")
        )
    else:
        messages.warning(request, _("Someone approved this digest first."))
    return redirect(digest)


# Public pages of a subscription, by the token in its mails: no log-in


def unknown_subscription(request):
    return render(request, "stories/unsubscribe_unknown.html", status=404)


@require_http_methods(["GET", "POST"])
def subscription_confirm(request, token):
    """GET shows a button; only its POST confirms, so a mail scanner opening the link does not."""
    subscription = Subscription.objects.filter(token=token).first()
    if subscription is None:
        return unknown_subscription(request)
    confirmed = request.method == "POST" and delivery.confirm(
        subscription, request.user, request.LANGUAGE_CODE
    )
    context = {"subscription": subscription, "just_confirmed": confirmed}
    return render(request, "stories/subscription_confirm.html", context)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET shows a button; a POST unsubscribes, whether that button's or a mail program's
    one-click POST (RFC 8058: `List-Unsubscribe=One-Click`, no cookie, no CSRF token: the
    token in the address is the proof). Idempotent."""
    subscription = Subscription.objects.filter(token=token).first()
    if subscription is None:
        return unknown_subscription(request)
    if request.method == "POST":
        delivery.unsubscribe(subscription)
    return render(request, "stories/unsubscribe.html", {"subscription": subscription})
