"""Sign-up: an e-mail address, an optional name and a password. Password reset: Django's,
with one mail per account in a while."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import BaseUserCreationForm
from django.utils.translation import gettext_lazy as _

from accounts.models import User, normal_address
from cxworkshop import languages
from cxworkshop.ratelimits import (
    PASSWORD_RESET,
    PASSWORD_RESET_CROWDED_MAIL,
    PASSWORD_RESET_MAIL,
)


class SignUpForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name")
        labels = {"email": _("E-mail address"), "name": _("Your name")}
        help_texts = {"name": _("Shown to your workshop rooms. You can leave it empty.")}

    def clean_email(self):
        email = normal_address(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("An account with this e-mail address already exists. Log in instead?")
            )
        return email


class LanguageSettingForm(forms.ModelForm):
    """The language of a facilitator's own pages; blank follows their browser."""

    class Meta:
        model = User
        fields = ("language",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        browser = ("", _("Your browser's language"))
        self.fields["language"].choices = [browser, *languages.choices()]


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's, refusing nobody and sending at most one mail per account in each
    PASSWORD_RESET_MAIL_RATE window while its link still works, so requests for someone
    else's address fill no inbox and never stop the owner's reset. An address that asks for
    many different accounts gets each of them one mail an hour: whenever no mail goes, the
    inbox already holds a working link (cxworkshop/ratelimits.py). The page says the same
    whether a mail went or not."""

    def save(self, *args, request=None, **kwargs):
        self.request = request
        return super().save(*args, request=request, **kwargs)

    def get_users(self, email):
        crowded = PASSWORD_RESET.count(self.request, email=email)
        for user in super().get_users(email):
            if PASSWORD_RESET_MAIL.count(self.request, user=user):
                continue
            if crowded and PASSWORD_RESET_CROWDED_MAIL.is_over(self.request, user=user):
                continue
            PASSWORD_RESET_CROWDED_MAIL.count(self.request, user=user)
            yield user
