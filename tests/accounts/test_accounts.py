import datetime as dt

from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD, UserFactory


def test_signing_up_logs_the_facilitator_in_and_shows_their_decks(client, db):
    response = client.post(
        reverse("signup"),
        {
            "email": "Ana@Example.com",
            "name": "Ana",
            "password1": "wooden-blocks-42",
            "password2": "wooden-blocks-42",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("decks:deck-list")
    assert response.context["user"].email == "ana@example.com"
    assert "My decks" in response.content.decode()


def test_signing_up_twice_with_the_same_address_is_refused_with_a_message(client, db):
    UserFactory(email="ana@example.com")
    response = client.post(
        reverse("signup"),
        {
            "email": "ANA@example.com",
            "password1": "wooden-blocks-42",
            "password2": "wooden-blocks-42",
        },
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert User.objects.filter(email__iexact="ana@example.com").count() == 1


def test_sign_up_rejects_a_weak_password(client, db):
    response = client.post(
        reverse("signup"),
        {"email": "bo@example.com", "password1": "12345678", "password2": "12345678"},
    )
    assert "This password is too common" in response.content.decode()
    assert not User.objects.filter(email="bo@example.com").exists()


def test_a_facilitator_logs_in_with_their_email_in_any_case(client, db):
    UserFactory(email="cy@example.com")
    response = client.post(reverse("login"), {"username": "CY@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("decks:deck-list")


def test_logging_out_ends_the_session(facilitator_client):
    facilitator_client.post(reverse("logout"))
    response = facilitator_client.get(reverse("decks:deck-list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_password_change_needs_the_old_password(facilitator_client, facilitator):
    response = facilitator_client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "new-wooden-7", "new_password2": "new-wooden-7"},
    )
    assert "Your old password was entered incorrectly" in response.content.decode()
    response = facilitator_client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "new-wooden-7",
            "new_password2": "new-wooden-7",
        },
    )
    assert response.status_code == 302
    facilitator.refresh_from_db()
    assert facilitator.check_password("new-wooden-7")


def test_password_reset_sends_a_link_that_sets_a_new_password(client, facilitator):
    client.post(reverse("password_reset"), {"email": facilitator.email})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/reset/" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "fresh-wooden-9", "new_password2": "fresh-wooden-9"}
    )
    assert response.status_code == 302
    facilitator.refresh_from_db()
    assert facilitator.check_password("fresh-wooden-9")


def test_facilitator_pages_send_anonymous_visitors_to_log_in(client, db):
    for name in ["decks:deck-list", "decks:library", "decks:deck-create", "decks:deck-import"]:
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("login")), name


def test_sign_ups_are_limited_per_network(client, db, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC), tick=False)
    for number in range(11):
        response = client.post(
            reverse("signup"),
            {"email": f"p{number}@example.com", "password1": "x", "password2": "y"},
        )
    assert response.status_code == 429
    assert "Too many accounts" in response.content.decode()


def test_password_reset_says_the_same_whether_or_not_the_address_has_an_account(
    client, facilitator
):
    known = client.post(reverse("password_reset"), {"email": facilitator.email})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert len(mail.outbox) == 1
    again = client.post(reverse("password_reset"), {"email": facilitator.email})
    assert (again.status_code, again.url) == (known.status_code, known.url)
    assert len(mail.outbox) == 1  # a mail went out a moment ago: its link still works


def test_an_absurdly_long_address_at_log_in_is_just_a_wrong_log_in(client, facilitator):
    response = client.post(reverse("login"), {"username": "x" * 200_000, "password": "secret"})
    assert response.status_code == 200
    assert "Please enter a correct" in response.content.decode()
