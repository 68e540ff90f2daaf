"""The archive in figures, laid out here as SVG geometry: no chart library, no script.

Each chart carries a title, a one-sentence text alternative and its figures, so the
template can draw it and also offer it as a table.
"""

from dataclasses import dataclass, field

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from stories.models import Story, Valence

MONTHS = 12
TOP = 8
# Drawing sizes in SVG user units; the SVG scales to the width of the page.
WIDTH = 440
COLUMN_HEIGHT = 180
ROW_HEIGHT = 52
LABEL_LENGTH = 46


@dataclass
class Bar:
    label: str
    value: int
    total: int
    tone: str = ""
    short_label: str = ""
    full_label: str = ""
    sublabel: str = ""
    # Geometry, filled in by the chart's layout.
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0

    @property
    def percent(self):
        return round(100 * self.value / self.total) if self.total else 0


@dataclass
class Chart:
    slug: str
    title: str
    kind: str  # "columns" (over time) or "rows" (a split or a ranking)
    bars: list = field(default_factory=list)
    summary: str = ""

    @property
    def total(self):
        return sum(bar.value for bar in self.bars)

    @property
    def height(self):
        if self.kind == "columns":
            return COLUMN_HEIGHT + 60
        return max(len(self.bars), 1) * ROW_HEIGHT

    @property
    def width(self):
        return WIDTH

    def lay_out(self):
        top = max((bar.value for bar in self.bars), default=0) or 1
        if self.kind == "columns":
            step = WIDTH / max(len(self.bars), 1)
            for index, bar in enumerate(self.bars):
                bar.width = step * 0.7
                bar.x = index * step + step * 0.15
                bar.height = COLUMN_HEIGHT * bar.value / top
                bar.y = 20 + COLUMN_HEIGHT - bar.height
        else:
            for index, bar in enumerate(self.bars):
                bar.y = index * ROW_HEIGHT
                # Room is left at the end of the longest bar for its figure.
                bar.width = (WIDTH - 100) * bar.value / top
        return self


def month_starts(today, count):
    year, month = today.year, today.month
    starts = []
    for _index in range(count):
        starts.append((year, month))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(starts))


def over_time(stories):
    today = timezone.localdate()
    months = month_starts(today, MONTHS)
    first_year, first_month = months[0]
    since = timezone.make_aware(timezone.datetime(first_year, first_month, 1))
    counts = {
        (month.year, month.month): n
        for month, n in stories.filter(created_at__gte=since)
        .annotate(month=TruncMonth("created_at"))
        .values_list("month")
        .annotate(n=Count("id"))
        .order_by()
    }
    total = sum(counts.values())
    bars = []
    for year, month in months:
        first_day = timezone.datetime(year, month, 1)
        bar = Bar(formats.date_format(first_day, "M Y"), counts.get((year, month), 0), total)
        bar.short_label = formats.date_format(first_day, "M")
        # The year under January, and under the first month unless January is close.
        bar.sublabel = str(year) if month == 1 or (not bars and month <= 10) else ""
        bars.append(bar)
    busiest = max(bars, key=lambda bar: bar.value)
    summary = _(
        "%(total)s stories in the last %(months)s months; the most in %(month)s (%(n)s)."
    ) % {
        "total": total,
        "months": MONTHS,
        "month": busiest.label,
        "n": busiest.value,
    }
    title = _("Stories shared per month")
    return Chart("over-time", title, "columns", bars, summary).lay_out()


def split(slug, title, stories, field_name, choices):
    counts = dict(stories.values_list(field_name).annotate(n=Count("id")).order_by())
    total = sum(counts.values())
    bars = [Bar(str(label), counts.get(value, 0), total, value) for value, label in choices]
    if counts.get(""):
        bars.append(Bar(_("Not set"), counts[""], total, "none"))
    return Chart(slug, title, "rows", bars, figures_summary(bars)).lay_out()


def ranking(slug, title, rows, total):
    bars = [Bar(Truncator(str(label)).chars(LABEL_LENGTH), n, total) for label, n in rows[:TOP]]
    return Chart(slug, title, "rows", bars, figures_summary(bars)).lay_out()


def figures_summary(bars):
    if not any(bar.value for bar in bars):
        return _("No stories yet.")
    return "; ".join(f"{bar.label}: {bar.value} ({bar.percent}%)" for bar in bars) + "."


def charts(stories):
    """Every chart of the insights page for these (published) stories."""
    total = stories.count()
    tags = stories.tag_counts().values_list("name", "n")
    prompts = stories.values_list("prompt").annotate(n=Count("id")).order_by("-n", "prompt")
    return [
        over_time(stories),
        split("valence", _("How the memories felt"), stories, "valence", Valence.choices),
        split("level", _("CX levels"), stories, "cx_level", Story.CxLevel.choices),
        ranking("tags", _("Top tags"), list(tags[:TOP]), total),
        ranking("prompts", _("Questions that drew the most stories"), list(prompts[:TOP]), total),
    ]
