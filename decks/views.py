"""Deck builder, library and curation views: check permission, run a form, render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from cxworkshop.downloads import attachment
from cxworkshop.fragments import varies_on_htmx, wants_fragment
from cxworkshop.network import public_base_url
from decks import printing, transfer
from decks.forms import (
    CardForm,
    CardsAddForm,
    DeckForm,
    DeckImportForm,
    LibrarySearchForm,
    PrintForm,
    RejectForm,
)
from decks.models import Deck, levels_in_order


def visible_deck(request, slug):
    """A deck the user may open: 404 for someone else's private deck."""
    return get_object_or_404(Deck.objects.visible_to(request.user), slug=slug)


def editable_deck(request, slug):
    """A deck the user may change: 404 if they cannot see it, 403 if they can only read it."""
    deck = visible_deck(request, slug)
    if not deck.can_edit(request.user):
        raise PermissionDenied(_("Only the owner of this deck can change it."))
    return deck


def cards_context(deck, **extra):
    cards = list(deck.cards.prefetch_related("tags"))
    numbers = {name: n for n, name in enumerate(levels_in_order(c.level for c in cards), start=1)}
    for card in cards:  # the page heads each level's cards with its number and name
        card.level_number = numbers.get(card.level, 0)
    return {
        "deck": deck,
        "cards": cards,
        "has_levels": bool(numbers),
        "card_form": CardForm(deck=deck),
        **extra,
    }


def cards_response(request, deck, **extra):
    """The card list for htmx, with the actions that depend on having cards ("Start a
    session", the library box); a redirect back to the deck for a plain form post."""
    if wants_fragment(request):
        context = cards_context(deck, can_edit=True, **extra)
        return render(request, "decks/deck_detail.html#cards-and-actions", context)
    if extra.get("announcement"):
        messages.success(request, extra["announcement"])
    return redirect(f"{deck.get_absolute_url()}#cards")


# Lists


@login_required
def deck_list(request):
    decks = (
        Deck.objects.owned_by(request.user).with_card_count().prefetch_related("tags")
    ).order_by("-updated_at")
    return render(request, "decks/deck_list.html", {"decks": decks})


@login_required
def library(request):
    form = LibrarySearchForm(request.GET or None)
    decks = Deck.objects.in_library().with_card_count().prefetch_related("tags")
    decks = decks.select_related("owner").featured_first(language=request.LANGUAGE_CODE)
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        if query:
            decks = decks.filter(
                Q(title__icontains=query)
                | Q(description__icontains=query)
                | Q(tags__name__iexact=query)
            ).distinct()
        if form.cleaned_data["language"]:
            decks = decks.filter(language=form.cleaned_data["language"])
    page = Paginator(decks, 24).get_page(request.GET.get("page"))
    return render(request, "decks/library.html", {"form": form, "page": page})


# One deck


@login_required
@require_http_methods(["GET", "POST"])
def deck_create(request):
    form = DeckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        deck = form.save(commit=False)
        deck.owner = request.user
        deck.save()
        form.save_m2m()
        # What to do next is the empty card list's to say: it goes with the first card.
        messages.success(request, _("Deck created."))
        return redirect(deck)
    return render(request, "decks/deck_form.html", {"form": form})


@login_required
def deck_detail(request, slug):
    deck = visible_deck(request, slug)
    context = cards_context(deck, can_edit=deck.can_edit(request.user))
    context["add_form"] = CardsAddForm(deck=deck)
    return render(request, "decks/deck_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def deck_edit(request, slug):
    deck = editable_deck(request, slug)
    form = DeckForm(request.POST or None, instance=deck)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Deck saved."))
        return redirect(deck)
    return render(request, "decks/deck_form.html", {"form": form, "deck": deck})


@login_required
@require_http_methods(["GET", "POST"])
def deck_delete(request, slug):
    deck = editable_deck(request, slug)
    if request.method == "POST":
        title = deck.title
        deck.delete()
        messages.success(request, _("“%(title)s” was deleted.") % {"title": title})
        return redirect("decks:deck-list")
    return render(request, "decks/deck_confirm_delete.html", {"deck": deck})


@login_required
@require_POST
def deck_duplicate(request, slug):
    deck = editable_deck(request, slug)
    copy = deck.copy_for(request.user, title=_("%(title)s (copy)") % {"title": deck.title})
    messages.success(request, _("This is your copy. Change it as you like."))
    return redirect(copy)


@login_required
@require_POST
def deck_copy(request, slug):
    deck = visible_deck(request, slug)
    if not deck.in_library:
        raise PermissionDenied(_("Only library decks can be copied."))
    copy = deck.copy_for(request.user)
    messages.success(request, _("The deck is copied into My decks. Change it as you like."))
    return redirect(copy)


@login_required
@varies_on_htmx
def deck_preview(request, slug):
    deck = visible_deck(request, slug)
    cards = list(deck.cards.all())
    try:
        number = int(request.GET.get("card", 1))
    except ValueError:
        number = 1
    number = min(max(number, 1), max(len(cards), 1))
    context = {
        "deck": deck,
        "card": cards[number - 1] if cards else None,
        "number": number,
        "total": len(cards),
        "previous_number": number - 1 if number > 1 else None,
        "next_number": number + 1 if number < len(cards) else None,
    }
    template = "decks/deck_preview.html"
    if wants_fragment(request) and not request.htmx.boosted:
        template += "#stage"
    return render(request, template, context)


# Cards


@login_required
@require_POST
@varies_on_htmx
def card_add(request, slug):
    deck = editable_deck(request, slug)
    form = CardForm(request.POST, deck=deck)
    if form.is_valid():
        card = deck.add_card(**form.cleaned_data)
        next_form = CardForm(deck=deck)
        next_form.fields["prompt"].widget.attrs["data-autofocus"] = ""
        return cards_response(
            request,
            deck,
            card_form=next_form,
            announcement=_("Card %(number)s added.") % {"number": card.position},
        )
    context = cards_context(deck, card_form=form, can_edit=True)
    if wants_fragment(request):
        return render(request, "decks/deck_detail.html#cards", context)
    context["add_form"] = CardsAddForm(deck=deck)
    return render(request, "decks/deck_detail.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
@varies_on_htmx
def card_edit(request, slug, card_id):
    deck = editable_deck(request, slug)
    card = get_object_or_404(deck.cards, pk=card_id)
    form = CardForm(request.POST or None, instance=card, deck=deck)
    if request.method == "POST" and form.is_valid():
        form.save()
        if wants_fragment(request):
            context = {"deck": deck, "card": card, "can_edit": True, "refocus": True}
            return render(request, "decks/deck_detail.html#card", context)
        messages.success(request, _("Card saved."))
        return redirect(f"{deck.get_absolute_url()}#card-{card.pk}")
    template = "decks/card_edit.html"
    if wants_fragment(request):
        template += "#card-form"
    return render(request, template, {"deck": deck, "card": card, "form": form})


@login_required
@varies_on_htmx
def card_detail(request, slug, card_id):
    """One card as it sits in the list: what "Cancel" puts back after an inline edit."""
    deck = visible_deck(request, slug)
    card = get_object_or_404(deck.cards, pk=card_id)
    if not wants_fragment(request):
        return redirect(f"{deck.get_absolute_url()}#card-{card.pk}")
    return render(
        request,
        "decks/deck_detail.html#card",
        {"deck": deck, "card": card, "can_edit": deck.can_edit(request.user)},
    )


@login_required
@require_POST
@varies_on_htmx
def card_delete(request, slug, card_id):
    deck = editable_deck(request, slug)
    card = get_object_or_404(deck.cards, pk=card_id)
    card.remove()
    return cards_response(
        request, deck, announcement=_("Card deleted: “%(prompt)s”.") % {"prompt": card.prompt}
    )


@login_required
@require_POST
@varies_on_htmx
def card_move(request, slug, card_id, direction):
    deck = editable_deck(request, slug)
    card = get_object_or_404(deck.cards, pk=card_id)
    card.move(direction)
    announcement = _("“%(prompt)s” is now card %(number)s of %(total)s.") % {
        "prompt": card.prompt,
        "number": card.position,
        "total": deck.cards.count(),
    }
    return cards_response(request, deck, announcement=announcement)


@login_required
@require_POST
@varies_on_htmx
def cards_reorder(request, slug):
    """The order a facilitator dragged the cards into."""
    deck = editable_deck(request, slug)
    try:
        deck.reorder([int(pk) for pk in request.POST.getlist("card")])
    except (ValueError, ValidationError):
        return HttpResponseBadRequest(_("The cards could not be reordered; reload the page."))
    return cards_response(request, deck, announcement=_("New order saved."))


@login_required
@require_POST
def cards_add_many(request, slug):
    deck = editable_deck(request, slug)
    form = CardsAddForm(request.POST, request.FILES, deck=deck)
    if form.is_valid():
        transfer.append_cards(deck, form.cleaned_data["cards"])
        count = len(form.cleaned_data["cards"])
        messages.success(
            request,
            ngettext("%(count)s card added.", "%(count)s cards added.", count) % {"count": count},
        )
        return redirect(f"{deck.get_absolute_url()}#cards")
    context = {**cards_context(deck), "add_form": form, "can_edit": True}
    return render(request, "decks/deck_detail.html", context, status=400)


# Import and export


@login_required
def deck_export(request, slug, file_format):
    deck = visible_deck(request, slug)
    if file_format == "json":
        content, content_type = transfer.export_json(deck), "application/json"
    else:
        content, content_type = transfer.export_csv(deck), "text/csv"
    return attachment(content, content_type, f"{deck.slug}.{file_format}")


@login_required
@require_http_methods(["GET", "POST"])
def deck_import(request):
    form = DeckImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            deck = transfer.create_deck(request.user, form.cleaned_data["deck"])
            messages.success(
                request,
                ngettext(
                    "Imported “%(title)s” with %(count)s card.",
                    "Imported “%(title)s” with %(count)s cards.",
                    deck.cards.count(),
                )
                % {"title": deck.title, "count": deck.cards.count()},
            )
            return redirect(deck)
        return render(request, "decks/deck_import.html", {"form": form}, status=400)
    return render(request, "decks/deck_import.html", {"form": form})


# Printing


@login_required
def deck_print(request, slug):
    """The deck as cut-out cards on sheets of paper, fronts and backs, for the browser to print."""
    deck = visible_deck(request, slug)
    play_url = public_base_url(request, settings.PUBLIC_URL, settings.SERVE_HOST) + reverse(
        "live_sessions:session-start", args=[deck.slug]
    )
    cards = list(deck.cards.all())
    paper = PrintForm(request.GET).chosen_paper()
    context = {
        "deck": deck,
        "paper": paper,
        "paper_name": printing.PAPERS[paper],
        "papers": printing.PAPERS,
        "sheets": printing.deck_sheets(cards),
        "card_count": len(cards),
        "play_url": play_url,
        "qr": printing.qr_code(play_url),
        "deck_name_size": printing.deck_name_size(deck),
    }
    return render(request, "decks/deck_print.html", context)


# Curation


@login_required
@require_POST
def deck_submit(request, slug):
    deck = editable_deck(request, slug)
    try:
        deck.submit()
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Submitted. A curator will review it for the library."))
    return redirect(deck)


@login_required
@require_POST
def deck_withdraw(request, slug):
    deck = editable_deck(request, slug)
    deck.withdraw()
    messages.success(request, _("The deck is private again."))
    return redirect(deck)


def render_review_queue(request, failed=None, status=200):
    """The queue, each deck with its reject form; `failed` is a deck whose form had errors."""
    decks = list(Deck.objects.awaiting_review().with_card_count().select_related("owner"))
    for deck in decks:
        if failed and deck.pk == failed[0].pk:
            deck.reject_form = failed[1]
        else:
            deck.reject_form = RejectForm(auto_id=f"id_%s_{deck.pk}")
    return render(request, "decks/review_queue.html", {"decks": decks}, status=status)


@staff_member_required
def review_queue(request):
    return render_review_queue(request)


@staff_member_required
@require_POST
def deck_review(request, slug, decision):
    deck = get_object_or_404(Deck, slug=slug)
    if decision == "reject":
        form = RejectForm(request.POST, auto_id=f"id_%s_{deck.pk}")
        if not form.is_valid():
            return render_review_queue(request, failed=(deck, form), status=400)
        deck.reject(request.user, form.cleaned_data["reason"])
        messages.success(request, _("“%(title)s” was sent back to its owner.") % {"title": deck})
    elif decision == "unfeature":
        deck.approve(request.user, featured=False)
        messages.success(request, _("“%(title)s” is no longer featured.") % {"title": deck})
    else:
        deck.approve(request.user, featured=decision == "feature")
        messages.success(request, _("“%(title)s” is in the library.") % {"title": deck})
    next_url = request.POST.get("next")
    if next_url == "deck":
        return redirect(deck)
    return redirect(reverse("decks:review-queue"))
