"""Fill the archive with believable stories for development and benchmarks.

    manage.py seed_stories --count 100000

Stories are spread over the last two years across seeded sessions, with feelings,
CX levels, tags and about a third shared anonymously. Each session ran for an hour or two
in working hours on a day before today (in the server's time zone), and its stories were
told while it ran, so a session and its stories share one date whenever the command runs.
Rows go in with bulk inserts; on SQLite the full-text triggers index them as they land.
"""

import random
import secrets
from datetime import datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from accounts.models import User
from decks.models import Card, Deck
from sessions.models import LiveSession
from stories.models import Story, Valence

SEED_EMAIL = "archive-seed@example.com"
STORIES_PER_SESSION = 25
MAX_SESSIONS = 2000
DAYS = 730

PROMPTS = [
    "Think of a customer experience that made you feel valued beyond any other. What happened?",
    "Think of a customer experience that left you feeling frustrated. What happened?",
    "If you could share one of your customer experience memories with anyone, which would it be?",
    "“Help me have a moment.” When did a company give you a moment that really mattered?",
    "A company made a real mistake with you, and you stayed. What did they do?",
    "Which customer story would you tell a new colleague on their first day?",
]
PLACES = [
    "at the airport in Lisbon",
    "in a small bakery",
    "on the phone with my bank",
    "at the hotel reception",
    "in the hospital",
    "at the bike shop",
    "on a night train",
    "in the supermarket",
    "at the garage",
    "in a bookshop",
    "with my energy supplier",
    "at the pharmacy",
    "in a coffee bar",
    "with the insurance company",
    "at the vet",
]
PEOPLE = [
    "the gate agent",
    "the baker",
    "a nurse",
    "the receptionist",
    "the mechanic",
    "a young trainee",
    "the manager",
    "the barista",
    "a call-centre agent",
    "the pharmacist",
]
VALUED = [
    "remembered my name and my usual order",
    "stayed after closing time to fix my problem",
    "called me back the next morning without being asked",
    "waived the fee and apologised for the waiting",
    "noticed I was nervous and explained every step",
    "sent a handwritten card after my complaint",
    "found a seat for my grandmother on a full flight",
]
FRUSTRATED = [
    "kept me waiting on hold for an hour",
    "transferred me five times and nobody listened",
    "promised a refund that never arrived",
    "blamed me for their own mistake",
    "sent the wrong parcel twice and closed my ticket",
    "made me fill in the same form three times",
]
ENDINGS = [
    "I still tell this story to friends.",
    "It changed how I treat my own customers.",
    "I have been loyal ever since.",
    "I switched to a competitor the same week.",
    "Small gestures matter more than big campaigns.",
    "It felt like they really cared about my needs.",
    "Nobody seemed to own the problem.",
]
SHARE_WITH = [
    "My team, so they see what a small gesture does.",
    "Our CEO, because it shows what loyalty is made of.",
    "New colleagues on their first day.",
    "Everyone who writes our service scripts.",
    "",
    "",
]
TAGS = [
    "loyalty",
    "waiting",
    "empathy",
    "recovery",
    "personal touch",
    "complaint",
    "onboarding",
    "travel",
    "banking",
    "retail",
    "health",
    "feel good friday",
]
NAMES = [
    "Amira",
    "Bram",
    "Chloé",
    "Daan",
    "Elif",
    "Finn",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
    "Kim",
    "Lotte",
    "Mateo",
    "Noor",
    "Olga",
    "Pieter",
    "Rosa",
    "Sami",
    "Tess",
    "Yusuf",
]


def story_fields(rng):
    valence = rng.choices(
        [Valence.VALUED, Valence.FRUSTRATED, Valence.MIXED, ""], weights=[50, 30, 12, 8]
    )[0]
    deeds = FRUSTRATED if valence == Valence.FRUSTRATED else VALUED
    text = (
        f"{rng.choice(PLACES).capitalize()}, {rng.choice(PEOPLE)} {rng.choice(deeds)}. "
        f"{rng.choice(ENDINGS)}"
    )
    if valence == Valence.MIXED:
        text += f" But later they {rng.choice(FRUSTRATED)}."
    return {
        "text": text,
        "prompt": rng.choice(PROMPTS),
        "valence": valence,
        "share_with": rng.choice(SHARE_WITH),
        "cx_level": rng.choice(["", "", *Story.CxLevel.values]),
        "author_name": rng.choice(NAMES) if rng.random() > 0.35 else "",
        "is_featured": rng.random() < 0.03,
    }


class Command(BaseCommand):
    help = "Add N believable stories to the archive (for development and benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=200, help="How many stories to add.")
        parser.add_argument("--batch", type=int, default=5000, help="Rows per insert.")
        parser.add_argument("--seed", type=int, default=None, help="Random seed, to repeat a run.")

    def handle(self, *args, count, batch, seed, **options):
        if count < 1 or batch < 1:
            raise CommandError("--count and --batch must be at least 1.")
        rng = random.Random(seed)
        started = timezone.now()
        sessions = self.sessions(rng, min(MAX_SESSIONS, max(1, count // STORIES_PER_SESSION)))
        tags = [Tag.objects.get_or_create(name=name)[0] for name in TAGS]
        content_type = ContentType.objects.get_for_model(Story)
        added = 0
        while added < count:
            size = min(batch, count - added)
            with transaction.atomic():
                stories = []
                for _index in range(size):
                    session = rng.choice(sessions)
                    length = (session.ended_at - session.created_at).total_seconds()
                    created = session.created_at + timedelta(seconds=rng.uniform(0, length))
                    stories.append(Story(session=session, created_at=created, **story_fields(rng)))
                Story.objects.bulk_create(stories)
                TaggedItem.objects.bulk_create(
                    TaggedItem(tag=tag, content_type=content_type, object_id=story.pk)
                    for story in stories
                    for tag in rng.sample(tags, rng.choice([0, 1, 1, 2]))
                )
            added += size
            if self.stdout.isatty():
                self.stdout.write(f"{added}/{count} stories", ending="\r")
        # Fresh planner statistics, so searches use the full-text index at once.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        seconds = (timezone.now() - started).total_seconds()
        self.stdout.write(f"Added {count} stories in {seconds:.1f} s.")

    def sessions(self, rng, how_many):
        """Ended sessions to hang stories on, each dated when it ran."""
        user, created = User.objects.get_or_create(
            email=SEED_EMAIL, defaults={"name": "Archive seed"}
        )
        if created:
            user.set_unusable_password()
            user.save()
        deck = Deck.objects.filter(cards__kind=Card.Kind.MEMORY).first() or Deck.objects.create(
            title="Seeded memories", slug=f"seeded-memories-{secrets.token_hex(3)}", owner=user
        )
        now = timezone.now()
        sessions = LiveSession.objects.bulk_create(
            LiveSession(
                deck=deck,
                facilitator=user,
                title=f"{rng.choice(['Kick-off', 'CX day', 'Team offsite', 'Onboarding'])} "
                f"#{number + 1}",
                join_code=secrets.token_hex(3).upper(),
                status=LiveSession.Status.ENDED,
                ended_at=now,
            )
            for number in range(how_many)
        )
        today = timezone.localdate()
        for session in sessions:
            day = today - timedelta(days=rng.randint(1, DAYS))
            session.created_at = timezone.make_aware(
                datetime.combine(day, time(rng.randint(9, 16)))
            )
            session.ended_at = session.created_at + timedelta(minutes=rng.randint(60, 120))
        LiveSession.objects.bulk_update(sessions, ["created_at", "ended_at"])
        return sessions
