"""Pairing a room (sessions/pairing.py): everyone in exactly one group, one three when the
count is odd, and no earlier partner again while a grouping without a repeat exists, checked
against every possible grouping of small rooms."""

import random
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from sessions.pairing import group_people, partners, repeats


def every_grouping(people):
    """All ways to put `people` in pairs, with one three when their number is odd."""
    people = list(people)
    if not people:
        yield []
        return
    first, rest = people[0], people[1:]
    if len(people) % 2:
        for i, a in enumerate(rest):
            for b in rest[i + 1 :]:
                left = [p for p in rest if p not in (a, b)]
                for grouping in every_grouping_even(left):
                    yield [(first, a, b), *grouping]
    for grouping in every_grouping_even_or_odd(rest, first):
        yield grouping


def every_grouping_even(people):
    if not people:
        yield []
        return
    first, rest = people[0], people[1:]
    for other in rest:
        for grouping in every_grouping_even([p for p in rest if p != other]):
            yield [(first, other), *grouping]


def every_grouping_even_or_odd(rest, first):
    """`first` in a pair, the others grouped (with the three among them when odd)."""
    for other in rest:
        left = [p for p in rest if p != other]
        if len(left) == 1:
            continue
        for grouping in every_grouping(left):
            yield [(first, other), *grouping]


def could_avoid_repeats(people, met):
    return any(not repeats(grouping, met) for grouping in every_grouping(people))


def play(rooms, seed=1):
    """Pair each room in turn (a list of people per round); what each round repeated, and
    whether it could have avoided that."""
    met = Counter()
    outcomes = []
    for number, people in enumerate(rooms):
        groups = group_people(people, met, random.Random(f"{seed}:{number}"), circle_round=number)
        assert sorted(person for group in groups for person in group) == sorted(people)
        sizes = sorted(len(group) for group in groups)
        assert sizes == [2] * (len(people) // 2 - 1) + [len(people) - 2 * (len(people) // 2 - 1)]
        outcomes.append((repeats(groups, met), could_avoid_repeats(people, met)))
        met.update(partners(groups))
    return outcomes


def test_everyone_is_in_exactly_one_group_and_an_odd_room_makes_one_three():
    for size in range(2, 12):
        play([list(range(size))] * 3)


def test_no_partner_repeats_while_a_grouping_without_repeats_exists():
    for size in range(2, 10):
        for repeated, avoidable in play([list(range(size))] * (size + 1)):
            assert not (repeated and avoidable)


def test_a_stable_even_room_meets_everyone_once_in_n_minus_one_rounds():
    for size in (4, 6, 10, 40):
        met = Counter()
        people = list(range(size))
        for number in range(size - 1):
            groups = group_people(people, met, random.Random(number), circle_round=number)
            assert not repeats(groups, met)
            met.update(partners(groups))
        assert len(met) == size * (size - 1) // 2


def test_the_same_history_and_seed_give_the_same_groups():
    met = Counter({frozenset((1, 2)): 1, frozenset((3, 4)): 1})
    first = group_people(range(1, 8), met, random.Random("7:2"))
    again = group_people(range(1, 8), met, random.Random("7:2"))
    assert first == again


def test_one_person_is_a_group_of_one_and_nobody_no_group():
    assert group_people([5], Counter(), random.Random(0)) == [(5,)]
    assert group_people([], Counter(), random.Random(0)) == []


def test_when_every_grouping_repeats_the_groups_repeat_as_few_partners_as_they_can():
    # Four people who have all met once, and Ana and Ben twice: Ana and Ben are kept apart.
    met = Counter({frozenset(pair): 1 for pair in [(1, 2), (1, 3), (1, 4), (2, 3), (2, 4), (3, 4)]})
    met[frozenset((1, 2))] = 2
    groups = group_people([1, 2, 3, 4], met, random.Random(0))
    assert frozenset((1, 2)) not in partners(groups)


@settings(max_examples=60, deadline=None)
@given(
    rooms=st.lists(
        st.sets(st.integers(min_value=0, max_value=8), min_size=2, max_size=9),
        min_size=1,
        max_size=6,
    ),
    seed=st.integers(min_value=0, max_value=10**6),
)
def test_people_coming_and_going_never_repeat_a_partner_that_could_be_avoided(rooms, seed):
    for repeated, avoidable in play([sorted(room) for room in rooms], seed):
        assert not (repeated and avoidable)
