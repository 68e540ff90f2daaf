"""Everything a facilitator or curator types about decks passes one of these forms."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from cxworkshop.tags import BoundedTagField
from decks import printing, transfer
from decks.models import Card, Deck


class DeckForm(forms.ModelForm):
    class Meta:
        model = Deck
        fields = ["title", "description", "language", "tags"]
        field_classes = {"tags": BoundedTagField}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "description": _("What the deck is for, and when it works best. Optional."),
        }


class LevelInput(forms.TextInput):
    """A level's name: the deck's levels offered as suggestions (a datalist), a new one typed."""

    def __init__(self, attrs=None, levels=()):
        super().__init__(attrs)
        self.levels = list(levels)

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        if not self.levels or "id" not in attrs:
            return super().render(name, value, attrs, renderer)
        attrs["list"] = f"{attrs['id']}-choices"
        return format_html(
            '{}<datalist id="{}">{}</datalist>',
            super().render(name, value, attrs, renderer),
            attrs["list"],
            format_html_join(
                "", '<option value="{}"></option>', ((level,) for level in self.levels)
            ),
        )


class CardForm(forms.ModelForm):
    class Meta:
        model = Card
        fields = [*Card.CONTENT_FIELDS, "tags"]
        field_classes = {"tags": BoundedTagField}
        widgets = {
            "prompt": forms.Textarea(attrs={"rows": 2}),
            "kind": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "follow_up": _("Asked after the first answers, to go deeper. Optional."),
        }
        error_messages = {
            "prompt": {"required": _("Write the question the card asks.")},
        }

    def __init__(self, *args, deck=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.deck = deck
        self.fields["prompt"].widget.attrs["maxlength"] = Card._meta.get_field("prompt").max_length
        levels = deck.levels() if deck is not None and deck.pk else []
        self.fields["level"].widget = LevelInput(self.fields["level"].widget.attrs, levels=levels)

    def clean(self):
        cleaned = super().clean()
        adding = self.instance.pk is None
        if adding and self.deck is not None and self.deck.room_for_cards() < 1:
            raise forms.ValidationError(
                _("This deck is full: a deck holds at most %(limit)s cards."),
                params={"limit": settings.DECK_MAX_CARDS},
            )
        return cleaned


def read_upload(upload, allowed_suffixes, max_bytes=None):
    """The text of an uploaded file, or a ValidationError a person can act on."""
    max_bytes = settings.DECK_IMPORT_MAX_BYTES if max_bytes is None else max_bytes
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in allowed_suffixes:
        raise forms.ValidationError(
            _("“%(name)s” is not a %(kinds)s file."),
            params={"name": upload.name, "kinds": _(" or ").join(sorted(allowed_suffixes))},
        )
    if upload.size > max_bytes:
        raise forms.ValidationError(
            _("The file is %(size)s; the limit is %(limit)s."),
            params={
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(max_bytes),
            },
        )
    try:
        return upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise forms.ValidationError(
            _("The file is not UTF-8 text. Save it as UTF-8 (CSV UTF-8 in Excel) and try again.")
        ) from None


def problems_error(problems):
    return forms.ValidationError([forms.ValidationError(problem) for problem in problems])


class DeckImportForm(forms.Form):
    """A whole deck from a JSON export, or from a CSV file of cards."""

    file = forms.FileField(
        label=_("Deck file"),
        help_text=_("A .json file exported from CX Workshop, or a .csv file with a card a row."),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=Deck._meta.get_field("title").max_length,
        required=False,
        help_text=_("Needed for a CSV file; for a JSON file it replaces the title in the file."),
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if not upload:
            return cleaned
        try:
            text = read_upload(upload, {".json", ".csv"})
        except forms.ValidationError as error:
            self.add_error("file", error)
            return cleaned
        title = cleaned.get("title", "").strip()
        try:
            if upload.name.lower().endswith(".json"):
                deck = transfer.parse_json(text)
            else:
                deck = transfer.DeckData(title=title, cards=transfer.parse_csv(text))
                if not title:
                    self.add_error("title", _("Give the new deck a title."))
        except transfer.ImportProblems as error:
            self.add_error("file", problems_error(error.problems))
            return cleaned
        deck.title = title or deck.title
        cleaned["deck"] = deck
        return cleaned


class CardsAddForm(forms.Form):
    """Many cards at once: a pasted list, or a CSV file."""

    text = forms.CharField(
        label=_("Paste a list"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("One question a line. Empty lines are skipped."),
        max_length=settings.DECK_IMPORT_MAX_BYTES,
    )
    file = forms.FileField(
        label=_("…or upload a CSV file"),
        required=False,
        help_text=_("Columns: prompt, kind (question or memory), follow_up, level, notes, tags."),
    )

    def __init__(self, *args, deck, **kwargs):
        super().__init__(*args, **kwargs)
        self.deck = deck

    def clean(self):
        cleaned = super().clean()
        text, upload = cleaned.get("text", ""), cleaned.get("file")
        if self.errors:
            return cleaned
        if not text.strip() and not upload:
            raise forms.ValidationError(_("Paste some questions or choose a CSV file."))
        room = self.deck.room_for_cards()
        try:
            if upload:
                try:
                    content = read_upload(upload, {".csv"})
                except forms.ValidationError as error:
                    self.add_error("file", error)
                    return cleaned
                cleaned["cards"] = transfer.parse_csv(content, room=room)
            else:
                cleaned["cards"] = transfer.parse_lines(text, room=room)
        except transfer.ImportProblems as error:
            self.add_error("file" if upload else "text", problems_error(error.problems))
        return cleaned


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the owner"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=Deck._meta.get_field("review_note").max_length,
        error_messages={"required": _("Tell the owner why, so they can improve the deck.")},
    )


class LibrarySearchForm(forms.Form):
    q = forms.CharField(label=_("Search the library"), required=False, max_length=100)
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Any language")), *Deck._meta.get_field("language").choices],
    )


class PrintForm(forms.Form):
    """The paper a deck's cut-out cards are laid out for; anything else gets the default."""

    paper = forms.ChoiceField(choices=list(printing.PAPERS.items()), required=False)

    def chosen_paper(self):
        if self.is_valid() and self.cleaned_data["paper"]:
            return self.cleaned_data["paper"]
        return printing.DEFAULT_PAPER
