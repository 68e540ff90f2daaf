"""Markdown files people download (a digest, a session summary) show what people typed as text:
a value cannot add a heading, a quote, a list, a table, raw HTML or a link, nor leave the line
the file gave it.

No Markdown renderer is installed, so the files are checked by their shape: each line's kind
(heading, quote, blank, text) with hostile values is the shape with harmless values of the
same length, and no markup character is left unescaped.
"""

import re

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from cxworkshop.downloads import markdown_quote, markdown_text
from sessions.models import Participant
from stories.models import Digest
from tests.factories import StoryFactory
from tests.live_sessions.conftest import start_session

pytestmark = pytest.mark.django_db

CORPUS = [
    "# Forged heading",
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "![img](http://evil.example/x.png)",
    "<javascript:alert(1)>",
    "`code` and ```fence",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "> a forged quote",
    "- a forged item",
    "1. a forged step",
    "Line one\n\n## Line two\n===\n---",
    "**bold** _it_ ~~gone~~ &lt;b&gt; &amp;",
    "\\[escaped\\] \\\\",
    "    indented code",
]
# A character the escaping leaves unescaped: preceded by an even number of backslashes.
UNESCAPED = re.compile(r"(?:^|[^\\])(?:\\\\)*([<\[\]`|&])", re.MULTILINE)


def harmless(value):
    """The same value with every visible character an "a": the shape a value should have."""
    return re.sub(r"\S", "a", value)


def shape(markdown):
    kinds = []
    for line in markdown.splitlines():
        heading = re.match(r"#{1,6} ", line)
        if heading:
            kinds.append(heading.group())
        elif line.startswith(">"):
            kinds.append(">")
        elif re.match(r" {0,3}([-+*]|\d+[.)])( |$)", line):
            kinds.append("list")
        else:
            kinds.append("blank" if not line.strip() else "text")
    return kinds


def assert_literal(hostile, benign):
    assert shape(hostile) == shape(benign)
    assert not UNESCAPED.findall(hostile), UNESCAPED.findall(hostile)
    assert "](" not in hostile


def digest_markdown(client, value):
    story = StoryFactory(prompt=value, text=value, share_with=value, author_name=value)
    digest = Digest.objects.create(title=value, introduction=value)
    digest.stories.add(story)
    url = reverse("stories:digest-download", args=[digest.pk, "md"])
    return client.get(url).content.decode()


@pytest.mark.parametrize("value", CORPUS)
def test_a_digest_shows_every_typed_value_as_text(facilitator_client, value):
    hostile = digest_markdown(facilitator_client, value)
    benign = digest_markdown(facilitator_client, harmless(value))
    assert_literal(hostile, benign)
    assert hostile.count("\n## ") == 1


def summary_markdown(client, owner, phone, value):
    session = start_session(owner, title=value)
    session.reveal_next()
    browser = phone(session, "Ana")
    browser.post(reverse("live_sessions:answer", args=[session.join_code]), {"text": value})
    Participant.objects.filter(session=session).update(display_name=value)
    card = session.cards.get(position=1)
    card.prompt = value
    card.save()
    url = reverse("live_sessions:summary-export", args=[session.pk, "md"])
    return client.get(url).content.decode()


@pytest.mark.parametrize("value", CORPUS)
def test_a_session_summary_shows_every_typed_value_as_text(
    facilitator_client, facilitator, phone, value
):
    hostile = summary_markdown(facilitator_client, facilitator, phone, value)
    benign = summary_markdown(facilitator_client, facilitator, phone, harmless(value))
    assert_literal(hostile, benign)
    assert "\n> " in hostile


@given(st.one_of(st.text(), st.sampled_from(CORPUS)))
def test_escaped_text_reads_back_as_typed_on_one_line(value):
    escaped = markdown_text(value)
    assert "\n" not in escaped and "\r" not in escaped
    assert re.sub(r"\\(.)", r"\1", escaped) == " ".join(value.split())
    assert not UNESCAPED.findall(escaped)
    quoted = markdown_quote(value)
    assert all(line.startswith("> ") for line in quoted.split("\n"))
