"""Facilitators: people who sign in with an e-mail address and a password."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


def normal_address(email):
    """An e-mail address as the app keeps and compares it: trimmed and in lower case. The one
    rule for accounts, sign-up, digest subscriptions and invitations."""
    return email.strip().lower()


class UserManager(DjangoUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=normal_address(self.normalize_email(email)), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        # Log-in's form does not bound the length of what is typed, and SQLite refuses a
        # case-insensitive match against a huge pattern: no address that long exists anyway.
        if len(username) > self.model._meta.get_field("email").max_length:
            raise self.model.DoesNotExist
        return self.get(email__iexact=username)


class User(AbstractUser):
    """A facilitator. Staff users are the curators of the deck library."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    # Blank: their browser's (cxworkshop/languages.py).
    language = models.CharField(
        _("language of your pages"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Leave it on “Your browser's language” to follow your browser."),
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("facilitator")
        verbose_name_plural = _("facilitators")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.name or self.email

    def get_full_name(self):
        return self.name or self.email

    def get_short_name(self):
        return self.name.split(" ")[0] if self.name else self.email

    def save(self, *args, **kwargs):
        self.email = normal_address(self.email)
        super().save(*args, **kwargs)
