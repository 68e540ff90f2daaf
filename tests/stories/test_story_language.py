"""Each story keeps the language it was told in (issue 16): where it is set, how search reads it
(each story's own stemming on PostgreSQL; one index for all on SQLite, the fallback) and how the
story page shows it."""

import importlib
import json

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from stories import search
from stories.models import Story, SubmissionLink
from stories.sharing import save_answer
from tests.factories import StoryFactory
from tests.live_sessions.conftest import start_session

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("stories.migrations.0012_story_language")
ON_POSTGRESQL = connection.vendor == "postgresql"


def found(browser, query):
    response = browser.get(reverse("stories:archive"), {"q": query})
    assert response.status_code == 200
    return [story.pk for story in response.context["page"].object_list]


# Where the language comes from


def test_a_story_from_a_session_takes_the_language_of_its_tellers_phone(session_with_memory):
    phone = Client(HTTP_ACCEPT_LANGUAGE="nl")
    join = reverse("live_sessions:join", args=[session_with_memory.join_code])
    assert phone.post(join, {"display_name": "Bram"}).status_code == 302
    data = {"text": "De bakker wist mijn naam", "valence": "valued", "archive_consent": "named"}
    answer = reverse("live_sessions:answer", args=[session_with_memory.join_code])
    assert phone.post(answer, data).status_code == 302
    assert Story.objects.get().language == "nl"


def test_a_story_follows_its_tellers_language_when_they_change_it_and_answer_again(
    share,
):
    answer = share("The bakery stayed open for me")
    assert Story.objects.get().language == "en"
    answer.participant.language = "es"
    answer.participant.save()
    answer.text = "La panadería abrió para mí"
    save_answer(answer)
    assert Story.objects.get().language == "es"


def test_a_story_told_through_a_link_takes_the_tellers_browser_language(curator):
    link = SubmissionLink.objects.create(campaign="Semaine client", created_by=curator)
    teller = Client(HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    data = {
        "text": "Le boulanger connaissait mon nom.",
        "valence": "valued",
        "consent": "anonymous",
    }
    assert teller.post(reverse("tell", args=[link.token]), data).status_code == 200
    assert Story.objects.get().language == "fr"


BY_HAND = {
    "text": "Der Kurier wartete im Regen.",
    "consent": "anonymous",
    "valence": "valued",
    "agreed": "on",
    "consent_note": "Asked at the end of the call.",
}


def test_a_story_added_by_hand_is_in_its_recorders_language_unless_they_choose_another(
    facilitator, facilitator_client
):
    facilitator_client.post(reverse("language_setting"), {"language": "de"})
    form = facilitator_client.get(reverse("stories:story-add")).context["form"]
    assert form["language"].value() == "de"
    assert facilitator_client.post(reverse("stories:story-add"), BY_HAND).status_code == 302
    chosen = {**BY_HAND, "text": "El mensajero esperó bajo la lluvia.", "language": "es"}
    assert facilitator_client.post(reverse("stories:story-add"), chosen).status_code == 302
    assert [story.language for story in Story.objects.order_by("pk")] == ["de", "es"]


def upload(browser, content, name="stories.csv"):
    file = SimpleUploadedFile(name, content.encode(), content_type="text/plain")
    return browser.post(reverse("stories:story-import"), {"file": file})


def test_an_import_reads_each_rows_language_else_the_importers(curator, curator_client):
    curator_client.post(reverse("language_setting"), {"language": "fr"})
    csv = (
        "memory,consent,language\n"
        "De bakker wist mijn naam.,anonymous,nl\n"
        "Die Bäckerin kannte meinen Namen.,anonymous, DE \n"
        "Le boulanger connaissait mon nom.,anonymous,\n"
    )
    assert upload(curator_client, csv).status_code == 302
    assert [story.language for story in Story.objects.order_by("pk")] == ["nl", "de", "fr"]


def test_an_unknown_language_in_an_import_is_a_message_with_its_row(curator_client):
    csv = "memory,consent,language\nDe bakker.,anonymous,nl\nO padeiro.,anonymous,pt\n"
    response = upload(curator_client, csv)
    assert response.status_code == 400
    assert "Row 3: the language “pt” is unknown; use en, nl, fr, de or es." in (
        response.content.decode()
    )
    document = json.dumps(
        {"stories": [{"memory": "O padeiro.", "consent": "named", "language": 7}]}
    )
    response = upload(curator_client, document, name="stories.json")
    assert response.status_code == 400
    assert Story.objects.count() == 0


def test_the_archive_export_writes_the_language_and_reads_back_in_as_it_was(curator_client):
    StoryFactory(text="De bakker wist mijn naam.", language="nl")
    StoryFactory(text="La panadería abrió para mí.", language="es", author_name="")
    exported = curator_client.get(reverse("stories:archive-export", args=["json"]))
    records = json.loads(exported.content)["stories"]
    assert sorted(record["language"] for record in records) == ["es", "nl"]
    csv = curator_client.get(reverse("stories:archive-export", args=["csv"])).content.decode()
    assert "language" in csv.splitlines()[0].split(",")
    Story.objects.all().delete()
    assert upload(curator_client, csv).status_code == 302
    assert dict(Story.objects.values_list("text", "language")) == {
        "De bakker wist mijn naam.": "nl",
        "La panadería abrió para mí.": "es",
    }


def test_existing_stories_take_their_sessions_deck_language_else_english(share, facilitator):
    share("Het personeel wist mijn naam")
    in_session = Story.objects.get()
    in_session.session.deck.language = "nl"
    in_session.session.deck.save()
    elsewhere = StoryFactory(language="fr")
    portuguese = start_session(facilitator)
    portuguese.deck.language = "pt"  # a deck may be in a language the app does not ship
    portuguese.deck.save()
    deck_not_shipped = StoryFactory(session=portuguese, language="de")
    Story.objects.update(language="en")
    MIGRATION.stories_take_their_decks_language(apps, None)
    assert Story.objects.get(pk=in_session.pk).language == "nl"
    assert Story.objects.get(pk=elsewhere.pk).language == "en"
    assert Story.objects.get(pk=deck_not_shipped.pk).language == "en"


def test_every_shipped_language_has_a_search_configuration_in_the_code_and_the_column():
    shipped = [code for code, _name in settings.LANGUAGES]
    assert list(search.CONFIGS) == shipped
    assert MIGRATION.CONFIGS == search.CONFIGS


def test_staff_correct_a_storys_language_in_the_admin_and_search_follows(
    curator, facilitator_client
):
    curator.is_superuser = True
    curator.save()
    admin = Client()
    admin.force_login(curator)
    # A phone set to English, an answer written in Dutch.
    walks = StoryFactory(text="We maakten lange wandelingen langs de kust.", valence="")
    change = reverse("admin:stories_story_change", args=[walks.pk])
    form = admin.get(change).context["adminform"].form
    assert form["language"].value() == "en"
    data = {"valence": "", "cx_level": "", "language": "nl", "tags": "", "is_featured": ""}
    assert admin.post(change, data).status_code == 302
    walks.refresh_from_db()
    assert walks.language == "nl"
    if ON_POSTGRESQL:
        assert found(facilitator_client, "wandeling") == [walks.pk]


# Search: the story's own language


def test_a_dutch_story_is_found_by_another_form_of_its_word(facilitator_client):
    walks = StoryFactory(text="We maakten lange wandelingen langs de kust.", language="nl")
    StoryFactory(text="De fietsenmaker hielp me meteen.", language="nl")
    assert found(facilitator_client, "wandelingen") == [walks.pk]
    if ON_POSTGRESQL:
        assert found(facilitator_client, "wandeling") == [walks.pk]
        # "de" is a Dutch stop word: read in Dutch, the query asks only for "wandeling".
        assert found(facilitator_client, "de wandeling") == [walks.pk]


def test_a_german_story_is_found_by_another_form_of_its_word(facilitator_client):
    hikes = StoryFactory(text="Die Wanderungen im Schwarzwald waren herrlich.", language="de")
    StoryFactory(text="Die Bäckerin kannte meinen Namen.", language="de")
    assert found(facilitator_client, "Wanderungen") == [hikes.pk]
    if ON_POSTGRESQL:
        assert found(facilitator_client, "Wanderung") == [hikes.pk]


def test_a_french_story_is_found_by_another_form_of_its_word(facilitator_client):
    horses = StoryFactory(text="Les chevaux du manège étaient calmes.", language="fr")
    StoryFactory(text="Le boulanger connaissait mon nom.", language="fr")
    assert found(facilitator_client, "chevaux") == [horses.pk]
    if ON_POSTGRESQL:
        assert found(facilitator_client, "cheval") == [horses.pk]
    # Both fallbacks remove diacritics: "manege" finds "manège".
    assert found(facilitator_client, "manege") == [horses.pk]


def test_an_english_story_is_still_found_by_its_stem_among_other_languages(facilitator_client):
    waited = StoryFactory(text="The nurse waited with me until my daughter arrived.")
    StoryFactory(text="We maakten lange wandelingen langs de kust.", language="nl")
    assert found(facilitator_client, "waiting") == [waited.pk]


def test_a_query_is_read_in_each_storys_own_language(facilitator_client):
    english = StoryFactory(text="I thought the phone would die before the call ended.")
    dutch = StoryFactory(text="De telefoon die ik kocht viel meteen uit.", language="nl")
    if ON_POSTGRESQL:
        # "die" is a word in English and a stop word in Dutch: only the English story has it.
        assert found(facilitator_client, "die") == [english.pk]
    else:
        assert set(found(facilitator_client, "die")) == {english.pk, dutch.pk}


def test_a_match_in_another_language_is_highlighted_and_ranked(facilitator_client):
    in_text = StoryFactory(text="Onze wandelingen met de gids waren prachtig.", language="nl")
    in_prompt = StoryFactory(
        prompt="Vertel over een wandeling.", text="De gids wachtte op ons.", language="nl"
    )
    query = "wandeling" if ON_POSTGRESQL else "wandelingen"
    response = facilitator_client.get(reverse("stories:archive"), {"q": query})
    assert "<mark>wandelingen</mark>" in response.content.decode()
    if ON_POSTGRESQL:
        assert found(facilitator_client, query) == [in_text.pk, in_prompt.pk]


# The story page


def test_the_story_page_says_the_language_only_when_it_is_not_the_readers(facilitator_client):
    dutch = StoryFactory(text="De bakker wist mijn naam.", language="nl")
    english = StoryFactory(text="The baker knew my name.")
    page = facilitator_client.get(dutch.get_absolute_url()).content.decode()
    assert "Told in" in page and "<dd>Dutch</dd>" in page
    assert '<blockquote class="story__text" lang="nl">' in page
    assert "Told in" not in facilitator_client.get(english.get_absolute_url()).content.decode()
