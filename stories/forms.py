"""What people type about stories: archive filters, curation, digests, and stories told
elsewhere (a story link's form, a story added by hand, an import)."""

from django import forms
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from taggit.models import TaggedItem

from accounts.models import normal_address
from cxworkshop import languages
from cxworkshop.ids import IdChoicesField, IdField
from cxworkshop.tags import BoundedTagField
from decks.forms import problems_error, read_upload
from stories import imports, search
from stories.credits import CreditNamesField, names, set_credits
from stories.models import (
    Consent,
    Credit,
    Digest,
    DigestSchedule,
    Source,
    Story,
    SubmissionLink,
    Subscription,
    Valence,
    time_zone_names,
)

QUERY_MAX_LENGTH = 200


def check_date_range(form, cleaned):
    start, end = cleaned.get("date_from"), cleaned.get("date_to")
    if start and end and start > end:
        form.add_error("date_to", _("The end date is before the start date."))
    return cleaned


def tagged(slug):
    """Whether a story is tagged `slug`, as a condition to filter by. EXISTS, not a join
    through `tags`: PostgreSQL casts taggit's integer object_id to compare it with a story's
    id, and then sorted every tagged story to find the newest (on a million stories the page
    of a search with a tag took 160-190 ms, 85-130 ms so; without words 400 ms, under 85 ms).
    SQLite probes taggit's unique index for each story it walks."""
    return Exists(
        TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Story),
            object_id=OuterRef("pk"),
            tag__slug=slug,
        )
    )


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
    credit = IdField(label=_("Made it happen"), required=False)
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=[("", _("Any")), *Source.choices]
    )

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

    def stories(self, *, without=()):
        """The stories these filters select, leaving out the filters named in `without` (a
        name, or several)."""
        without = {without} if isinstance(without, str) else set(without)
        values = {k: v for k, v in self.values.items() if k not in without}
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
            stories = stories.filter(tagged(values["tag"]))
        if "date_from" in values:
            stories = stories.filter(created_at__date__gte=values["date_from"])
        if "date_to" in values:
            stories = stories.filter(created_at__date__lte=values["date_to"])
        if "credit" in values:
            stories = stories.filter(credits=values["credit"])
        if "source" in values:
            stories = stories.filter(source=values["source"])
        if self.query and "q" not in without:
            stories = search.matching(stories, self.query)
        return stories

    def describe(self):
        """The filters in use, in words, for a heading or an export's name."""
        return ", ".join(str(value) for value in self.values.values())


class StoryCurationForm(forms.ModelForm):
    people = CreditNamesField(label=_("People who made it happen"))
    teams = CreditNamesField(label=_("Teams who made it happen"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["cx_level"].choices = [("", _("Not set")), *Story.CxLevel.choices]
        if self.instance.pk and not self.is_bound:
            self.initial["people"] = names(self.instance, Credit.Kind.PERSON)
            self.initial["teams"] = names(self.instance, Credit.Kind.TEAM)

    @transaction.atomic
    def save(self, commit=True):
        story = super().save(commit=commit)
        set_credits(story, people=self.cleaned_data["people"], teams=self.cleaned_data["teams"])
        return story

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
        if self.instance.is_scheduled:
            # Its stories are those of its schedule's period, as for the draft: the dates say
            # which, and are not the form's to change.
            for name in ("date_from", "date_to"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("The schedule's week: not changed here.")
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
        """Stories to choose from: those in the range, and any already chosen. A schedule's
        digest draws on its period exactly as its draft did (`joined_between`), so no story
        falls in two weeks' digests and none published from moderation that week is missing."""
        stories = Story.objects.published()
        if self.instance.is_scheduled:
            period = (self.instance.period_start, self.instance.period_end)
            stories = stories.joined_between(*period)
        else:
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


# Stories told elsewhere

STORY_MAX_LENGTH = 5000
NAME_MAX_LENGTH = Story._meta.get_field("author_name").max_length
PROMPT_MAX_LENGTH = Story._meta.get_field("prompt").max_length
CONSENT_NOTE_MAX_LENGTH = Story._meta.get_field("consent_note").max_length
SHARED_CONSENTS = [
    (Consent.NAMED, _("With my name")),
    (Consent.ANONYMOUS, _("Anonymously: no name is kept")),
]


class SubmissionLinkForm(forms.ModelForm):
    class Meta:
        model = SubmissionLink
        fields = ["campaign", "introduction"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 3})}


def story_field(**kwargs):
    return forms.CharField(
        max_length=STORY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": STORY_MAX_LENGTH}),
        error_messages={
            "required": _("Write the story first."),
            "max_length": _(
                "Keep the story under %(limit_value)s characters (it has %(show_value)s)."
            ),
        },
        **kwargs,
    )


def feeling_field(**kwargs):
    return forms.ChoiceField(
        label=_("How did it make the customer feel?"),
        choices=Valence.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how it made the customer feel.")},
        **kwargs,
    )


class TellerMixin:
    """A teller is named or anonymous; an anonymous teller's name is never kept."""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("consent") == Consent.ANONYMOUS:
            cleaned["name"] = ""
        elif cleaned.get("consent") == Consent.NAMED and not cleaned.get("name"):
            self.add_error("name", self.name_required)
        return cleaned

    @property
    def author_name(self):
        return self.cleaned_data["name"] if self.cleaned_data["consent"] == Consent.NAMED else ""


class TellForm(TellerMixin, forms.Form):
    """The public form behind a story link: no account, every field bounded."""

    text = story_field(label=_("Your story"))
    valence = feeling_field()
    people = CreditNamesField(label=_("People who made it happen"))
    teams = CreditNamesField(label=_("Teams who made it happen"))
    consent = forms.ChoiceField(
        label=_("Publish it"),
        choices=SHARED_CONSENTS,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether to publish it with your name.")},
    )
    name = forms.CharField(
        label=_("Your name"),
        max_length=NAME_MAX_LENGTH,
        required=False,
        help_text=_("Only if you publish it with your name."),
    )
    email = forms.EmailField(
        label=_("Your e-mail address"),
        required=False,
        help_text=_(
            "Optional: we mail you a private link to withdraw your story. "
            "The address itself is not kept."
        ),
    )
    # The honeypot: hidden from people and screen readers (the template), filled by scripts.
    website = forms.CharField(required=False, max_length=200)

    name_required = _("Write your name, or choose to publish it anonymously.")

    @property
    def is_from_a_script(self):
        return bool(self.data.get("website"))

    def story_fields(self):
        data = self.cleaned_data
        return {
            "text": data["text"],
            "valence": data["valence"],
            "author_name": self.author_name,
            "people": data["people"],
            "teams": data["teams"],
        }


class ByHandForm(TellerMixin, forms.Form):
    """A story heard elsewhere (an interview, a call), with how its teller agreed."""

    text = story_field(label=_("The story"))
    prompt = forms.CharField(
        label=_("The question it answered"),
        max_length=PROMPT_MAX_LENGTH,
        required=False,
        help_text=_("Optional."),
    )
    language = forms.ChoiceField(label=_("Told in"), choices=languages.choices, required=False)
    consent = forms.ChoiceField(
        label=_("The teller"),
        choices=[
            (Consent.NAMED, _("Named")),
            (Consent.ANONYMOUS, _("Anonymous: no name is kept")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether the teller is named or anonymous.")},
    )
    name = forms.CharField(label=_("The teller's name"), max_length=NAME_MAX_LENGTH, required=False)
    valence = feeling_field()
    people = CreditNamesField(label=_("People who made it happen"))
    teams = CreditNamesField(label=_("Teams who made it happen"))
    agreed = forms.BooleanField(
        label=_("The teller agreed to share this story"),
        error_messages={
            "required": _("Nothing was saved: a story goes in only if its teller agreed.")
        },
    )
    consent_note = forms.CharField(
        label=_("How the teller agreed"),
        max_length=CONSENT_NOTE_MAX_LENGTH,
        help_text=_("For example: asked at the end of the interview on 2 December."),
        error_messages={"required": _("Say how the teller agreed.")},
    )

    name_required = _("Write the teller's name, or choose anonymous.")

    def __init__(self, *args, language, **kwargs):
        """`language`: the recorder's pages', the story's unless they choose another."""
        super().__init__(*args, **kwargs)
        self.default_language = language
        self.fields["language"].initial = language

    def story_fields(self):
        data = self.cleaned_data
        return {
            "text": data["text"],
            "prompt": data["prompt"],
            "valence": data["valence"],
            "author_name": self.author_name,
            "consent_note": data["consent_note"],
            "people": data["people"],
            "teams": data["teams"],
            "language": data["language"] or self.default_language,
        }


class ImportedStoryForm(forms.Form):
    """One story of an imported file, checked as a person's story would be. Field names are
    the file's columns, as the archive's export names them."""

    memory = story_field(label=_("memory"))
    question = forms.CharField(label=_("question"), max_length=PROMPT_MAX_LENGTH, required=False)
    author = forms.CharField(label=_("author"), max_length=NAME_MAX_LENGTH, required=False)
    feeling = forms.ChoiceField(label=_("feeling"), choices=Valence.choices, required=False)
    cx_level = forms.ChoiceField(label=_("CX level"), choices=Story.CxLevel.choices, required=False)
    share_with = forms.CharField(label=_("share with"), max_length=STORY_MAX_LENGTH, required=False)
    people = CreditNamesField(label=_("people"))
    teams = CreditNamesField(label=_("teams"))
    shared_at = forms.DateTimeField(label=_("shared at"), required=False)
    consent = forms.ChoiceField(label=_("consent"), choices=SHARED_CONSENTS)
    consent_note = forms.CharField(
        label=_("consent note"), max_length=CONSENT_NOTE_MAX_LENGTH, required=False
    )
    language = forms.ChoiceField(label=_("language"), choices=settings.LANGUAGES, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("consent") == Consent.NAMED and not cleaned.get("author"):
            self.add_error("author", _("the consent is “named” but there is no author."))
        return cleaned

    def story_fields(self):
        data = self.cleaned_data
        return {
            "text": data["memory"],
            "prompt": data["question"],
            "author_name": data["author"] if data["consent"] == Consent.NAMED else "",
            "valence": data["feeling"],
            "cx_level": data["cx_level"],
            "share_with": data["share_with"],
            "consent_note": data["consent_note"],
            "created_at": data["shared_at"],
            "people": data["people"],
            "teams": data["teams"],
            "language": data["language"],  # empty: the importer's (stories.sharing)
        }


class StoryImportForm(forms.Form):
    """Stories from a CSV or JSON file: every row checked, all saved or none."""

    file = forms.FileField(
        label=_("Stories file"),
        help_text=_("A .csv file with a story a row, or a .json file like the archive's export."),
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if not upload:
            return cleaned
        try:
            text = read_upload(upload, {".json", ".csv"}, settings.STORY_IMPORT_MAX_BYTES)
        except forms.ValidationError as error:
            self.add_error("file", error)
            return cleaned
        try:
            if upload.name.lower().endswith(".json"):
                cleaned["stories"] = imports.parse_json(text)
            else:
                cleaned["stories"] = imports.parse_csv(text)
        except imports.ImportProblems as error:
            self.add_error("file", problems_error(error.problems))
        return cleaned


# Feel Good Fridays by mail


class DigestScheduleForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=())

    class Meta:
        model = DigestSchedule
        fields = [
            "title_template",
            "weekday",
            "time_of_day",
            "time_zone",
            "story_count",
            "needs_approval",
            "is_active",
        ]
        # Text boxes the app's style sheet knows, with the keyboard a phone should offer.
        widgets = {
            "time_of_day": forms.TimeInput(
                format="%H:%M", attrs={"inputmode": "numeric", "placeholder": "09:00"}
            ),
            "story_count": forms.TextInput(attrs={"inputmode": "numeric"}),
        }
        help_texts = {"time_of_day": _("24-hour clock, for example 09:00.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [(name, name) for name in sorted(time_zone_names())]
        if not self.instance.pk and not self.is_bound:
            self.initial["time_zone"] = settings.TIME_ZONE  # the workshop's own, to start with

    def clean_title_template(self):
        # The title is the e-mail's subject: a line break there would start a header of its own.
        title = self.cleaned_data["title_template"]
        if "\n" in title or "\r" in title:
            raise ValidationError(_("Keep the title on one line."), code="line_break")
        return title


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=Subscription._meta.get_field("email").max_length,
        help_text=_("They get a mail with a link to confirm; nothing else until they do."),
    )

    def clean_email(self):
        return normal_address(self.cleaned_data["email"])
