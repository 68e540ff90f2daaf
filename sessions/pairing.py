"""Pairing a room up for a round of talk: pairs of two, one three when the count is odd, and
no one with an earlier partner while the room can still be grouped without a repeat.

Pure functions of the people, who met whom, and a seeded random (the session's seed and the
round), so the same history always gives the same groups. `LiveSession.pair_up` stores them.

How: a stable room of n people gets the circle method's round-robin first (n - 1 rounds, each
person meeting everyone once). When it would repeat a partner (people joined or left), a
search of the groupings without a repeat takes over: exhaustive for a small room, bounded
(by steps, not time) for a big one; only when it finds none do the groups keep repeats as
few as possible. A round of 1,000 people, stored, takes 0.1 s (round-robin) to 0.4 s (search,
after 37 left) on a laptop core.
"""

from collections import Counter

SEARCH_STEPS = 2_000_000  # people the search may look at before it settles for repeats


def partners(groups):
    """Every pair of people who were in one group: {frozenset({a, b})}."""
    return {
        frozenset((a, b)) for group in groups for i, a in enumerate(group) for b in group[i + 1 :]
    }


def repeats(groups, met):
    """How many partners in `groups` met before (`met`: a Counter or set of frozensets)."""
    return sum(1 for pair in partners(groups) if pair in met)


def group_people(people, met, rng, circle_round=None):
    """`people` (ids, in a stable order) in groups of two, with one group of three when their
    number is odd (a single person alone is a group of one); `met` holds the pairs of people
    who were partners before. `circle_round` (0, 1, 2…): try that round of the round-robin
    of `people` first."""
    people = list(people)
    if len(people) < 2:
        return [tuple(people)] if people else []
    met = Counter(met)
    if circle_round is not None:
        groups = circle(people, circle_round)
        if not repeats(groups, met):
            return groups
    order = list(people)
    rng.shuffle(order)
    groups = fresh_groups(order, met, SEARCH_STEPS)
    return groups if groups is not None else fewest_repeats(order, met)


def circle(people, round_index):
    """Round `round_index` of the circle method: the first person stays, the others turn
    one place each round; an odd room gets an empty seat, whose partner joins the next pair."""
    seats = list(people) + ([None] if len(people) % 2 else [])
    size = len(seats)
    turn = round_index % (size - 1)
    rest = seats[1:]
    rest = rest[turn:] + rest[:turn]
    seats = [seats[0], *rest]
    groups = [(seats[i], seats[size - 1 - i]) for i in range(size // 2)]
    pairs = [group for group in groups if None not in group]
    alone = [person for group in groups if None in group for person in group if person is not None]
    if alone:
        pairs[0] = (*pairs[0], alone[0])
    return pairs


def fresh_groups(order, met, steps):
    """Groups without a repeated partner, by depth-first search (the person with the fewest
    possible partners first); None if there are none, or none found within `steps` (each step
    costs the number of people it looks at)."""
    budget = [steps]
    met_of = {person: set() for person in order}
    for pair in met:
        if pair <= met_of.keys():
            first, second = pair
            met_of[first].add(second)
            met_of[second].add(first)
    rank = {person: index for index, person in enumerate(order)}

    def search(left):
        if not left:
            return []
        budget[0] -= len(left)
        if budget[0] < 0:
            return None
        person = min(left, key=lambda p: (-len(met_of[p] & left), rank[p]))
        others = sorted((o for o in left if o != person and o not in met_of[person]), key=rank.get)
        if len(left) % 2:  # the one group of three is still to be made
            for i, first in enumerate(others):
                for second in others[i + 1 :]:
                    if second not in met_of[first]:
                        found = search(left - {person, first, second})
                        if found is not None:
                            return [(person, first, second), *found]
                        if budget[0] < 0:
                            return None
            if len(left) == 3:
                return None  # a pair would leave one person alone
        for other in others:
            found = search(left - {person, other})
            if found is not None:
                return [(person, other), *found]
            if budget[0] < 0:
                return None
        return None

    return search(frozenset(order))


def fewest_repeats(order, met):
    """Groups when every grouping repeats someone: each person, in turn, with whoever they
    met least often; the last one of an odd room joins the pair they met least."""
    left = list(order)
    groups = []
    while len(left) >= 2:
        person = left.pop(0)
        other = min(left, key=lambda candidate: met[frozenset((person, candidate))])
        left.remove(other)
        groups.append((person, other))
    if left:
        last = left[0]
        index = min(
            range(len(groups)),
            key=lambda i: sum(met[frozenset((last, member))] for member in groups[i]),
        )
        groups[index] = (*groups[index], last)
    return groups
