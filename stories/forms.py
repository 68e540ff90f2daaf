"""What people type about stories: archive filters, curation and digests."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from cxworkshop.ids import IdChoicesField, IdField
from cxworkshop.tags import BoundedTagField
from stories import search
from stories.models import Digest, Story, Valence

QUERY_MAX_LENGTH = 200


def check_date_range(form, cleaned):
    start, end = cleaned.get("date_from"), cleaned.get("date_to")
    if start and end and start > end:
        form.add_error("date_to", _("The end date is before the start date."))
    return cleaned


class ArchiveFilterForm(forms.Form):
    """The archive's search and filters. All in the URL, so a search can be shared."""

    q = forms.CharField(label=_("Search the stories"), required=False, max_length=QUERY_MAX_LENGTH)
    deck = IdField(label=_("Deck"), required=False)
    session = IdField(label=_("Session"), required=False)
    valence = forms.ChoiceField(
        label=_("Feeling"), required=False, choices=[("", _("Any")), *Valence.choices]
    )
    level = forms.ChoiceField(
        label=_("CX level"), required=False, choices=[("", _("Any")), *Story.CxLevel.choices]
    )
    tag = forms.SlugField(label=_("Tag"), required=False, max_length=100)
    featured = forms.BooleanField(label=_("Featured only"), required=False)
    date_from = forms.DateField(label=_("Shared from"), required=False)
    date_to = forms.DateField(label=_("Until"), required=False)
    hidden = forms.BooleanField(label=_("Hidden stories instead"), required=False)

    def __init__(self, data=None, *, user):
        super().__init__(data)
        self.user = user

    def clean(self):
        return check_date_range(self, super().clean())

    @property
    def values(self):
        """The filters in use: the valid ones, so a bad value never hides everything."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}

    def problems(self):
        """Each filter that cannot be used, with its label, in words."""
        return [
            f"{self.fields[name].label}: {error}" if name in self.fields else error
            for name, errors in self.errors.items()
            for error in errors
        ]

    @property
    def query(self):
        query = self.values.get("q", "").strip()
        return query if search.is_searchable(query) else ""

    def stories(self, *, without=None):
        """The stories these filters select, leaving out the filter named `without`."""
        values = {k: v for k, v in self.values.items() if k != without}
        if values.get("hidden"):
            stories = Story.objects.visible_to(self.user).filter(status=Story.Status.HIDDEN)
        else:
            stories = Story.objects.published()
        if "valence" in values:
            stories = stories.filter(valence=values["valence"])
        if "level" in values:
            stories = stories.filter(cx_level=values["level"])
        if "featured" in values:
            stories = stories.filter(is_featured=True)
        if "deck" in values:
            stories = stories.filter(session__deck=values["deck"])
        if "session" in values:
            stories = stories.filter(session=values["session"])
        if "tag" in values:
            stories = stories.filter(tags__slug=values["tag"])
        if "date_from" in values:
            stories = stories.filter(created_at__date__gte=values["date_from"])
        if "date_to" in values:
            stories = stories.filter(created_at__date__lte=values["date_to"])
        if self.query:
            stories = search.matching(stories, self.query)
        return stories

    def results(self):
        """Matching stories, best match first when searching, else newest first."""
        stories = self.stories().select_related("session__deck").prefetch_related("tags")
        if self.query:
            return search.ranked(stories, self.query)
        return stories.order_by("-created_at", "-id")

    def paginator(self, per_page):
        """Pages of results, counted without the ranking (the cheaper query to count)."""
        paginator = Paginator(self.results(), per_page)
        paginator.count = self.stories().count()
        return paginator

    def describe(self):
        """The filters in use, in words, for a heading or an export's name."""
        return ", ".join(str(value) for value in self.values.values())


class StoryCurationForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["cx_level"].choices = [("", _("Not set")), *Story.CxLevel.choices]

    class Meta:
        model = Story
        fields = ["cx_level", "tags"]
        field_classes = {"tags": BoundedTagField}
        help_texts = {
            "cx_level": _("Which need of the customer the memory speaks to."),
            "tags": _("Separate tags with commas."),
        }


class DigestForm(forms.ModelForm):
    """A digest's title, the range it draws stories from, and the stories chosen."""

    stories = IdChoicesField(
        label=_("Stories in this digest"),
        queryset=Story.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    CANDIDATE_LIMIT = 100

    class Meta:
        model = Digest
        fields = ["title", "introduction", "date_from", "date_to", "featured_only", "stories"]
        widgets = {
            "introduction": forms.Textarea(attrs={"rows": 3}),
            "date_from": forms.DateInput(attrs={"type": "date"}),
            "date_to": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {
            "introduction": _("A few words at the top of the newsletter. Optional."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk and not self.is_bound:
            today = timezone.localdate()
            # A new digest starts as this week's Feel Good Friday.
            self.initial.update(
                title=_("Feel Good Friday, %(date)s") % {"date": formats.date_format(today)},
                date_from=today - timezone.timedelta(days=7),
                date_to=today,
            )
        self.fields["stories"].queryset = self.candidates()
        if not self.is_bound and not self.instance.pk:
            self.initial["stories"] = [s.pk for s in self.candidates() if s.is_featured]

    def range_value(self, name):
        """A range field's value as typed, or its initial value; None if unreadable."""
        field = self.fields[name]
        raw = self[name].value()
        try:
            return field.clean(raw) if self.is_bound else raw
        except ValidationError:
            return None

    def candidates(self):
        """Stories to choose from: those in the range, and any already chosen."""
        stories = Story.objects.published()
        start, end = self.range_value("date_from"), self.range_value("date_to")
        if start:
            stories = stories.filter(created_at__date__gte=start)
        if end:
            stories = stories.filter(created_at__date__lte=end)
        if self.range_value("featured_only"):
            stories = stories.filter(is_featured=True)
        in_range = list(stories.order_by("-created_at").values_list("pk", flat=True))
        chosen = (
            list(self.instance.stories.values_list("pk", flat=True)) if self.instance.pk else []
        )
        pks = in_range[: self.CANDIDATE_LIMIT] + chosen
        stories = Story.objects.published().filter(pk__in=pks).prefetch_related("tags")
        return stories.order_by("-created_at", "-id")

    def clean_title(self):
        # The title is the e-mail's subject: a line break there would start a header of its own.
        title = self.cleaned_data["title"]
        if "\n" in title or "\r" in title:
            raise ValidationError(_("Keep the title on one line."), code="line_break")
        return title

    def clean(self):
        return check_date_range(self, super().clean())

    def chosen_pks(self):
        """The stories ticked: as posted, or as saved, or the featured ones for a new digest."""
        chosen = set()
        for value in self["stories"].value() or []:
            try:
                chosen.add(int(getattr(value, "pk", value)))
            except (TypeError, ValueError):
                continue
        return chosen


class WithdrawForm(forms.Form):
    """Withdrawing a story erases its words for good, so the author says they understand."""

    understood = forms.BooleanField(
        label=_("I understand this cannot be undone"),
        error_messages={
            "required": _(
                "Nothing was withdrawn: tick “I understand this cannot be undone” first. "
                "Withdrawing deletes your story for good."
            )
        },
    )
