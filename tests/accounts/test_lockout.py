"""Guessing a facilitator's password, or asking for their password reset, slows the guesser
and never locks the owner out: a device that has logged in since the password last changed
passes the log-in limits up to its own count of wrong passwords, and whenever a reset request
sends no mail, the inbox already holds a working link. The clock stands still in each test, so
every count falls in one window of the limits (LOGIN_RATE 10/5m, PASSWORD_RESET_RATE 5/h,
PASSWORD_RESET_MAIL_RATE 1/5m, PASSWORD_RESET_CROWDED_MAIL_RATE 1/h by default) until a test
moves it on."""

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts import devices
from tests.factories import PASSWORD

START = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def still_clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


def log_in(browser, user, password=PASSWORD):
    return browser.post(reverse("login"), {"username": user.email, "password": password})


def guess_from_ten_addresses(user):
    for number in range(10):
        response = log_in(Client(REMOTE_ADDR=f"203.0.113.{number}"), user, "guess")
        assert response.status_code == 200
        assert response.context["form"].non_field_errors()


def known_device(user, address="198.51.100.7"):
    """The owner's own browser: it has logged in before, and logged out since."""
    browser = Client(REMOTE_ADDR=address)
    assert log_in(browser, user).status_code == 302
    browser.post(reverse("logout"))
    return browser


def test_guessing_from_many_addresses_leaves_the_owner_free_to_log_in_from_a_known_device(
    facilitator,
):
    owner = known_device(facilitator)
    guess_from_ten_addresses(facilitator)
    response = log_in(owner, facilitator)
    assert response.status_code == 302
    assert owner.session["_auth_user_id"] == str(facilitator.pk)
    # The guesser, from yet another address, is refused even with the right password.
    attacker = Client(REMOTE_ADDR="203.0.113.99")
    response = log_in(attacker, facilitator)
    assert response.status_code == 429
    assert "_auth_user_id" not in attacker.session


def test_a_new_device_is_told_how_to_get_in_and_is_let_in_after_a_few_minutes(
    facilitator, still_clock
):
    guess_from_ten_addresses(facilitator)
    laptop = Client(REMOTE_ADDR="198.51.100.8")
    response = log_in(laptop, facilitator)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many wrong passwords were tried for this account" in page
    assert "from a device you have logged in with before, or reset your password" in page
    assert f'href="{reverse("password_reset")}">Reset your password</a>' in page
    assert "_auth_user_id" not in laptop.session
    still_clock.move_to(START + dt.timedelta(minutes=10), tick=False)
    assert log_in(laptop, facilitator).status_code == 302


def reset_link_path(message):
    link = next(line for line in message.body.splitlines() if "/reset/" in line)
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def set_password_from(browser, message, password):
    response = browser.get(reset_link_path(message), follow=True)
    form_url = response.redirect_chain[-1][0]
    return browser.post(form_url, {"new_password1": password, "new_password2": password})


def test_a_new_device_that_sets_its_password_from_the_mail_logs_in_while_the_guessing_goes_on(
    facilitator,
):
    guess_from_ten_addresses(facilitator)
    laptop = Client(REMOTE_ADDR="198.51.100.8")
    laptop.post(reverse("password_reset"), {"email": facilitator.email})
    assert set_password_from(laptop, mail.outbox[-1], "fresh-wooden-9").status_code == 302
    response = log_in(laptop, facilitator, "fresh-wooden-9")
    assert response.status_code == 302
    assert laptop.session["_auth_user_id"] == str(facilitator.pk)


def test_a_guesser_is_refused_past_the_limit_of_their_address(facilitator, other_facilitator):
    attacker = Client(REMOTE_ADDR="203.0.113.5")
    for number in range(10):
        victim = facilitator if number % 2 else other_facilitator
        assert log_in(attacker, victim, "guess").status_code == 200
    response = log_in(attacker, other_facilitator)
    assert response.status_code == 429
    assert "Too many tries to log in from this network" in response.content.decode()
    assert "_auth_user_id" not in attacker.session


def test_a_guesser_on_the_venue_network_does_not_lock_out_the_facilitator_beside_them(
    facilitator,
):
    """The room and its facilitator often share one address: the facilitator's own laptop
    passes the limit that a participant guessing from the venue Wi-Fi has used up."""
    laptop = known_device(facilitator, address="192.0.2.1")
    participant = Client(REMOTE_ADDR="192.0.2.1")
    for _guess in range(10):
        log_in(participant, facilitator, "guess")
    assert log_in(participant, facilitator, "guess").status_code == 429
    assert log_in(laptop, facilitator).status_code == 302


def test_a_known_device_of_one_account_does_not_pass_the_limits_of_another(
    facilitator, other_facilitator
):
    browser = known_device(facilitator, address="198.51.100.7")
    guess_from_ten_addresses(other_facilitator)
    response = log_in(browser, other_facilitator)
    assert response.status_code == 429
    assert "_auth_user_id" not in browser.session


def test_flooding_password_resets_still_leaves_the_owner_a_working_link(facilitator, still_clock):
    for number in range(20):
        flood = Client(REMOTE_ADDR=f"203.0.113.{number}")
        response = flood.post(reverse("password_reset"), {"email": facilitator.email})
        assert response.status_code == 302
        assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1  # one mail in the owner's inbox, not twenty
    owner = Client(REMOTE_ADDR="198.51.100.7")
    response = owner.post(reverse("password_reset"), {"email": facilitator.email}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("password_reset_done")
    assert set_password_from(owner, mail.outbox[0], "fresh-wooden-9").status_code == 302
    facilitator.refresh_from_db()
    assert facilitator.check_password("fresh-wooden-9")
    # A few minutes later the owner's own request sends a new mail.
    still_clock.move_to(START + dt.timedelta(minutes=6), tick=False)
    owner.post(reverse("password_reset"), {"email": facilitator.email})
    assert len(mail.outbox) == 2
    assert mail.outbox[1].to == [facilitator.email]


def test_a_new_reset_mail_goes_at_once_when_the_one_sent_no_longer_works(facilitator):
    owner = Client(REMOTE_ADDR="198.51.100.7")
    owner.post(reverse("password_reset"), {"email": facilitator.email})
    assert log_in(owner, facilitator).status_code == 302  # a log-in retires the mailed link
    stale = Client().get(reset_link_path(mail.outbox[0]), follow=True)
    assert "This link has expired or was already used." in stale.content.decode()
    owner.post(reverse("password_reset"), {"email": facilitator.email})
    assert len(mail.outbox) == 2
    assert set_password_from(Client(), mail.outbox[1], "fresh-wooden-9").status_code == 302


def test_a_copy_of_a_known_devices_cookie_cannot_guess_without_limit(facilitator):
    owner = known_device(facilitator)
    thief = Client(REMOTE_ADDR="203.0.113.50")
    thief.cookies[devices.COOKIE] = owner.cookies[devices.COOKIE].value
    for _guess in range(10):
        assert log_in(thief, facilitator, "guess").status_code == 200
    response = log_in(thief, facilitator, "guess")
    assert response.status_code == 429
    assert "Too many wrong passwords were tried for this account" in response.content.decode()


def test_each_browser_that_logs_in_is_a_device_of_its_own(facilitator):
    laptop = known_device(facilitator, address="198.51.100.7")
    phone = known_device(facilitator, address="198.51.100.7")
    assert laptop.cookies[devices.COOKIE].value != phone.cookies[devices.COOKIE].value
    # Wrong passwords from one of them (counted for the account too) hold back that one only.
    for _guess in range(10):
        assert log_in(laptop, facilitator, "guess").status_code == 200
    assert log_in(laptop, facilitator).status_code == 429
    assert log_in(phone, facilitator).status_code == 302


def test_a_new_password_makes_every_known_device_unknown(facilitator):
    old_laptop = known_device(facilitator)
    thief = Client(REMOTE_ADDR="203.0.113.50")
    thief.cookies[devices.COOKIE] = old_laptop.cookies[devices.COOKIE].value
    new_laptop = Client(REMOTE_ADDR="198.51.100.8")
    new_laptop.post(reverse("password_reset"), {"email": facilitator.email})
    assert set_password_from(new_laptop, mail.outbox[-1], "fresh-wooden-9").status_code == 302
    guess_from_ten_addresses(facilitator)
    assert log_in(thief, facilitator, "guess").status_code == 429
    assert log_in(old_laptop, facilitator, "fresh-wooden-9").status_code == 429
    # The browser that set the new password is the one known device now.
    assert log_in(new_laptop, facilitator, "fresh-wooden-9").status_code == 302


def test_the_browser_that_changes_the_password_stays_a_known_device(facilitator):
    laptop = Client(REMOTE_ADDR="198.51.100.7")
    assert log_in(laptop, facilitator).status_code == 302
    change = {
        "old_password": PASSWORD,
        "new_password1": "fresh-wooden-9",
        "new_password2": "fresh-wooden-9",
    }
    assert laptop.post(reverse("password_change"), change).status_code == 302
    laptop.post(reverse("logout"))
    guess_from_ten_addresses(facilitator)
    assert log_in(laptop, facilitator, "fresh-wooden-9").status_code == 302


def ask_for_reset(browser, email):
    """A reset request, answered as every one is: the "check your e-mail" page."""
    response = browser.post(reverse("password_reset"), {"email": email})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")


def mails_to(user):
    return [message for message in mail.outbox if message.to == [user.email]]


@pytest.mark.parametrize("also_for_the_owner", [True, False])
def test_a_facilitator_beside_a_participant_flooding_the_venue_network_still_gets_in(
    facilitator, other_facilitator, also_for_the_owner
):
    """The participant asks for resets of many accounts (with the owner's among the last, or
    not at all) and guesses the owner's password, all from the venue's one address; the owner,
    on a new laptop on the same Wi-Fi, is refused at log-in but gets a working link."""
    participant = Client(REMOTE_ADDR="192.0.2.1")
    for number in range(20):
        ask_for_reset(participant, f"someone{number}@example.com")
    ask_for_reset(participant, other_facilitator.email)
    for _request in range(5 if also_for_the_owner else 0):
        ask_for_reset(participant, facilitator.email)
    for _guess in range(11):
        log_in(participant, facilitator, "guess")
    laptop = Client(REMOTE_ADDR="192.0.2.1")
    assert log_in(laptop, facilitator).status_code == 429
    ask_for_reset(laptop, facilitator.email)
    received = mails_to(facilitator)
    assert len(received) == 1
    assert set_password_from(laptop, received[-1], "fresh-wooden-9").status_code == 302
    response = log_in(laptop, facilitator, "fresh-wooden-9")
    assert response.status_code == 302
    assert laptop.session["_auth_user_id"] == str(facilitator.pk)


def test_a_network_asking_for_many_accounts_gets_each_of_them_one_mail_an_hour(
    facilitator, other_facilitator, still_clock
):
    flood = Client(REMOTE_ADDR="203.0.113.1")
    for step in range(10):
        still_clock.move_to(START + dt.timedelta(minutes=6 * step), tick=False)
        for number in range(5):
            ask_for_reset(flood, f"someone{number}@example.com")
        ask_for_reset(flood, facilitator.email)
        ask_for_reset(flood, other_facilitator.email)
    # Ten requests each over 54 minutes: a fixed hour-long window can be cut once in between.
    assert 1 <= len(mails_to(facilitator)) <= 2
    assert 1 <= len(mails_to(other_facilitator)) <= 2
    # From a quiet network, the same requests would each have sent a mail.
    quiet = Client(REMOTE_ADDR="198.51.100.7")
    sent = len(mails_to(facilitator))
    for step in range(10, 13):
        still_clock.move_to(START + dt.timedelta(minutes=6 * step), tick=False)
        ask_for_reset(quiet, facilitator.email)
    assert len(mails_to(facilitator)) == sent + 3


def test_asking_again_for_the_same_accounts_does_not_use_up_a_networks_reset_mails(
    facilitator, other_facilitator, still_clock
):
    office = Client(REMOTE_ADDR="203.0.113.1")
    for step in range(10):
        still_clock.move_to(START + dt.timedelta(minutes=6 * step), tick=False)
        ask_for_reset(office, facilitator.email)
        ask_for_reset(office, other_facilitator.email)
    assert len(mails_to(facilitator)) == 10
    assert len(mails_to(other_facilitator)) == 10
