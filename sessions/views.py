"""Live-session views. Every change is a POST: check permission, change the database in a
transaction, and let `broadcast` tell the screens once it has committed."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from cxworkshop import languages
from cxworkshop.downloads import attachment
from cxworkshop.fragments import varies_on_htmx, wants_fragment
from cxworkshop.network import public_base_url
from cxworkshop.ratelimits import (
    ANSWER,
    JOIN_ADDRESS,
    JOIN_INVALID,
    JOIN_MISS,
    JOIN_MISS_ALL,
    JOIN_SESSION,
    REACTION,
    RENAME,
    refuse,
    too_many,
)
from decks.views import visible_deck
from sessions import broadcast, export, freshness, screens
from sessions.access import (
    REMOVED,
    facilitated_session,
    grant_room,
    hosted_session,
    is_facilitator_of,
    participant_for,
    participant_or_403,
    remember,
    room_screen_session,
    session_by_code,
    sessions_run_by,
    was_removed,
)
from sessions.forms import (
    CoFacilitatorForm,
    JoinCodeForm,
    JoinForm,
    OpenLevelForm,
    PairUpForm,
    PassesForm,
    ReactionForm,
    RedrawForm,
    RenameForm,
    StartSessionForm,
    TimerForm,
    TurnForm,
)
from sessions.models import (
    Answer,
    JoiningLocked,
    LiveSession,
    NothingLeftToDeal,
    NotReactable,
    ParticipantRemoved,
    Reaction,
    Refused,
    SessionEnded,
    Team,
    normalize_join_code,
)

# Facilitator


@login_required
@require_http_methods(["GET", "POST"])
def session_start(request, slug):
    deck = visible_deck(request, slug)
    form = StartSessionForm(request.POST or None, deck=deck, owner=request.user)
    if not deck.cards.exists():
        messages.error(request, _("Add a card to the deck before starting a session."))
        return redirect(deck)
    if request.method == "POST" and form.is_valid():
        options = dict(form.cleaned_data)
        team_name = options.pop("team_name")
        try:
            with transaction.atomic():
                options["team"] = Team.objects.named(request.user, team_name) if team_name else None
                session = LiveSession.start(
                    deck,
                    request.user,
                    join_base_url=public_base_url(
                        request, settings.PUBLIC_URL, settings.SERVE_HOST
                    ),
                    **options,
                )
        except NothingLeftToDeal:  # the team saw the last cards a moment ago, in another session
            form.add_error(None, form.all_seen_message(team_name))
        else:
            return redirect(session)
    teams = [(team, team.seen_count(deck)) for team in request.user.teams.all()]
    return render(
        request, "sessions/session_start.html", {"deck": deck, "form": form, "teams": teams}
    )


@login_required
def session_list(request):
    sessions = list(sessions_run_by(request.user).select_related("deck", "team", "facilitator"))
    for session in sessions:
        session.is_co_facilitated_by_me = not is_facilitator_of(session, request.user)
    return render(
        request,
        "sessions/session_list.html",
        {
            "open_sessions": [s for s in sessions if s.is_open],
            "past_sessions": [s for s in sessions if not s.is_open],
        },
    )


@login_required
def console(request, pk):
    socket_query = freshness.socket_query("host", pk=pk)  # before any read: sessions/freshness.py
    session = hosted_session(request, pk)
    if not session.is_open:
        return redirect("live_sessions:summary", pk=session.pk)
    context = console_context(request, session, socket_query=socket_query)
    return render(request, "sessions/console.html", context)


def console_context(request, session, **extra):
    """The whole console page: what every console shows, and the co-facilitators' panel."""
    return {**screens.host_context(session), **co_facilitators_context(request, session), **extra}


def co_facilitators_context(request, session):
    """The co-facilitators' panel as this facilitator sees it (only the session's own
    facilitator may change it)."""
    return {
        "is_facilitator": is_facilitator_of(session, request.user),
        "co_facilitators": list(session.co_facilitators.order_by("email")),
        "co_facilitator_form": CoFacilitatorForm(session=session),
    }


COMMANDS = {
    "next": ("reveal_next", broadcast.card_revealed),
    "previous": ("go_back", broadcast.card_revealed),
    "skip": ("skip_next", broadcast.card_revealed),
    "reshuffle": ("reshuffle", broadcast.cards_reshuffled),
    "open-answers": ("open_answers", broadcast.answers_changed),
    "wall-cloud": ("show_word_cloud", broadcast.answers_changed),
    "wall-answers": ("show_answer_wall", broadcast.answers_changed),
    "turn-next": ("pass_turn", broadcast.turn_passed),
    "turn-skip": ("skip_turn", broadcast.turn_passed),
    "turn-random": ("random_turn", broadcast.turn_passed),
    "lock-joining": ("lock_joining", broadcast.joining_changed),
    "unlock-joining": ("unlock_joining", broadcast.joining_changed),
    "lock-answers": ("lock_answers", broadcast.answers_lock_changed),
    "unlock-answers": ("unlock_answers", broadcast.answers_lock_changed),
    "end": ("end", broadcast.session_ended),
    "open-next-level": ("open_next_level", broadcast.level_opened),
    # Pairs mode: the next round of pairs, each with a card.
    "pair-up": ("pair_up", broadcast.pairs_formed),
    "reactions-on": ("switch_reactions_on", broadcast.reactions_switched),
    "reactions-off": ("switch_reactions_off", broadcast.reactions_switched),
    "highlights-on": ("show_highlights_on", broadcast.highlights_switched),
    "highlights-off": ("show_highlights_off", broadcast.highlights_switched),
}
# The commands that say more than their name: the form that reads what they say (the level to
# open, the round the console saw: two taps at once, or two tabs, act once).
COMMAND_FORMS = {
    "open-next-level": OpenLevelForm,
    "pair-up": PairUpForm,
}


# Commands that move the turn on from the person the console showed on turn (TurnForm).
NOT_IN_THIS_MODE = gettext_lazy("This session's mode has no use for that command.")
TURN_COMMANDS = {"turn-next", "turn-skip", "turn-random"}


@require_POST
def session_command(request, pk, command):
    session = hosted_session(request, pk)
    if session.is_open and not session.offers(command):  # an ended one goes to its summary
        return HttpResponse(NOT_IN_THIS_MODE, status=409)
    method, event = COMMANDS[command]
    arguments = {}
    if command in COMMAND_FORMS:
        form = COMMAND_FORMS[command](request.POST)
        if not form.is_valid():
            refused = _("This command was sent with something it cannot use.")
            return HttpResponse(refused, status=400)
        arguments = form.arguments
    turn = TurnForm(request.POST)
    try:
        with transaction.atomic():
            # Moved on meanwhile (that person passed, another tab): the turn stays where it is.
            moved_on = (
                command in TURN_COMMANDS
                and turn.is_valid()
                and "turn" in request.POST
                and session.turn_moved_on_from(turn.cleaned_data["turn"])
            )
            if not moved_on:
                getattr(session, method)(**arguments)
                event(session)
    except SessionEnded:  # perhaps by another tab a moment ago
        messages.error(request, _("This session has ended."))
        return to_summary(request, session)
    if command == "end":
        return to_summary(request, session)
    if request.htmx:
        session.refresh_from_db()
        return render(request, "sessions/console.html#host-state", screens.host_context(session))
    return redirect(session)


@require_http_methods(["GET", "POST"])
@varies_on_htmx
def timer_change(request, pk):
    """Set, start, pause, add time to or reset the timer (TimerForm says which). A GET gets the
    console's timer as the server sees it: the console asks when its countdown reaches zero."""
    session = hosted_session(request, pk)
    form = TimerForm(request.POST) if request.method == "POST" else None
    if form is not None and form.is_valid():
        method, arguments = form.change
        try:
            with transaction.atomic():
                getattr(session, method)(*arguments)
                broadcast.timer_changed(session)
        except SessionEnded:
            messages.error(request, _("This session has ended."))
            return to_summary(request, session)
        form = None
    if request.htmx:
        session = LiveSession.objects.live().get(pk=session.pk)
        context = {**screens.host_context(session), "timer_form": form}
        return render(request, "sessions/console.html#host-timer", context)
    for errors in form.errors.values() if form else []:
        for error in errors:
            messages.error(request, error)
    return redirect(session)


def to_summary(request, session):
    """Where the console goes once its session has ended (from htmx: the whole page)."""
    summary = reverse("live_sessions:summary", args=[session.pk])
    if request.htmx:
        return HttpResponseClientRedirect(summary)
    return redirect(summary)


MODERATION = {
    "hide": {"is_hidden": True},
    "unhide": {"is_hidden": False},
    "spotlight": {"is_spotlighted": True},
    "unspotlight": {"is_spotlighted": False},
}


@require_POST
def answer_moderate(request, pk, answer_id, action):
    session = hosted_session(request, pk)
    answer = get_object_or_404(Answer, pk=answer_id, session_card__session=session)
    with transaction.atomic():
        if action == "spotlight":
            Answer.objects.filter(session_card=answer.session_card).update(is_spotlighted=False)
        Answer.objects.filter(pk=answer.pk).update(**MODERATION[action])
        broadcast.answers_changed(session)
    if request.htmx:
        return render(request, "sessions/console.html#host-state", screens.host_context(session))
    return redirect(session)


# People: one person's controls open in a panel of the console (without JavaScript, the
# console page with that panel), so the list of a thousand names carries no forms.


def person_panel(request, session, person, form=None, done="", status=200):
    form = form or RenameForm(initial={"display_name": person.display_name}, session=session)
    context = console_context(request, session, person=person, rename_form=form, person_done=done)
    template = (
        "sessions/console.html#host-person" if wants_fragment(request) else "sessions/console.html"
    )
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])  # cxworkshop/fragments.py says why
    return response


def hosted_person(request, pk, participant_id):
    session = hosted_session(request, pk)
    if not session.is_open:
        raise PermissionDenied(_("This session has ended."))
    return session, get_object_or_404(session.people(), pk=participant_id)


@login_required
def participant_detail(request, pk, participant_id):
    session, person = hosted_person(request, pk, participant_id)
    return person_panel(request, session, person)


@require_POST
def participant_rename(request, pk, participant_id):
    session, person = hosted_person(request, pk, participant_id)
    form = RenameForm(request.POST, session=session)
    if not form.is_valid():
        # htmx swaps only a success into the page (base.html's responseHandling).
        return person_panel(
            request, session, person, form=form, status=200 if request.htmx else 400
        )
    try:
        with transaction.atomic():
            name = session.rename(person, form.cleaned_data["display_name"])
            broadcast.participant_renamed(session, person)
    except SessionEnded:
        return to_summary(request, session)
    done = _("Renamed to %(name)s.") % {"name": name}
    if not request.htmx:
        messages.success(request, done)
        return redirect(session)
    return person_panel(request, session, person, done=done)


@require_POST
def participant_remove(request, pk, participant_id):
    session, person = hosted_person(request, pk, participant_id)
    try:
        with transaction.atomic():
            if session.remove(person):
                broadcast.participant_removed(session, person)
    except SessionEnded:
        return to_summary(request, session)
    done = _("%(name)s was removed from the session.") % {"name": person.display_name}
    if not request.htmx:
        messages.success(request, done)
        return redirect(session)
    session.refresh_from_db()
    context = {**screens.host_context(session), "person_done": done}
    return render(request, "sessions/console.html#host-state", context)


# Co-facilitators: the session's facilitator adds other facilitators' accounts, who then run
# the session with them, and removes them (their open console and room screen close at once).


def co_facilitators_panel(request, session, form=None, done="", status=200):
    context = console_context(request, session, co_facilitator_done=done)
    if form is not None:
        context["co_facilitator_form"] = form
    template = (
        "sessions/console.html#host-co-facilitators" if request.htmx else "sessions/console.html"
    )
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])  # cxworkshop/fragments.py says why
    return response


@require_POST
def co_facilitator_add(request, pk):
    session = facilitated_session(request, pk)
    form = CoFacilitatorForm(request.POST, session=session)
    try:
        if form.is_valid() and not session.add_co_facilitator(form.user):
            form.add_error("email", form.already_added(form.user))  # by another tab, just now
    except SessionEnded:
        return to_summary(request, session)
    if not form.is_valid():
        # htmx swaps only a success into the page (base.html's responseHandling).
        return co_facilitators_panel(request, session, form, status=200 if request.htmx else 400)
    done = _("%(name)s can now run this session with you.") % {"name": form.user}
    if not request.htmx:
        messages.success(request, done)
        return redirect(session)
    return co_facilitators_panel(request, session, done=done)


@require_POST
def co_facilitator_remove(request, pk, user_id):
    session = facilitated_session(request, pk)
    # Only a co-facilitator of this session is named: any other account's id (a second tap,
    # or a guess) says nothing about that account.
    user = session.co_facilitators.filter(pk=user_id).first()
    removed = False
    with transaction.atomic():
        if user is not None and session.remove_co_facilitator(user):
            broadcast.co_facilitator_removed(session, user)
            removed = True
    if removed:
        done = _("%(name)s no longer runs this session.") % {"name": user}
    else:
        done = _("They no longer run this session.")
    if not request.htmx:
        messages.success(request, done)
        return redirect(session if session.is_open else reverse("live_sessions:summary", args=[pk]))
    return co_facilitators_panel(request, session, done=done)


@require_POST
def participant_turn(request, pk, participant_id):
    """The facilitator calls on one person: to share their card next, or to pick a block."""
    session, person = hosted_person(request, pk, participant_id)
    if not session.offers("give-turn"):
        return HttpResponse(NOT_IN_THIS_MODE, status=409)
    try:
        with transaction.atomic():
            if session.give_turn_to(person):
                broadcast.turn_passed(session)
    except SessionEnded:
        return to_summary(request, session)
    done = _("It is %(name)s's turn.") % {"name": person.display_name}
    if not request.htmx:
        messages.success(request, done)
        return redirect(session)
    session.refresh_from_db()
    return person_panel(request, session, person, done=done)


@require_POST
def passes_change(request, pk):
    """How many passes each person has; the phone of the person on turn shows its Pass."""
    session = hosted_session(request, pk)
    form = PassesForm(request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                session.set_passes(form.cleaned_data["passes_per_person"])
                broadcast.passes_changed(session)
        except SessionEnded:
            return to_summary(request, session)
    elif not request.htmx:
        for error in form.errors.get("passes_per_person", []):
            messages.error(request, error)
    if not request.htmx:
        return redirect(session)
    session.refresh_from_db()
    context = {**screens.host_context(session), "passes_form": form}
    return render(request, "sessions/console.html#host-people", context)


def room(request, pk):
    if "key" in request.GET:
        # The private link: its key moves into a cookie, out of the address bar and of every
        # later request's URL (server logs record URLs).
        return grant_room(redirect("live_sessions:room", pk=pk), pk, request.GET["key"])
    socket_query = freshness.socket_query("room", pk=pk)  # before any read: sessions/freshness.py
    session = room_screen_session(request, pk)
    if session is None:
        if not request.user.is_authenticated:
            return redirect_to_login(request.path)
        raise Http404
    languages.activate(request, languages.of_room(session))
    context = {**screens.room_context(session), "socket_query": socket_query}
    return render(request, "sessions/room.html", context)


@login_required
def summary(request, pk):
    session = hosted_session(request, pk)
    context = {**screens.summary_context(session), **co_facilitators_context(request, session)}
    return render(request, "sessions/summary.html", context)


@login_required
def summary_export(request, pk, file_format):
    session = hosted_session(request, pk)
    if file_format == "csv":
        content, content_type = export.as_csv(session), "text/csv"
    else:
        content, content_type = export.as_markdown(session), "text/markdown"
    return attachment(content, content_type, export.file_name(session, file_format))


# Participant


def join_code(request):
    form = JoinCodeForm(request.GET or None)
    if form.is_valid():
        return redirect("live_sessions:join", code=form.cleaned_data["code"])
    return render(request, "sessions/join_code.html", {"form": form})


@require_http_methods(["GET", "POST"])
def join(request, code):
    typed = normalize_join_code(code)
    if typed and typed != code:
        return redirect("live_sessions:join", code=typed)
    socket_query = freshness.socket_query("phones", code=code)  # before any read (freshness.py)
    session = session_by_code(code)
    participant = participant_for(request.session, session)
    if participant:
        languages.activate(request, languages.of_phone(participant))
        return phone_page(request, session, participant, socket_query=socket_query)
    if session is None and (refusal := refuse(request, JOIN_MISS, JOIN_MISS_ALL, code=code)):
        return refusal
    if session is None or not session.is_open:
        return no_open_session(request, code, session)
    if was_removed(request.session, session):
        return join_refused(request, session, REMOVED)
    if session.joining_locked:
        return join_refused(request, session, JOINING_LOCKED)
    form = JoinForm(request.POST or None, session=session)
    if request.method == "POST":
        if form.is_valid():
            return join_as(request, code, session, form.cleaned_data["display_name"])
        if refusal := refuse(request, JOIN_INVALID, session=session):
            return refusal
    return render(request, "sessions/join.html", {"session": session, "form": form})


def join_as(request, code, session, display_name):
    """Join `session` under a name already checked by its form. The join limits are checked
    first and counted only once someone is added, so that a flood of posts adding nobody (a
    second tap, a join the session's end refused) uses up nothing a real phone needs. Joins
    under way at once (at most CXW_HTTP_CONCURRENCY a server process) all pass the check before
    any is counted, so a limit can be passed by that many."""
    for limit in (JOIN_ADDRESS, JOIN_SESSION):
        if limit.is_over(request, session=session):
            return too_many(request, limit.message)
    try:
        with transaction.atomic():
            participant, created = session.join(
                display_name, request.META.get("CSRF_COOKIE", ""), request.LANGUAGE_CODE
            )
            if created:
                broadcast.participant_joined(session)
    except SessionEnded:  # as this phone was joining
        return no_open_session(request, code, session)
    except JoiningLocked:  # perhaps a moment ago
        return join_refused(request, session, JOINING_LOCKED)
    except ParticipantRemoved:  # this browser, under another cookie
        return join_refused(request, session, REMOVED)
    if created:
        JOIN_ADDRESS.count(request, session=session)
        JOIN_SESSION.count(request, session=session)
        tell_if_name_taken(request, session, display_name, participant.display_name)
    remember(request.session, participant)
    return redirect("live_sessions:join", code=code)


JOINING_LOCKED = gettext_lazy("Joining is closed for this session. Ask the facilitator to open it.")


def join_refused(request, session, message):
    """The join page without its form: joining is locked, or this browser was removed."""
    context = {"session": session, "refused": message}
    return render(request, "sessions/join.html", context, status=403)


NAME_TAKEN = "live_name_taken"  # in the Django session: {live session pk: what to tell}


def name_taken(wanted, given):
    """What the phone says when the name someone asked for was taken; None if it was not."""
    if not wanted or given == wanted:
        return None
    return _("Someone here is already called %(wanted)s, so you are %(given)s.") % {
        "wanted": wanted,
        "given": given,
    }


def tell_if_name_taken(request, session, wanted, given):
    """Said once, beside "Change my name", on the phone page the join redirects to."""
    if message := name_taken(wanted, given):
        told = dict(request.session.get(NAME_TAKEN, {}))
        told[str(session.pk)] = message
        request.session[NAME_TAKEN] = told


def told_name_taken(request, session):
    """What `tell_if_name_taken` left for this session's phone page, once."""
    told = dict(request.session.get(NAME_TAKEN, {}))
    message = told.pop(str(session.pk), None)
    if message:
        request.session[NAME_TAKEN] = told
    return message


def no_open_session(request, code, session):
    """The join page for a code whose session has ended (`session`), or that has none."""
    form = JoinCodeForm(initial={"code": code})
    message = (
        _("That session has ended. Thank you for coming!")
        if session
        else _("No open session has the code %(code)s. Check the room screen and try again.")
        % {"code": code}
    )
    return render(
        request, "sessions/join_code.html", {"form": form, "message": message}, status=404
    )


def phone_page(request, session, participant, form=None, rename_form=None, socket_query=""):
    context = screens.phone_context(session, participant)
    context["socket_query"] = socket_query
    context["form"] = form or screens.answer_form(session, participant)
    context["rename_form"] = rename_form or RenameForm(session=session)
    context["renamed"] = told_name_taken(request, session)
    context["name_open"] = rename_form is not None or bool(context["renamed"])
    context["language_form"] = languages.LanguageForm(initial={"language": participant.language})
    if not session.is_open:
        context.update(thanks_context(request, session, participant))
    return render(request, "sessions/phone.html", context, status=400 if rename_form else 200)


def closed_card(request, session, participant):
    """The 409 answer to an answer sent for a card that has closed or is locked: nothing was
    saved, and the words stay on the phone, in the next card's empty form as a draft, or else
    in a box of their own."""
    card = session.card_for(participant)
    card = session.cards.filter(pk=card.pk).first() if card is not None else None
    locked = card is not None and session.answers_locked_on(card)
    unsent = request.POST.get("text", "")
    form = screens.answer_form(session, participant)
    carried = bool(unsent.strip()) and form is not None and form.instance.pk is None
    if carried:
        form = screens.answer_form(session, participant, initial={"text": unsent})
    context = {
        **screens.answer_context(session, participant),
        "form": form,
        "closed": not locked,
        "problem": _("Answers are locked for this card.") if locked else "",
        "said": "",
        "carried": carried,
        "unsent": "" if carried else unsent,
    }
    return render(request, "sessions/phone.html#phone-answer", context, status=409)


@require_http_methods(["GET", "POST"])
def phone_answer(request, code):
    session, participant = participant_or_403(request, code)
    form = screens.answer_form(session, participant, request.POST or None)
    context = {**screens.answer_context(session, participant), "form": form, "saved": False}
    if request.method == "POST":
        context["said"] = ""  # the phone's status line: "Saved", or nothing any more
        if form is None or form.is_for_another_card():
            return closed_card(request, session, participant)
        fragment = ("sessions/phone.html#phone-answer", context)
        if refusal := refuse(request, ANSWER, fragment=fragment, participant=participant):
            return refusal
        if form.is_valid():
            with transaction.atomic():
                # Locked or moved on since the form was read: checked again, holding the card.
                still_open = form.card.still_open_for_answers(participant)
                if still_open:
                    form.save()
                    broadcast.answer_saved(session)
            if not still_open:
                session.refresh_from_db()
                return closed_card(request, session, participant)
            context["form"] = screens.answer_form(session, participant)
            context["saved"] = True
        if not request.htmx:
            if context["saved"]:
                messages.success(request, _("Your answer is saved."))
                return redirect("live_sessions:join", code=code)
            return phone_page(request, session, participant, form=form)
    return render(request, "sessions/phone.html#phone-answer", context)


@require_POST
def phone_pick(request, code, card_id):
    session, participant = participant_or_403(request, code)
    card = get_object_or_404(session.cards, pk=card_id)
    try:
        with transaction.atomic():
            picked = session.pick(participant, card)
            if picked:
                broadcast.card_revealed(session)
    except SessionEnded:
        raise PermissionDenied(_("This session has ended.")) from None
    # A second tap on the block this phone just turned over asks for what is done.
    if picked is None and not session.picked_this_turn(participant, card):
        raise PermissionDenied(_("Wait for your turn to pick a block."))
    if request.htmx:
        return HttpResponse(status=204)
    return redirect("live_sessions:join", code=code)


@require_POST
def phone_rename(request, code):
    """The participant changes their own name (a taken name gets a number, as at joining)."""
    session, participant = participant_or_403(request, code)
    form = RenameForm(request.POST, session=session)
    context = {"session": session, "participant": participant, "rename_form": form}
    fragment = ("sessions/phone.html#phone-name", context)
    if refusal := refuse(request, RENAME, fragment=fragment, participant=participant):
        return refusal
    if not form.is_valid():
        if request.htmx:  # htmx swaps 2xx only (base.html): the messages go in the form
            return render(request, fragment[0], context)
        return phone_page(request, session, participant, rename_form=form)
    wanted = form.cleaned_data["display_name"]
    try:
        with transaction.atomic():
            given = session.rename(participant, wanted)
            broadcast.participant_renamed(session, participant)
    except SessionEnded:
        raise PermissionDenied(_("This session has ended.")) from None
    renamed = name_taken(wanted, given) or _("You are now %(name)s.") % {"name": given}
    if not request.htmx:
        messages.success(request, renamed)
        return redirect("live_sessions:join", code=code)
    context.update(rename_form=RenameForm(session=session), renamed=renamed)
    return render(request, fragment[0], context)


def thanks_context(request, session, participant):
    """The end of the session on a phone: the private link to the stories this participant
    shared, if they shared any."""
    mine = reverse("stories:mine", args=[participant.token])
    return {
        "session": session,
        "participant": participant,
        "has_shared": participant.has_shared_stories(),
        "mine_url": request.build_absolute_uri(mine),
    }


def phone_thanks(request, code):
    session, participant = participant_or_403(request, code)
    return render(
        request, "sessions/phone.html#phone-thanks", thanks_context(request, session, participant)
    )


# Draw mode and passes: each refusal is said to the phone in words (409 to htmx, which swaps it
# into the phone; a plain form post goes back to the phone page with it as a message).


def refused(request, code, message, template, context):
    if request.htmx:
        return render(request, template, {**context, "problem": message}, status=409)
    messages.error(request, message)
    return redirect("live_sessions:join", code=code)


def drawn_card_parts(request, session, participant, problem=""):
    """The phone's own card, its draw buttons and its answer form, after a draw or redraw: the
    form and the card go in out of band (the same fragments a reconnect sends)."""
    session.refresh_from_db()
    context = screens.phone_context(session, participant)
    context.update(form=screens.answer_form(session, participant), oob=True, problem=problem)
    html = "".join(
        render(request, f"sessions/phone.html#{part}", context).content.decode()
        for part in ["phone-draw", "phone-card", "phone-answer"]
    )
    return HttpResponse(html, status=409 if problem else 200)


def draw_or_redraw(request, code, change):
    session, participant = participant_or_403(request, code)
    try:
        with transaction.atomic():
            drawn = change(session, participant)
            if drawn.is_up:
                broadcast.shared_card_changed(session)
            elif drawn.is_new:
                broadcast.card_drawn(session)
    except SessionEnded:
        raise PermissionDenied(_("This session has ended.")) from None
    except Refused as refusal:
        if request.htmx:
            return drawn_card_parts(request, session, participant, problem=str(refusal))
        messages.error(request, str(refusal))
    if request.htmx:
        return drawn_card_parts(request, session, participant)
    return redirect("live_sessions:join", code=code)


@require_GET
def phone_own_draw(request, code):
    """Draw mode: this phone's own card, draw buttons and answer form, as after a draw: fetched
    again when the turn pushed to every phone says the round or the card up changed (a phone's
    own parts are never pushed)."""
    session, participant = participant_or_403(request, code)
    return drawn_card_parts(request, session, participant)


@require_POST
def phone_draw(request, code):
    """Draw mode: the participant draws their own card."""
    return draw_or_redraw(request, code, lambda session, participant: session.draw(participant))


@require_POST
def phone_redraw(request, code):
    """Draw mode: the participant puts their card back and draws another."""
    form = RedrawForm(request.POST)
    card = form.cleaned_data["card"] if form.is_valid() else None
    return draw_or_redraw(
        request, code, lambda session, participant: session.redraw(participant, card)
    )


@require_POST
def phone_language(request, code):
    """The phone's switch: its person's language from now on, on this phone's pages and in what
    is pushed to it (kept on the participant), and on the pages that follow the browser."""
    session, participant = participant_or_403(request, code)
    form = languages.LanguageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the languages in the list."))
        return redirect("live_sessions:join", code=code)
    participant.language = form.cleaned_data["language"]
    participant.save(update_fields=["language"])
    return languages.remember_in_browser(
        redirect("live_sessions:join", code=code), participant.language
    )


@require_POST
def phone_pass(request, code):
    """The person on turn passes; a second tap is told the same, and passes no further."""
    session, participant = participant_or_403(request, code)
    try:
        with transaction.atomic():
            if session.pass_on_turn(participant):
                broadcast.turn_passed(session)
    except SessionEnded:
        raise PermissionDenied(_("This session has ended.")) from None
    except Refused as refusal:
        return refused(
            request, code, str(refusal), "sessions/phone.html#phone-passed", {"session": session}
        )
    said = _("You passed. No problem: the turn has moved on.")
    if not request.htmx:
        messages.success(request, said)
        return redirect("live_sessions:join", code=code)
    return render(request, "sessions/phone.html#phone-passed", {"said": said})


@require_POST
def phone_react(request, code, answer_id):
    """Give a reaction to an answer on the wall, or take it back (ReactionForm). Only this
    browser's own participant, only on an answer of its session (404 otherwise), only while
    the answer is open to reactions (403 otherwise: hidden, private, reactions off; htmx gets
    the answer's buttons saying so, with 409, as for an answer sent to a closed card)."""
    session, participant = participant_or_403(request, code)
    answer = get_object_or_404(Answer, pk=answer_id, session_card__session=session)
    form = ReactionForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Choose a reaction."), status=400)
    if REACTION.count(request, participant=participant):
        if request.htmx:
            return reactions_row(request, session, participant, answer, 429)
        return too_many(request, REACTION.message)
    kind, given = form.cleaned_data["kind"], form.cleaned_data["given"]
    try:
        with transaction.atomic():
            if Reaction.react(participant, answer, kind, given):
                broadcast.reactions_changed(session)
    except NotReactable:
        if request.htmx:
            return reactions_row(request, session, participant, answer, 409)
        raise PermissionDenied(NOT_REACTABLE) from None
    if not request.htmx:
        return redirect(reverse("live_sessions:join", args=[code]) + "#phone-wall")
    return reactions_row(request, session, participant, answer)


NOT_REACTABLE = gettext_lazy("This answer is not on the wall any more.")


def reactions_row(request, session, participant, answer, status=200):
    """One answer's reaction buttons on this phone: its counts, and which are this
    participant's own; a refusal (409, 429) says why instead."""
    shown = session.answers_open_to_reactions().with_reactions().filter(pk=answer.pk).first()
    context = {
        "session": session,
        "participant": participant,
        "answer": shown or answer,  # of an answer no longer shown, its number alone
        "refused": shown is None,
        "problem": {409: NOT_REACTABLE, 429: REACTION.message}.get(status, ""),
        "wall_personal": True,
        "wall_mine": screens.mark_mine([shown] if shown else [], participant),
        "tapped": True,
    }
    return render(request, "sessions/phone.html#phone-reactions", context, status=status)
