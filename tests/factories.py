"""Factories for the objects tests need, with believable defaults."""

import factory

from accounts.models import User
from decks.models import Card, Deck
from stories.credits import set_credits
from stories.models import Story, Valence

PASSWORD = "a-long-test-passphrase"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"facilitator{n}@example.com")
    name = factory.Sequence(lambda n: f"Facilitator {n}")
    password = factory.django.Password(PASSWORD)


class DeckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deck

    title = factory.Sequence(lambda n: f"Workshop deck {n}")
    description = "Questions to open a customer-experience workshop."
    owner = factory.SubFactory(UserFactory)


class LibraryDeckFactory(DeckFactory):
    status = Deck.Status.APPROVED


class CardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Card

    deck = factory.SubFactory(DeckFactory)
    prompt = factory.Sequence(lambda n: f"Which customer moment number {n} would you share?")
    position = factory.LazyAttribute(lambda card: card.deck.next_position())


def deck_with_cards(count=3, **fields):
    deck = DeckFactory(**fields)
    for _ in range(count):
        CardFactory(deck=deck)
    return deck


class StoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Story
        skip_postgeneration_save = True

    text = factory.Sequence(lambda n: f"The shop assistant number {n} made my day.")
    prompt = "Think of a customer experience that made you feel valued. What happened?"
    author_name = "Ana"
    valence = Valence.VALUED

    @factory.post_generation
    def tags(story, create, names, **kwargs):
        if create and names:
            story.tags.add(*names)


def credited_story(people=(), teams=(), **fields):
    """A story crediting these people and teams (typed names, as `set_credits` takes them)."""
    story = StoryFactory(**fields)
    set_credits(story, people=people, teams=teams)
    return story
