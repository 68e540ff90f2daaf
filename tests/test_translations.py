"""The shipped languages are complete: every catalogue translated and compiled (checked without
GNU gettext), and the main screens of a facilitator, a phone and the room show no English
string in each language."""

import re
from html.parser import HTMLParser

import polib
import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from cxworkshop import catalogues
from sessions.models import Answer
from stories.models import Digest, Story
from tests.factories import CardFactory, DeckFactory, StoryFactory, UserFactory
from tests.live_sessions.conftest import start_session

OTHERS = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def test_every_catalogue_is_complete_and_its_compiled_file_matches():
    assert catalogues.check_all() == []


def test_the_check_finds_an_untranslated_a_fuzzy_entry_and_a_stale_compiled_file(tmp_path):
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.append(polib.POEntry(msgid="Reveal", msgstr="Omdraaien"))
    po.append(polib.POEntry(msgid="Pass", msgstr=""))
    po.append(polib.POEntry(msgid="End", msgstr="Einde", flags=["fuzzy"]))
    po.append(polib.POEntry(msgid="Hi %(name)s", msgstr="Hoi %(naam)s"))
    assert catalogues.problems(po) == [
        "untranslated: 'Pass'",
        "fuzzy: 'End'",
        "unknown %(naam)s: 'Hi %(name)s'",
    ]
    po.save_as_mofile(str(tmp_path / "django.mo"))
    po[0].msgstr = "Omkeren"
    compiled = polib.mofile(str(tmp_path / "django.mo"))
    assert catalogues.messages_of(compiled) != catalogues.messages_of(po)


# What would be English left on a translated screen: a whole text (or label) of the page that is
# an English message of the catalogue whose translation differs.
PLACEHOLDER = re.compile(r"%\(|%s|%d|\{")


def english_messages(language):
    po = polib.pofile(str(catalogues.LOCALE / language / "LC_MESSAGES" / "django.po"))
    found = set()
    for entry in po:
        for english, translated in [
            (entry.msgid, entry.msgstr),
            (entry.msgid_plural, (entry.msgstr_plural or {}).get(1, "")),
        ]:
            text = " ".join(english.split())
            words = re.search(r"[A-Za-z]{2}", text) and not PLACEHOLDER.search(text)
            if words and translated and translated != english:
                found.add(text)
    return found


class Texts(HTMLParser):
    """Every text node and every label a user reads or hears (aria-label, title, placeholder,
    alt, a button's value), whitespace collapsed; the language picker's options are left out
    (each names its language in that language, on purpose)."""

    SPOKEN = {"aria-label", "title", "placeholder", "alt", "aria-description"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts, self.skip, self.in_picker = [], 0, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"script", "style", "template"}:
            self.skip += 1
        if tag == "select" and attrs.get("name") == "language":
            self.in_picker = True
        for name, value in attrs.items():
            if value and (name in self.SPOKEN or (name == "value" and tag == "button")):
                self.texts.append(" ".join(value.split()))

    def handle_endtag(self, tag):
        if tag in {"script", "style", "template"}:
            self.skip = max(0, self.skip - 1)
        if tag == "select":
            self.in_picker = False

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self.skip and not self.in_picker:
            self.texts.append(text)


def english_left(html, english):
    parser = Texts()
    parser.feed(html)
    return sorted({text for text in parser.texts if text in english})


def screens(language):
    """(name, body) of the main screens, each opened as the person who reads it would."""
    facilitator = UserFactory(language=language, is_staff=True)
    deck = DeckFactory(owner=facilitator, language=language)
    for kind in ["question", "memory", "question"]:
        CardFactory(deck=deck, kind=kind, prompt=f"Kaart {kind}")
    session = start_session(facilitator, language=language)
    host = Client()
    host.force_login(facilitator)
    phone = Client(HTTP_ACCEPT_LANGUAGE=language)
    visitor = Client(HTTP_ACCEPT_LANGUAGE=language)
    join = reverse("live_sessions:join", args=[session.join_code])
    pages = [
        ("home", visitor, reverse("home")),
        ("log in", visitor, reverse("login")),
        ("sign up", visitor, reverse("signup")),
        ("join code", visitor, reverse("live_sessions:join-code")),
        ("join", visitor, join),
        ("404", visitor, "/no-such-page/"),
        ("password reset", visitor, reverse("password_reset")),
        ("my decks", host, reverse("decks:deck-list")),
        ("library", host, reverse("decks:library")),
        ("deck", host, deck.get_absolute_url()),
        ("new deck", host, reverse("decks:deck-create")),
        ("start", host, reverse("live_sessions:session-start", args=[deck.slug])),
        ("sessions", host, reverse("live_sessions:session-list")),
        ("language", host, reverse("language_setting")),
        ("console in the lobby", host, reverse("live_sessions:console", args=[session.pk])),
        ("room in the lobby", host, reverse("live_sessions:room", args=[session.pk])),
    ]
    for name, client, url in pages:
        yield name, client.get(url).content.decode()
    phone.post(join, {"display_name": "Ana"})
    yield "phone waiting", phone.get(join).content.decode()
    session.reveal_next()
    yield "phone with a card", phone.get(join).content.decode()
    phone.post(reverse("live_sessions:answer", args=[session.join_code]), {"text": "Vriendelijk"})
    yield "phone answered", phone.get(join).content.decode()
    console = reverse("live_sessions:console", args=[session.pk])
    yield "console with a card", host.get(console).content.decode()
    yield (
        "room with a card",
        host.get(reverse("live_sessions:room", args=[session.pk])).content.decode(),
    )
    session.end()
    yield "phone at the end", phone.get(join).content.decode()
    yield (
        "room at the end",
        host.get(reverse("live_sessions:room", args=[session.pk])).content.decode(),
    )
    yield "summary", host.get(reverse("live_sessions:summary", args=[session.pk])).content.decode()
    StoryFactory(text="Een mooi verhaal", author_name="Ana")
    story = Story.objects.first()
    for name, url in [
        ("archive", reverse("stories:archive")),
        ("story", reverse("stories:story-detail", args=[story.pk])),
        ("insights", reverse("stories:insights")),
        ("digests", reverse("stories:digest-list")),
        ("new digest", reverse("stories:digest-create")),
        ("moderation", reverse("stories:moderation")),
        ("story links", reverse("stories:link-list")),
        ("subscription", reverse("stories:subscription")),
    ]:
        yield name, host.get(url).content.decode()
    digest = Digest.objects.create(title="Vrijdag", created_by=facilitator)
    digest.stories.add(story)
    yield "digest", host.get(reverse("stories:digest-detail", args=[digest.pk])).content.decode()
    yield (
        "newsletter",
        host.get(reverse("stories:digest-newsletter", args=[digest.pk])).content.decode(),
    )
    assert Answer.objects.exists()


@pytest.mark.parametrize("language", OTHERS)
def test_no_english_is_left_on_the_main_screens(db, language):
    english = english_messages(language)
    left = {}
    for name, html in screens(language):
        assert f'lang="{language}"' in html, name
        if found := english_left(html, english):
            left[name] = found
    assert left == {}, f"English left on the {language} screens"


@pytest.mark.parametrize("language", OTHERS)
def test_the_password_reset_mail_is_in_the_browsers_language(db, language):
    user = UserFactory()
    Client(HTTP_ACCEPT_LANGUAGE=language).post(reverse("password_reset"), {"email": user.email})
    (message,) = mail.outbox
    english = english_messages(language)
    lines = {" ".join(line.split()) for line in message.body.splitlines()} | {message.subject}
    assert not lines & english


def test_the_summary_spreadsheet_is_titled_in_the_facilitators_language(db):
    facilitator = UserFactory(language="de")
    session = start_session(facilitator)
    client = Client()
    client.force_login(facilitator)
    url = reverse("live_sessions:summary-export", args=[session.pk, "csv"])
    header = client.get(url).content.decode().splitlines()[0]
    assert header.startswith("kartennummer,karte,art,person,antwort,nur_fuer_moderation")
    client.post(reverse("language_setting"), {"language": "en"})
    header = client.get(url).content.decode().splitlines()[0]
    assert header.startswith("card_number,card,kind,participant,answer,only_for_facilitator")
