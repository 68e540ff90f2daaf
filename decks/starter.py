"""The starter decks every installation ships with, written from the seed articles: one file a
language in starter_decks/ (en.json, nl.json, ...), each written for that language's audience."""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from decks import transfer
from decks.models import Deck

STARTER_FOLDER = Path(__file__).with_name("starter_decks")
LIBRARY_OWNER_EMAIL = "library@cx-workshop.invalid"


def library_owner():
    """The account that owns the starter decks; nobody can log in with it."""
    User = get_user_model()
    owner, created = User.objects.get_or_create(
        email=LIBRARY_OWNER_EMAIL, defaults={"name": "CX Workshop", "is_active": False}
    )
    if created:
        owner.set_unusable_password()
        owner.save(update_fields=["password"])
    return owner


def starter_documents():
    """Every starter deck's document, language by language (the files' names)."""
    return [
        document
        for path in sorted(STARTER_FOLDER.glob("*.json"))
        for document in json.loads(path.read_text(encoding="utf-8"))["decks"]
    ]


@transaction.atomic
def load_starter_decks():
    """Add the starter decks that are missing; return the titles added.

    A deck already there (by its slug) is left exactly as it is, so loading twice changes nothing.
    """
    documents = starter_documents()
    missing = [doc for doc in documents if not Deck.objects.filter(slug=doc["slug"]).exists()]
    if not missing:
        return []
    owner = library_owner()
    added = []
    for document in missing:
        data = transfer.parse_json(json.dumps(document))
        transfer.create_deck(
            owner,
            data,
            slug=document["slug"],
            status=Deck.Status.APPROVED,
            is_featured=document.get("featured", False),
        )
        added.append(data.title)
    return added
