"""What facilitators and participants type in a live session passes one of these forms."""

from django import forms
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.forms.models import construct_instance
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cxworkshop import languages
from cxworkshop.ids import IdField
from sessions.models import (
    ANSWER_MAX_LENGTH,
    JOIN_CODE_LENGTH,
    NAME_MAX_LENGTH,
    TEAM_NAME_MAX_LENGTH,
    TURN_ALLOWANCE_MAX,
    Answer,
    LiveSession,
    Reaction,
    Team,
    normalize_join_code,
    prompt_key,
)
from stories import sharing
from stories.models import Valence


class StartSessionForm(forms.ModelForm):
    class Meta:
        model = LiveSession
        fields = [
            "language",
            "is_shuffled",
            "mode",
            "answers_live",
            "anonymous_allowed",
            "reactions_enabled",
            "highlights_shown",
        ]
        fields += ["redraws", "passes_per_person"]  # draw mode and passes
        widgets = {"mode": forms.RadioSelect}
        help_texts = {
            "language": _("Each phone shows the session in its own person's language."),
            "is_shuffled": _("The order is kept, so the session can be replayed the same way."),
            "answers_live": _(
                "Off: answers stay on your console until you open them for the room."
            ),
            "reactions_enabled": _(
                "Heart, applause, laugh or wow, from the phones; you can switch them off."
            ),
            "highlights_shown": _(
                "Never private or hidden answers; a memory shared anonymously shows no name."
            ),
        }

    # A team's series (not saved by this form: the view finds or makes the team).
    team_name = forms.CharField(
        label=_("Team (optional)"),
        max_length=TEAM_NAME_MAX_LENGTH,
        required=False,
        help_text=_(
            "Running a series for one team? Pick one of your teams or type a new team's name. "
            "Leave it empty for a one-off session."
        ),
        widget=forms.TextInput(attrs={"list": "team-names", "autocomplete": "off"}),
    )
    seen_cards = forms.ChoiceField(
        label=_("Cards the team has already seen"),
        help_text=_("Cards whose question the team saw in its earlier sessions, of any deck."),
        choices=LiveSession.SeenCards.choices,
        initial=LiveSession.SeenCards.LAST,
        required=False,  # a form without it (an older page, a script) deals them last
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, deck=None, owner=None, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.deck = deck
        self.owner = owner
        for name in ALLOWANCES:  # left out: none
            self.fields[name].required = False
        self.fields["language"].choices = languages.choices()
        self.fields["language"].initial = self.room_language_default()
        self.fields["language"].required = False  # a form without it: the default

    def room_language_default(self):
        return languages.room_default(self.deck, get_language())

    def clean_language(self):
        return self.cleaned_data["language"] or self.room_language_default()

    SERIES_FIELDS = ["team_name", "seen_cards"]

    def session_fields(self):
        return [self[name] for name in self.fields if name not in self.SERIES_FIELDS]

    def series_fields(self):
        return [self[name] for name in self.SERIES_FIELDS]

    def clean_seen_cards(self):
        return self.cleaned_data["seen_cards"] or LiveSession.SeenCards.LAST

    def clean_team_name(self):
        return " ".join(self.cleaned_data["team_name"].split())

    def clean(self):
        cleaned = super().clean()
        for name in ALLOWANCES:
            cleaned[name] = cleaned.get(name) or 0
        name = cleaned.get("team_name")
        leave_out = cleaned.get("seen_cards") == LiveSession.SeenCards.LEAVE_OUT
        team = Team.objects.filter(owner=self.owner, name__iexact=name).first() if name else None
        if team is not None and leave_out and self.deck is not None:
            seen = team.seen_prompts()
            prompts = self.deck.cards.values_list("prompt", flat=True)
            if all(prompt_key(prompt) in seen for prompt in prompts):
                raise forms.ValidationError(self.all_seen_message(team.name), code="all_seen")
        return cleaned

    def all_seen_message(self, team_name):
        return _(
            "%(team)s has already seen every card of this deck: choose to deal the seen cards "
            "last, or run another deck."
        ) % {"team": team_name}


ALLOWANCES = ["redraws", "passes_per_person"]  # start-form options of draw mode and passes


class CoFacilitatorForm(forms.Form):
    """Another facilitator's account to run a session with. Whether an address has an account
    is said plainly: only a signed-in facilitator asks, and the sign-up page says it anyway."""

    email = forms.EmailField(
        label=_("Their account's e-mail address"),
        help_text=_("They need an account here; they get this console for this session only."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("Type the e-mail address of their account.")},
    )

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.session = session

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _("No account has the address %(email)s. Ask them to sign up, then add them."),
                params={"email": email},
            )
        if user.pk == self.session.facilitator_id:
            raise forms.ValidationError(_("That is you: you already run this session."))
        if self.session.co_facilitators.filter(pk=user.pk).exists():
            raise self.already_added(user)
        self.user = user
        return email

    def already_added(self, user):
        return forms.ValidationError(
            _("%(name)s is already a co-facilitator of this session."), params={"name": user}
        )


class JoinCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Join code"),
        max_length=20,
        help_text=_("The six characters on the room screen."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self):
        code = normalize_join_code(self.cleaned_data["code"])
        if len(code) != JOIN_CODE_LENGTH:
            raise forms.ValidationError(
                _("A join code has %(length)s characters, like K7Q2MX."),
                params={"length": JOIN_CODE_LENGTH},
            )
        return code


class JoinForm(forms.Form):
    display_name = forms.CharField(
        label=_("Your name"),
        max_length=NAME_MAX_LENGTH,
        required=False,
        help_text=_("How the room will see you."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        if session.anonymous_allowed:
            self.fields["display_name"].help_text = _("Optional: leave it empty to stay anonymous.")
        else:
            self.fields["display_name"].widget.attrs["required"] = True

    def clean_display_name(self):
        name = " ".join(self.cleaned_data["display_name"].split())
        if not name and not self.session.anonymous_allowed:
            raise forms.ValidationError(_("Tell the room your name (a first name is enough)."))
        return name


class RenameForm(JoinForm):
    """A participant's new name, by the same rules as joining; a name is needed here, even in
    a session that lets people join without one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        field = self.fields["display_name"]
        field.label = _("New name")
        field.help_text = _("If someone here already has it, you get a number after it.")
        field.widget.attrs["required"] = True

    def clean_display_name(self):
        name = super().clean_display_name()
        if not name:
            raise forms.ValidationError(_("Type the name you want the room to see."))
        return name


class AnswerForm(forms.ModelForm):
    # Which card the phone showed when this was written: an answer sent just as the
    # facilitator moved on is refused ("This card is closed"), never saved on the new card.
    card = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Answer
        fields = ["text", "is_private", "valence", "share_with", "archive_consent"]
        labels = {
            "text": _("Your answer"),
            "is_private": _("Only for the facilitator (not shown to the room)"),
            "valence": _("How did it feel?"),
            "share_with": _("Who would you share it with, and why? (optional)"),
            "archive_consent": _("May it go into the story archive?"),
        }
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4, "maxlength": ANSWER_MAX_LENGTH}),
            "share_with": forms.Textarea(attrs={"rows": 2, "maxlength": ANSWER_MAX_LENGTH}),
            "valence": forms.RadioSelect,
            "archive_consent": forms.RadioSelect,
        }
        error_messages = {"text": {"required": _("Write an answer before sending it.")}}

    def __init__(self, *args, card, participant, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.card = card
        self.participant = participant
        self.fields["card"].initial = card.pk
        if card.is_memory:
            self.fields["text"].label = _("Your memory")
            self.fields["valence"].choices = Valence.choices
            self.fields["valence"].required = False
            self.fields["archive_consent"].required = False
            self.fields["archive_consent"].help_text = _(
                "A memory only for the facilitator stays with them and never goes into the archive."
            )
            self.fields["archive_consent"].choices = [
                choice for choice in Answer.Consent.choices if choice[0] != Answer.Consent.WITHDRAWN
            ]
        else:
            for name in ["valence", "share_with", "archive_consent"]:
                del self.fields[name]

    def is_for_another_card(self):
        """True when the phone sent this for a card other than this form's (the one now up).
        A post that names no card (an older page) is for the card now up."""
        sent = self.data.get("card", "")
        return bool(sent) and sent != str(self.card.pk)

    def audience_notes(self):
        """What the room and the archive get of this answer, for each choice the form offers
        (the phone shows the one that matches the form, and changes it as the person does)."""
        if self.card.session.is_pairs:
            return self.pairs_audience_notes()
        if self.card.is_memory and self.card.session.is_draw:
            return {**self._audience_notes(), "anonymous": DRAWN_ANONYMOUS}
        return self._audience_notes()

    def _audience_notes(self):
        if not self.card.is_memory:
            return {
                "private": _("Only the facilitator sees your answer."),
                "room": _("The room sees your answer with your name."),
            }
        return {
            "private": _("Only the facilitator sees your memory; nothing goes to the archive."),
            "room": _("The room sees your memory with your name; nothing goes to the archive."),
            "named": _(
                "The room sees your memory with your name; the archive keeps it with your name."
            ),
            "anonymous": _(
                "The room sees your memory without your name; the archive keeps it without a name."
            ),
        }

    def pairs_audience_notes(self):
        """In pairs mode the room screen shows who is with whom, never an answer."""
        if not self.card.is_memory:
            return {
                "private": _("Only the facilitator sees your answer."),
                "room": _("The facilitator sees your answer with your name; the room shows none."),
            }
        return {
            "private": _("Only the facilitator sees your memory; nothing goes to the archive."),
            "room": _("The facilitator sees your memory with your name; the archive gets none."),
            "named": _("The facilitator sees your memory; the archive keeps it with your name."),
            "anonymous": _("The facilitator sees your memory; the archive keeps it, no name."),
        }

    def audience(self):
        """The key of `audience_notes` for the form as it stands (sent, saved or new)."""
        if self["is_private"].value():
            return "private"
        if "archive_consent" in self.fields:
            consent = self["archive_consent"].value()
            if consent in (Answer.Consent.NAMED, Answer.Consent.ANONYMOUS):
                return consent
        return "room"

    def audience_note(self):
        return self.audience_notes()[self.audience()]

    def clean_archive_consent(self):
        return self.cleaned_data.get("archive_consent") or Answer.Consent.NONE

    def clean(self):
        cleaned = super().clean()
        if sharing.contradicts(cleaned.get("is_private"), cleaned.get("archive_consent")):
            self.add_error(
                "archive_consent",
                forms.ValidationError(
                    _(
                        "Choose one: untick “Only for the facilitator” to share this memory in "
                        "the archive (the room then sees it too), or answer “No” here to keep it "
                        "private."
                    ),
                    code="private_and_shared",
                ),
            )
        return cleaned

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Write an answer before sending it."))
        return text

    def write_onto(self, answer):
        """This form's fields onto the answer row as it is now."""
        words_before = answer.text
        construct_instance(self, answer, self._meta.fields)
        if answer.text != words_before:
            # The facilitator spotlit the words they read; new words wait for a new spotlight.
            answer.is_spotlighted = False

    def save(self, commit=True):
        """Save this participant's one answer to the card, and its story to match the consent.

        The answer row is read again, locked, as it is written: since this form was filled in,
        the same phone's other tap may have saved it, or the facilitator hidden it. This form
        changes only its own fields of that row, and a double tap saves one answer.
        """
        mine = Answer.objects.select_for_update().filter(
            session_card=self.card, participant=self.participant
        )
        with transaction.atomic():
            answer = mine.first() or Answer(session_card=self.card, participant=self.participant)
            self.write_onto(answer)
            try:
                with transaction.atomic():
                    sharing.save_answer(answer)
            except IntegrityError:  # the other tap inserted it first (PostgreSQL): update that
                answer = mine.get()
                self.write_onto(answer)
                sharing.save_answer(answer)
        self.instance = answer
        return answer


# Draw mode: the room knows whose card is whose, so it shows no memory shared without a name
# (AnswerQuerySet.in_room).
DRAWN_ANONYMOUS = _(
    "The room does not see your memory (it knows whose card this is); the archive keeps it "
    "without a name, but whoever saw who drew this card may guess it is yours."
)


class RedrawForm(forms.Form):
    """Which card the phone showed when its owner asked to put it back: a second tap, once it
    is put back, draws no further card."""

    card = IdField(widget=forms.HiddenInput)


class TurnForm(forms.Form):
    """Whose turn the console showed when the facilitator moved the turn on: a "next turn"
    that arrives just after that person passed moves it no further."""

    turn = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PassesForm(forms.Form):
    passes_per_person = forms.IntegerField(
        label=_("Passes for each person"),
        min_value=0,
        max_value=TURN_ALLOWANCE_MAX,
        help_text=_("0: nobody passes."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)


# The timer: each button of the console's timer controls posts one `action`.

TIMER_MINUTES_MAX = 120
TIMER_ADD_SECONDS_MAX = 600


class TimerForm(forms.Form):
    """One change to the session's timer. `change` is the session method to call and its
    arguments."""

    ACTIONS = {
        "set": "set_timer",
        "off": "set_timer",
        "locks": "set_timer_locks_answers",
        "start": "start_timer",
        "pause": "pause_timer",
        "add": "add_time",
        "reset": "reset_timer",
    }

    action = forms.ChoiceField(choices=[(name, name) for name in ACTIONS])
    seconds = forms.IntegerField(required=False)
    minutes = forms.DecimalField(
        label=_("Other (minutes)"),
        required=False,
        max_digits=6,
        decimal_places=2,
    )
    locks_answers = forms.BooleanField(label=_("Lock answers when the time is up"), required=False)

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action == "set":
            cleaned["seconds"] = self.timer_seconds(cleaned)
        elif action == "add":
            seconds = cleaned.get("seconds")
            if seconds is None or not 1 <= seconds <= TIMER_ADD_SECONDS_MAX:
                raise forms.ValidationError(
                    _("Add between 1 second and %(minutes)s minutes."),
                    params={"minutes": TIMER_ADD_SECONDS_MAX // 60},
                )
        return cleaned

    def timer_seconds(self, cleaned):
        """The time for each card: a preset's seconds, or the minutes typed."""
        seconds = cleaned.get("seconds")
        minutes = cleaned.get("minutes")
        if seconds is None and minutes is not None:
            seconds = round(minutes * 60)
        if seconds is None:
            raise forms.ValidationError(_("Type how many minutes each card gets."))
        if not 10 <= seconds <= TIMER_MINUTES_MAX * 60:
            raise forms.ValidationError(
                _("Choose a time between 10 seconds and %(minutes)s minutes."),
                params={"minutes": TIMER_MINUTES_MAX},
            )
        return seconds

    @property
    def change(self):
        """(name of the LiveSession method, its arguments)."""
        action = self.cleaned_data["action"]
        arguments = {
            "set": [self.cleaned_data.get("seconds")],
            "off": [None],
            "locks": [self.cleaned_data["locks_answers"]],
            "add": [self.cleaned_data.get("seconds")],
        }.get(action, [])
        return self.ACTIONS[action], arguments


class OpenLevelForm(forms.Form):
    """Which level the console's "Open level 2" button opens. Two taps (or two tabs) asking
    for the same level open it once; without a number, the next level opens."""

    level = forms.IntegerField(min_value=1, max_value=1000, required=False)

    @property
    def arguments(self):
        return {"level": self.cleaned_data["level"]}


class PairUpForm(forms.Form):
    """ "Next round" in pairs mode carries the round the console showed: two taps at once (or
    two tabs) make one new round, not two."""

    round = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)

    @property
    def arguments(self):
        return {"after_round": self.cleaned_data.get("round")}


class ReactionForm(forms.Form):
    """A tap on a reaction button: the kind it gives, or the kind it takes back (a pressed
    button asks to take it back: Reaction says why a tap is not a flip)."""

    give = forms.ChoiceField(choices=Reaction.Kind.choices, required=False)
    take_back = forms.ChoiceField(choices=Reaction.Kind.choices, required=False)

    def clean(self):
        give, take_back = self.cleaned_data.get("give"), self.cleaned_data.get("take_back")
        if bool(give) == bool(take_back):
            raise forms.ValidationError(_("Choose a reaction."))
        return {"kind": give or take_back, "given": bool(give)}
