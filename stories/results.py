"""One page of the archive's results, found without counting them all.

Counting every story a search or a filter selects cost as much as finding them on a large
archive, and the page needs only twenty. So a page fetches PAGE_SIZE + 1 stories: the extra
one says whether there is a next page. The pager says "Page N", never "of M"; how many
stories match is in the filter panel, which the counts route fills in after the results
(stories/facets.py). A search ranks the newest matches only: see stories/search.py.
"""

from dataclasses import dataclass, field

from stories import search

PAGE_SIZE = 20
# A page number beyond this is read as the last page anyone could ask for (and no database
# is asked to skip more rows than it can count).
MAX_PAGE = 1_000_000


@dataclass
class Page:
    """A page of stories, with what the pager needs (the names Django's Page uses)."""

    number: int
    object_list: list = field(default_factory=list)
    has_next: bool = False

    @property
    def has_previous(self):
        return self.number > 1

    def has_other_pages(self):
        return self.has_previous or self.has_next

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1

    @property
    def is_past_the_end(self):
        """A page after the last one (an old link, or a number typed in the address)."""
        return self.number > 1 and not self.object_list


def page_number(value):
    """The page asked for: 1 for anything that is not a page number."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), MAX_PAGE)


def page(form, number, size=PAGE_SIZE):
    """Page `number` of the stories an ArchiveFilterForm selects: best match first when
    searching, else newest first."""
    start = (number - 1) * size
    if form.query:
        pks = ranked_pks(form, start, size + 1)
    else:
        pks = list(
            form.stories()
            .order_by("-created_at", "-id")
            .values_list("pk", flat=True)[start : start + size + 1]
        )
    return Page(number, stories_in_order(form, pks[:size]), has_next=len(pks) > size)


def ranked_pks(form, start, how_many):
    """pks of the search's results from `start`: the ranked ones first, then older matches."""
    unmatched = form.stories(without=["q"])
    ranked = search.first_ranked(unmatched, form.query)
    pks = ranked[start : start + how_many]
    if len(ranked) == search.RANKED and len(pks) < how_many:
        skip = max(0, start - len(ranked))
        older = search.older_matches(unmatched, form.query, than=min(ranked))
        pks += older.values_list("pk", flat=True)[skip : skip + how_many - len(pks)]
    return pks


def stories_in_order(form, pks):
    """The stories with these pks, in that order, ready for the page (excerpts too)."""
    if not pks:
        return []
    stories = form.stories(without=["q"]).filter(pk__in=pks)
    by_pk = {story.pk: story for story in stories.prefetch_related("tags")}
    if form.query:
        for pk, excerpt in search.excerpts(list(by_pk), form.query).items():
            by_pk[pk].excerpt = excerpt
    return [by_pk[pk] for pk in pks if pk in by_pk]
