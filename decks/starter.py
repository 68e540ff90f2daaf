"""The starter decks every installation ships with, written from the seed articles."""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from decks import transfer
from decks.models import Deck

STARTER_FILE = Path(__file__).with_name("starter_decks.json")
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


@transaction.atomic
def load_starter_decks():
    """Add the starter decks that are missing; return the titles added.

    A deck already there (by its slug) is left exactly as it is, so loading twice changes nothing.
    """
    documents = json.loads(STARTER_FILE.read_text(encoding="utf-8"))["decks"]
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
