"""Sign-up: an e-mail address, an optional name and a password."""

from django import forms
from django.contrib.auth.forms import BaseUserCreationForm
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class SignUpForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "name")
        labels = {"email": _("E-mail address"), "name": _("Your name")}
        help_texts = {"name": _("Shown to your workshop rooms. You can leave it empty.")}

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("An account with this e-mail address already exists. Log in instead?")
            )
        return email
