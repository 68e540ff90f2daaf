"""Who may open what: every URL of the project and every WebSocket route, tried by every role.

The expected answers live in ACCESS and SOCKETS below, one row per route. The routes come from
the URL resolver and the WebSocket router, so a new view or socket without a row fails
`test_every_route_has_a_row` until someone decides who may use it.

Roles: A anonymous visitor · P participant of this session · Q participant of another session ·
F a facilitator who does not own the deck, session or digest · O their owner · S staff.
"login" means a redirect to a log-in page; a number is the HTTP status.
"""

import re
from types import SimpleNamespace

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cxworkshop.asgi import application
from cxworkshop.routing import websocket_urlpatterns
from sessions import screens
from sessions.broadcast import PHONE, render_parts
from sessions.models import Answer, LiveSession
from sessions.screens import phone_context
from stories.credits import set_credits
from stories.models import Delivery, Digest, DigestSchedule, Story, SubmissionLink, Subscription
from tests.factories import CardFactory, DeckFactory, StoryFactory, UserFactory
from tests.live_sessions.conftest import start_session

ROLES = "APQFOS"
LOGIN = "login"


def row(method, expected, **kwargs):
    """One route: how to call it, and what each role gets, e.g. "login login login 200 200 200"."""
    answers = [int(word) if word.isdigit() else word for word in expected.split()]
    assert len(answers) == len(ROLES), expected
    return SimpleNamespace(method=method, expected=dict(zip(ROLES, answers, strict=True)), **kwargs)


EVERYONE_200 = "200 200 200 200 200 200"
SIGNED_IN_200 = "login login login 200 200 200"
STAFF_ONLY = "login login login login login 200"

ACCESS = {
    "home": row("get", "200 200 200 302 302 302"),  # signed in: straight to My decks
    "healthz": row("get", EVERYONE_200),
    # Accounts
    "signup": row("get", "200 200 200 302 302 302"),
    "login": row("get", "200 200 200 302 302 302"),
    "logout": row("post", "302 302 302 302 302 302"),
    "password_reset": row("get", EVERYONE_200),
    "password_reset_done": row("get", EVERYONE_200),
    "password_reset_confirm": row("get", EVERYONE_200, kwargs={"uidb64": "MQ", "token": "x-y"}),
    "password_reset_complete": row("get", EVERYONE_200),
    "password_change": row("get", SIGNED_IN_200),
    "password_change_done": row("get", SIGNED_IN_200),
    "language_setting": row("get", SIGNED_IN_200),
    # Decks: the owner's private deck; staff curate every deck but change only their own.
    "decks:deck-list": row("get", SIGNED_IN_200),
    "decks:library": row("get", SIGNED_IN_200),
    "decks:deck-create": row("get", SIGNED_IN_200),
    "decks:deck-import": row("get", SIGNED_IN_200),
    "decks:review-queue": row("get", "login login login login login 200"),
    "decks:deck-detail": row("get", "login login login 404 200 200"),
    "decks:deck-preview": row("get", "login login login 404 200 200"),
    "decks:deck-export": row("get", "login login login 404 200 200"),
    "decks:deck-print": row("get", "login login login 404 200 200"),
    "decks:deck-edit": row("get", "login login login 404 200 403"),
    "decks:deck-delete": row("get", "login login login 404 200 403"),
    "decks:deck-duplicate": row("post", "login login login 404 302 403"),
    "decks:deck-copy": row("post", "login login login 404 403 403"),
    "decks:deck-submit": row("post", "login login login 404 302 403"),
    "decks:deck-withdraw": row("post", "login login login 404 302 403"),
    "decks:deck-review": row("post", "login login login login login 302"),
    "decks:card-add": row("post", "login login login 404 400 403"),  # 400: the empty form
    "decks:cards-add-many": row("post", "login login login 404 400 403"),
    "decks:cards-reorder": row("post", "login login login 404 400 403"),
    "decks:card-detail": row("get", "login login login 404 302 302"),  # to the deck's page
    "decks:card-edit": row("get", "login login login 404 200 403"),
    "decks:card-delete": row("post", "login login login 404 302 403"),
    "decks:card-move": row("post", "login login login 404 302 403"),
    # Live sessions: the facilitator's screens are theirs alone (staff included out); the
    # phone's pages are for whoever joined this session.
    "live_sessions:session-list": row("get", SIGNED_IN_200),
    "live_sessions:session-start": row("get", "login login login 404 200 200"),
    "live_sessions:console": row("get", "login login login 404 200 404"),
    "live_sessions:room": row("get", "login login login 404 200 404"),
    "live_sessions:summary": row("get", "login login login 404 200 404"),
    "live_sessions:summary-export": row("get", "login login login 404 200 404"),
    "live_sessions:command": row("post", "403 403 403 404 302 404"),
    "live_sessions:answer-moderate": row("post", "403 403 403 404 302 404"),
    # One participant, as the facilitator manages them (400: the empty rename form).
    "live_sessions:participant-detail": row("get", "login login login 404 200 404"),
    "live_sessions:participant-rename": row("post", "403 403 403 404 400 404"),
    "live_sessions:participant-remove": row("post", "403 403 403 404 302 404"),
    # The timer (the empty form: the owner is sent back to the console with the message).
    "live_sessions:timer": row("post", "403 403 403 404 302 404"),
    # Co-facilitators: only the session's own facilitator adds or removes them (400: the empty
    # form; removing someone who was not one changes nothing). tests/live_sessions/
    # test_co_facilitators.py checks that a co-facilitator gets the "O" column elsewhere.
    "live_sessions:co-facilitator-add": row("post", "403 403 403 404 400 404"),
    "live_sessions:co-facilitator-remove": row("post", "403 403 403 404 302 404"),
    "live_sessions:join-code": row("get", EVERYONE_200),
    "live_sessions:join": row("get", EVERYONE_200),
    "live_sessions:answer": row("get", "403 200 403 403 403 403"),
    "live_sessions:pick": row("post", "403 302 403 403 403 403"),
    "live_sessions:thanks": row("get", "403 200 403 403 403 403"),
    "live_sessions:rename": row("post", "403 400 403 403 403 403"),  # 400: no name sent
    # Draw mode and passes: the participant's own (302: refused in this spread, back to the phone
    # with the reason); the facilitator gives the turn and sets the passes.
    "live_sessions:draw": row("post", "403 302 403 403 403 403"),
    "live_sessions:redraw": row("post", "403 302 403 403 403 403"),
    "live_sessions:own-draw": row("get", "403 200 403 403 403 403"),
    "live_sessions:pass": row("post", "403 302 403 403 403 403"),
    # The phone's language switch: the participant's own (302 back to the phone; nothing sent
    # here, so it says to choose a language).
    "live_sessions:language": row("post", "403 302 403 403 403 403"),
    "live_sessions:participant-turn": row("post", "403 403 403 404 302 404"),
    "live_sessions:passes": row("post", "403 403 403 404 302 404"),
    # Reactions: only a participant of this session, as themselves (400: no reaction sent).
    "live_sessions:react": row("post", "403 400 403 403 403 403"),
    # Stories: the archive is the organisation's, for everyone signed in; changing a story is
    # for its session's facilitator and staff; a participant's own page opens by its secret
    # link alone (whoever holds the link is the participant, as on the phone).
    "stories:archive": row("get", SIGNED_IN_200),
    "stories:archive-counts": row("get", SIGNED_IN_200),
    "stories:archive-export": row("get", SIGNED_IN_200),
    "stories:insights": row("get", SIGNED_IN_200),
    "stories:story-detail": row("get", SIGNED_IN_200),
    "stories:story-hide": row("post", "login login login 403 302 302"),
    "stories:story-feature": row("post", "login login login 403 403 302"),
    "stories:story-curate": row("post", "login login login 403 403 302"),
    # Who made it happen: named beside published stories, for everyone signed in.
    "stories:credit-list": row("get", SIGNED_IN_200),
    "stories:credit-detail": row(
        "get", SIGNED_IN_200, kwargs={"kind": "team", "slug": "night-shift"}
    ),
    "stories:digest-list": row("get", SIGNED_IN_200),
    "stories:digest-create": row("get", SIGNED_IN_200),
    "stories:digest-detail": row("get", SIGNED_IN_200),
    "stories:digest-edit": row("get", "login login login 403 200 200"),
    "stories:digest-delete": row("post", "login login login 403 302 302"),
    "stories:digest-newsletter": row("get", SIGNED_IN_200),
    "stories:digest-download": row("get", SIGNED_IN_200),
    # Stories told elsewhere: story links and their moderation are for staff; anyone signed in
    # adds a story by hand; a story link's form is for anyone who has its address.
    "stories:link-list": row("get", STAFF_ONLY),
    "stories:link-create": row("get", STAFF_ONLY),
    "stories:link-edit": row("get", STAFF_ONLY),
    "stories:link-open": row("post", "login login login login login 302"),
    "stories:moderation": row("get", STAFF_ONLY),
    "stories:story-decide": row("post", "login login login login login 302"),
    "stories:story-add": row("get", SIGNED_IN_200),
    "stories:story-import": row("get", STAFF_ONLY),
    "tell": row("get", EVERYONE_200),
    "stories:mine": row("get", EVERYONE_200),
    "stories:withdraw": row("post", "400 400 400 400 400 400"),  # 400: not confirmed
    # The digest by mail: everyone signed in subscribes their own address; schedules,
    # subscribers, invitations and approval are staff's; a subscription's confirm and
    # unsubscribe pages open by the token in its mails alone (400: an invitation without an
    # address; 302: approving the world's digest, which is no draft, says so on its page).
    "stories:subscription": row("get", SIGNED_IN_200),
    "stories:schedule-list": row("get", STAFF_ONLY),
    "stories:schedule-create": row("get", STAFF_ONLY),
    "stories:schedule-edit": row("get", STAFF_ONLY),
    "stories:subscriber-list": row("get", STAFF_ONLY),
    "stories:subscriber-invite": row("post", "login login login login login 400"),
    "stories:subscriber-resend": row("post", "login login login login login 302"),
    "stories:digest-approve": row("post", "login login login login login 302"),
    "stories:subscription-confirm": row("get", EVERYONE_200),
    "stories:unsubscribe": row("get", EVERYONE_200),
}

# Django's admin, by the kind of page. Only staff get in; a staff member sees the models they
# were given permissions for (none here: 403), a superuser sees everything (`superuser`).
NO_PERMISSION = "login login login login login 403"
ADMIN = {
    "index": row("get", STAFF_ONLY, superuser=200),
    "app_list": row("get", "login login login login login 404", superuser=200),
    "changelist": row("get", NO_PERMISSION, superuser=200),
    "add": row("get", NO_PERMISSION, superuser=200),
    "change": row("get", NO_PERMISSION, superuser=200),
    "history": row("get", NO_PERMISSION, superuser=200),
    "delete": row("get", NO_PERMISSION, superuser=200),
    "password_change": row("get", STAFF_ONLY, superuser=200),
    "password_change_done": row("get", STAFF_ONLY, superuser=200),
    "user_password_change": row("get", NO_PERMISSION, superuser=200),
    "merge_tags": row("get", NO_PERMISSION, superuser=200),
    "jsi18n": row("get", STAFF_ONLY, superuser=200),
    "autocomplete": row("get", NO_PERMISSION, superuser=403),  # 403: no field asked for
    "view_on_site": row("get", "login login login login login 302", superuser=302),
    "login": row("get", "200 200 200 200 200 302", superuser=302),
    "logout": row("post", "302 302 302 302 302 302", superuser=302),
}

# What must stay with some roles: the role letters that may see each text anywhere (pages,
# exports, socket frames). The participant's secret link is theirs alone.
SECRETS = {
    "unrevealed card": "Zq what is under the last block?",
    "private answer": "Zq only for the facilitator",
    "hidden story": "Zq a story staff hid",
    "hidden story's credit": "Zq Hidden Hal",
    "presenter notes": "Zq notes for the facilitator alone",
}
MAY_SEE = {"unrevealed card": "OS", "private answer": "O", "hidden story": "OS", "token": "P"}
# Named beside published stories only; staff see it in the hidden story's curation form.
MAY_SEE["hidden story's credit"] = "S"
# The notes are the deck's: its owner's console and pages, and staff who curate the deck.
MAY_SEE["presenter notes"] = "OS"

# WebSockets: True where the socket is accepted.
SOCKETS = {
    "ws/live/<int:pk>/host/": "no no no no yes no",
    "ws/live/<int:pk>/room/": "no no no no yes no",
    "ws/join/<joincode:code>/": "no yes no no no no",
}
# The same, once each browser has opened the room screen's private link (`?key=`): the room
# is then anyone's who holds the link, nothing else changes.
SOCKETS_WITH_ROOM_LINK = {**SOCKETS, "ws/live/<int:pk>/room/": "yes yes yes yes yes yes"}


def named_routes(resolver=None, namespace=""):
    """(name, keyword argument names) of every URL, walking includes; an unnamed URL is named
    by its pattern."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_routes(entry, inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else f"{namespace}<{entry.pattern}>"
            yield name, list(entry.pattern.regex.groupindex)


def admin_model(name):
    """The model an admin URL is about: "admin:decks_deck_change" -> Deck."""
    short = name.removeprefix("admin:")
    for model in admin.site._registry:
        if short.startswith(f"{model._meta.app_label}_{model._meta.model_name}_"):
            return model
    return None


def admin_kind(name):
    """ "admin:decks_deck_change" -> "change"; "admin:index" -> "index"."""
    short = name.removeprefix("admin:")
    model = admin_model(name)
    if model is not None:
        return short.removeprefix(f"{model._meta.app_label}_{model._meta.model_name}_")
    return short.removeprefix("auth_")  # the user admin's own password page


def test_every_route_has_a_row():
    missing = []
    for name, _arguments in named_routes():
        if name.startswith("admin:"):
            if admin_kind(name) not in ADMIN and not name.startswith("admin:<"):
                missing.append(name)
        elif name not in ACCESS:
            missing.append(name)
    assert not missing, f"Routes with no row in ACCESS: {missing}"
    socket_routes = {str(route.pattern) for route in websocket_urlpatterns}
    assert socket_routes == set(SOCKETS)


@pytest.fixture
def world(db, phone):
    return make_world(phone)


def make_world(phone):
    """An owner with a private deck, a running session with a participant's shared memory,
    a story and a digest; another facilitator with a session of their own; a staff member."""
    owner, facilitator, staff = UserFactory(), UserFactory(), UserFactory(is_staff=True)
    deck = DeckFactory(owner=owner, title="Monday kick-off")
    CardFactory(deck=deck, prompt="What made you smile?")
    CardFactory(
        deck=deck,
        prompt="Which customer memory would you share?",
        kind="memory",
        notes=SECRETS["presenter notes"],  # the card up on every screen
    )
    CardFactory(deck=deck, prompt=SECRETS["unrevealed card"])
    session = LiveSession.start(
        deck, owner, join_base_url="http://testserver", is_shuffled=False, mode="spread"
    )
    ana = phone(session, "Ana")
    cy = phone(session, "Cy")
    session.reveal_next()
    session.reveal_next()  # the memory card
    answer_url = reverse("live_sessions:answer", args=[session.join_code])
    ana.post(
        answer_url,
        {"text": "The baker knew my name.", "valence": "valued", "archive_consent": "named"},
    )
    cy.post(answer_url, {"text": SECRETS["private answer"], "is_private": "on"})
    answer = Answer.objects.get(participant__display_name="Ana")
    hidden = StoryFactory(session=session, text=SECRETS["hidden story"], status=Story.Status.HIDDEN)
    session.refresh_from_db()
    session.pass_turn()  # Ana's turn to pick the next block
    other_session = start_session(facilitator)
    digest = Digest.objects.create(title="Friday", created_by=owner)
    link = SubmissionLink.objects.create(campaign="Customer week", created_by=staff)
    digest.stories.add(answer.story)
    answer.story.tags.add("bakery")
    set_credits(answer.story, people=["Ana Ruiz"], teams=["Night shift"])
    set_credits(hidden, people=[SECRETS["hidden story's credit"]])
    schedule = DigestSchedule.objects.create(created_by=staff)
    subscription = Subscription.objects.create(email="reader@example.com", invited_by=staff)
    Delivery.objects.create(digest=digest, subscription=subscription)
    Group.objects.create(name="Curators")
    deck.status = deck.Status.SUBMITTED
    deck.save()
    browsers = {
        "A": Client(),
        "P": ana,
        "Q": phone(other_session, "Bo"),
        "F": logged_in(facilitator),
        "O": logged_in(owner),
        "S": logged_in(staff),
    }
    return SimpleNamespace(
        session=session, answer=answer, story=answer.story, digest=digest, deck=deck,
        card=deck.cards.first(), face_down=session.face_down_cards().first(),
        participant=answer.participant, browsers=browsers, staff=staff, hidden=hidden,
        link=link, schedule=schedule, subscription=subscription,
    )  # fmt: skip


def logged_in(user):
    browser = Client()
    browser.force_login(user)
    return browser


def url_for(name, arguments, world):
    """The URL of a route, its arguments filled from the world."""
    namespace = name.split(":")[0]
    values = {
        "slug": world.deck.slug,
        "card_id": world.face_down.pk if name == "live_sessions:pick" else world.card.pk,
        "code": world.session.join_code,
        "answer_id": world.answer.pk,
        "participant_id": world.participant.pk,
        "user_id": world.staff.pk,
        "story_id": world.story.pk,
        "token": world.link.token
        if name == "tell"
        else world.subscription.token
        if name in ("stories:subscription-confirm", "stories:unsubscribe")
        else world.participant.token,
        "file_format": "md" if name == "stories:digest-download" else "csv",
        "command": "end",
        "action": "hide",
        "decision": "publish" if name == "stories:story-decide" else "approve",
        "direction": "down",
        "pk": {
            "live_sessions": world.session.pk,
            "stories": world.digest.pk
            if "digest" in name
            else world.schedule.pk
            if "schedule" in name
            else world.subscription.pk
            if "subscriber" in name
            else world.link.pk
            if "link" in name
            else world.story.pk,
        }.get(namespace),
        **getattr(ACCESS.get(name), "kwargs", {}),
    }
    return reverse(name, kwargs={argument: values[argument] for argument in arguments})


def outcome(response):
    if response.status_code == 302 and "/login/" in response.url:
        return LOGIN
    return response.status_code


def routes():
    return [(name, arguments) for name, arguments in named_routes() if name in ACCESS]


@pytest.mark.parametrize("name, arguments", routes(), ids=[name for name, _ in routes()])
def test_each_role_gets_what_the_table_says(world, name, arguments):
    expected = ACCESS[name]
    url = url_for(name, arguments, world)
    got = {}
    for role in ROLES:
        with transaction.atomic():  # every role tries it on the same world
            got[role] = outcome(getattr(world.browsers[role], expected.method)(url))
            transaction.set_rollback(True)
    assert got == expected.expected, url


def admin_routes():
    return [
        (name, arguments)
        for name, arguments in named_routes()
        if name.startswith("admin:") and not name.startswith("admin:<")
    ]


def admin_url(name, arguments, world):
    model = admin_model(name)
    if model is None and "object_id" in arguments:
        model = world.staff.__class__
    values = {"app_label": "decks", "id": world.staff.pk}
    if model is not None:
        values["app_label"] = model._meta.app_label
        values["object_id"] = model.objects.order_by("pk").first().pk
    if name == "admin:view_on_site":
        values["content_type_id"] = ContentType.objects.get_for_model(Story).pk
        values["object_id"] = world.story.pk
    return reverse(name, kwargs={argument: values[argument] for argument in arguments})


@pytest.mark.parametrize("name, arguments", admin_routes(), ids=[n for n, _ in admin_routes()])
def test_each_role_gets_what_the_table_says_in_the_admin(world, name, arguments):
    expected = ADMIN[admin_kind(name)]
    url = admin_url(name, arguments, world)
    superuser = logged_in(UserFactory(is_staff=True, is_superuser=True))
    got = {}
    for role, browser in [*world.browsers.items(), ("superuser", superuser)]:
        with transaction.atomic():
            got[role] = outcome(getattr(browser, expected.method)(url))
            transaction.set_rollback(True)
    assert got == {**expected.expected, "superuser": expected.superuser}, url


def leaks(text, role, world):
    """The secrets in `text` that `role` may not see."""
    secrets = {**SECRETS, "token": world.participant.token}
    return [
        name for name, secret in secrets.items() if secret in text and role not in MAY_SEE[name]
    ]


def test_no_page_or_export_shows_a_role_what_it_may_not_see(world):
    urls = [
        url_for(name, arguments, world)
        for name, arguments in routes()
        if ACCESS[name].method == "get" and name != "stories:mine"  # that link is the token
    ]
    urls += [  # where hidden stories are shown to those who may see them
        reverse("stories:story-detail", args=[world.hidden.pk]),
        reverse("stories:archive") + "?hidden=on",
        reverse("stories:archive-counts") + "?hidden=on",
        reverse("stories:archive-export", args=["json"]) + "?hidden=on",
    ]
    seen = set()
    for url in urls:
        for role in ROLES:
            response = world.browsers[role].get(url, follow=True)
            text = response.content.decode()
            assert not leaks(text, role, world), (url, role, leaks(text, role, world))
            seen.update(secret for secret in [*SECRETS, "token"] if role in MAY_SEE[secret]
                        and (SECRETS.get(secret) or world.participant.token) in text)  # fmt: skip
    assert seen == {*SECRETS, "token"}  # each secret does reach whoever may see it


async def socket_accepted(path, browser, world, role):
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if browser.cookies:
        cookies = "; ".join(f"{name}={cookie.value}" for name, cookie in browser.cookies.items())
        headers.append((b"cookie", cookies.encode()))
    socket = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await socket.connect()
    if connected:
        frame = await socket.receive_from()  # what a screen gets on (re)connect
        room_screen = "/room/" in path
        assert not leaks(frame, "A" if room_screen else role, world), (path, role)
        await socket.disconnect()
    return connected


def test_the_private_room_link_opens_the_room_page_for_whoever_holds_it(world):
    url = reverse("live_sessions:room", args=[world.session.pk])
    for role in ROLES:
        browser = world.browsers[role]
        response = browser.get(url, {"key": world.session.room_key})
        assert (response.status_code, response.url) == (302, url), role
        page = browser.get(url)
        assert page.status_code == 200, role
        assert not leaks(page.content.decode(), "A", world), role  # what the room may see


async def socket_table(world):
    paths = {
        "ws/live/<int:pk>/host/": f"/ws/live/{world.session.pk}/host/",
        "ws/live/<int:pk>/room/": f"/ws/live/{world.session.pk}/room/",
        "ws/join/<joincode:code>/": f"/ws/join/{world.session.join_code}/",
    }
    table = {}
    for route, path in paths.items():
        got = []
        for role in ROLES:
            accepted = await socket_accepted(path, world.browsers[role], world, role)
            got.append("yes" if accepted else "no")
        table[route] = " ".join(got)
    return table


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_each_role_may_open_only_its_own_sockets(phone):
    world = await sync_to_async(make_world)(phone)
    assert await socket_table(world) == SOCKETS
    room_url = reverse("live_sessions:room", args=[world.session.pk])
    for browser in world.browsers.values():
        await sync_to_async(browser.get)(room_url, {"key": world.session.room_key})
    assert await socket_table(world) == SOCKETS_WITH_ROOM_LINK


# Co-facilitators: on the session they were added to, what its owner ("O") gets, but for adding
# and removing co-facilitators; once removed, what any other facilitator ("F") gets.
CO_FACILITATOR = {
    "live_sessions:session-start": 404,  # about the deck, which stays its owner's
    "live_sessions:co-facilitator-add": 403,
    "live_sessions:co-facilitator-remove": 403,
}
CO_FACILITATOR_SOCKETS = {
    "ws/live/<int:pk>/host/": "yes",
    "ws/live/<int:pk>/room/": "yes",
    "ws/join/<joincode:code>/": "no",
}


def session_routes():
    return [(name, arguments) for name, arguments in routes() if name.startswith("live_sessions:")]


def added_co_facilitator(world):
    colleague = UserFactory()
    world.session.co_facilitators.add(colleague)
    return colleague, logged_in(colleague)


def test_a_co_facilitator_gets_what_the_owner_gets_and_once_removed_what_others_get(world):
    colleague, browser = added_co_facilitator(world)
    for removed in (False, True):
        got, expected = {}, {}
        for name, arguments in session_routes():
            row = ACCESS[name]
            with transaction.atomic():
                got[name] = outcome(getattr(browser, row.method)(url_for(name, arguments, world)))
                transaction.set_rollback(True)
            expected[name] = (
                row.expected["F"] if removed else CO_FACILITATOR.get(name, row.expected["O"])
            )
        assert got == expected, "removed" if removed else "added"
        world.session.remove_co_facilitator(colleague)


def test_a_co_facilitator_sees_what_the_owner_sees_and_once_removed_no_more(world):
    colleague, browser = added_co_facilitator(world)
    urls = [
        url_for(name, arguments, world)
        for name, arguments in session_routes()
        if ACCESS[name].method == "get"
    ]
    console = browser.get(world.session.get_absolute_url()).content.decode()
    assert SECRETS["private answer"] in console  # the same console as the owner's
    for role in ["O", "F"]:
        for url in urls:
            text = browser.get(url, follow=True).content.decode()
            assert not leaks(text, role, world), (url, role, leaks(text, role, world))
        world.session.remove_co_facilitator(colleague)


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_co_facilitator_opens_the_owners_sockets_until_removed(phone):
    world = await sync_to_async(make_world)(phone)
    colleague, browser = await sync_to_async(added_co_facilitator)(world)
    paths = {
        "ws/live/<int:pk>/host/": f"/ws/live/{world.session.pk}/host/",
        "ws/live/<int:pk>/room/": f"/ws/live/{world.session.pk}/room/",
        "ws/join/<joincode:code>/": f"/ws/join/{world.session.join_code}/",
    }
    for role, expected in [("O", CO_FACILITATOR_SOCKETS), ("F", {r: "no" for r in SOCKETS})]:
        got = {
            route: "yes" if await socket_accepted(path, browser, world, role) else "no"
            for route, path in paths.items()
        }
        assert got == expected, role
        await sync_to_async(world.session.remove_co_facilitator)(colleague)


# Pairs mode: each phone sees its own pair's card; the room sees who is with whom, no card.


def test_pairs_mode_shows_no_phone_or_room_another_pairs_card_or_a_private_answer(db, phone):
    owner = UserFactory()
    deck = DeckFactory(owner=owner)
    for number in range(2):
        CardFactory(deck=deck, prompt=f"Zq card of pair {number + 1}")
    CardFactory(deck=deck, prompt=SECRETS["unrevealed card"])
    session = LiveSession.start(deck, owner, is_shuffled=False, mode="pairs")
    phones = {name: phone(session, name) for name in ["Ana", "Ben", "Cy", "Dee"]}
    session.pair_up()
    answer_url = reverse("live_sessions:answer", args=[session.join_code])
    phones["Ana"].post(answer_url, {"text": SECRETS["private answer"], "is_private": "on"})
    pair_cards = {pair.card.prompt for pair in session.current_pairs()}
    room = logged_in(owner).get(reverse("live_sessions:room", args=[session.pk])).content.decode()
    for secret in [SECRETS["private answer"], SECRETS["unrevealed card"], *pair_cards]:
        assert secret not in room
    for name, browser in phones.items():
        me = session.participants.get(display_name=name)
        for page in (browser.get(session.join_path), browser.get(answer_url)):
            text = page.content.decode()
            assert SECRETS["unrevealed card"] not in text
            assert session.card_for(me).prompt in text
            others = pair_cards - {session.card_for(me).prompt}
            assert not others & set(re.findall(r"Zq card of pair \d", text))
            if name != "Ana":
                assert SECRETS["private answer"] not in text
    # What is pushed to every phone at once names no pair and no card.
    parts = ["phone-card", "phone-turn", "phone-timer"]
    pushed = render_parts("sessions/phone.html", parts, phone_context(session))
    assert "Zq" not in pushed and "you're with" not in pushed


def test_the_wall_pushed_to_every_phone_and_a_refused_reaction_show_no_private_answer(world):
    """The phones' wall to react on (pushed to all alike) and the answer to a tap on an answer
    that is not on it: what the room may see, nothing more."""
    session = LiveSession.objects.live().get(pk=world.session.pk)
    pushed = render_parts(PHONE, ["phone-wall"], screens.phone_context(session))
    assert "The baker knew my name." in pushed
    assert not leaks(pushed, "A", world)
    private = Answer.objects.get(text=SECRETS["private answer"])
    url = reverse("live_sessions:react", args=[session.join_code, private.pk])
    refused = world.browsers["P"].post(url, {"give": "heart"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 409
    assert not leaks(refused.content.decode(), "A", world)
    assert not private.reactions.exists()


def test_draw_mode_shows_no_phone_another_persons_card_and_the_room_no_secret(db, phone):
    """Everyone draws their own card: a phone sees its own card only; the room and every
    phone never see a private answer, the presenter's notes, an undrawn card or the name on
    a memory shared anonymously (nor the memory: the room knows whose card it is)."""
    owner = UserFactory()
    deck = DeckFactory(owner=owner)
    CardFactory(deck=deck, prompt="Zq Ana's card", notes="Zq presenter note 1")
    CardFactory(deck=deck, prompt="Zq Ben's card", kind="memory", notes="Zq presenter note 2")
    CardFactory(deck=deck, prompt=SECRETS["unrevealed card"])
    session = LiveSession.start(deck, owner, is_shuffled=False, mode="draw")
    phones = {name: phone(session, name) for name in ["Ana", "Ben"]}
    answer_url = reverse("live_sessions:answer", args=[session.join_code])
    for name in phones:
        phones[name].post(reverse("live_sessions:draw", args=[session.join_code]))
    phones["Ana"].post(answer_url, {"text": SECRETS["private answer"], "is_private": "on"})
    memory = {"text": "Zq my anonymous memory", "valence": "valued", "archive_consent": "anonymous"}
    phones["Ben"].post(answer_url, memory)
    for name, browser in phones.items():  # before anyone shares: each phone its own card
        other = "Ben" if name == "Ana" else "Ana"
        text = browser.get(session.join_path).content.decode()
        assert f"Zq {name}&#x27;s card" in text and f"Zq {other}&#x27;s card" not in text
    host = logged_in(owner)
    for name in ["Ben", "Ana"]:  # Ben shares (his memory is on the room's card), then Ana
        person = session.participants.get(display_name=name)
        host.post(reverse("live_sessions:participant-turn", args=[session.pk, person.pk]))
        room = host.get(reverse("live_sessions:room", args=[session.pk])).content.decode()
        for secret in [SECRETS["private answer"], SECRETS["unrevealed card"], "Zq presenter"]:
            assert secret not in room
        assert "Zq my anonymous memory" not in room
    for name, browser in phones.items():
        text = browser.get(session.join_path).content.decode()
        assert "Zq presenter" not in text and SECRETS["unrevealed card"] not in text
        if name != "Ana":
            assert SECRETS["private answer"] not in text
    pushed = render_parts(
        PHONE, ["phone-turn", "phone-wall", "phone-timer"], phone_context(session)
    )
    for secret in [SECRETS["private answer"], "Zq presenter", "Zq my anonymous memory"]:
        assert secret not in pushed
