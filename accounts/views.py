"""Sign-up, and Django's own log-in and password views with this site's limits: log-in passes
a known device (accounts/devices.py), password reset sends at most one mail per account in a
while (accounts/forms.py)."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from accounts import devices
from accounts.forms import LanguageSettingForm, PasswordResetForm, SignUpForm
from cxworkshop import languages
from cxworkshop.ratelimits import (
    LOGIN_ACCOUNT,
    LOGIN_ADDRESS,
    LOGIN_DEVICE,
    SIGNUP,
    limit_posts,
    refuse,
    too_many,
)


@limit_posts(SIGNUP)
def signup(request):
    if request.user.is_authenticated:
        return redirect("decks:deck-list")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Your account is ready. Start with a deck."))
        return devices.remember(redirect("decks:deck-list"), user)
    return render(request, "registration/signup.html", {"form": form})


@login_required
def language_setting(request):
    form = LanguageSettingForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        languages.remember_account_language(request, request.user)
        # Said in the language just chosen (the browser's, when that was the choice).
        browser = translation.get_language_from_request(request)
        languages.activate(request, languages.for_facilitator(request.user, browser))
        messages.success(request, _("Saved. Your pages are in this language from now on."))
        return redirect("language_setting")
    return render(request, "registration/language_setting.html", {"form": form})


class LoginView(auth_views.LoginView):
    """Tries are counted per address, wrong passwords per account; a device that has logged in
    to the account since its password last changed passes both, so guessing cannot lock its
    owner out, and has a count of its own, so a copy of its cookie cannot guess without limit.
    Past its own count it is held back like any other browser."""

    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        self.device = devices.known_device(request, request.POST.get("username", ""))
        if self.device and LOGIN_DEVICE.is_over(request, device=self.device):
            self.device = None
        if not self.device:
            if refusal := refuse(request, LOGIN_ADDRESS):
                return refusal
            if LOGIN_ACCOUNT.is_over(request):
                return too_many(request, LOGIN_ACCOUNT.message)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        return devices.remember(super().form_valid(form), form.get_user())

    def form_invalid(self, form):
        LOGIN_ACCOUNT.count(self.request)
        if self.device:
            LOGIN_DEVICE.count(self.request, device=self.device)
        return super().form_invalid(form)


password_reset = auth_views.PasswordResetView.as_view(form_class=PasswordResetForm)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's; the browser that sets the new password stays a known device (a new password
    makes every other one unknown)."""

    def form_valid(self, form):
        return devices.remember(super().form_valid(form), form.user)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's; a browser that sets a new password from the mailed link becomes a known
    device, so the owner can log in there even while someone guesses at the account."""

    def form_valid(self, form):
        return devices.remember(super().form_valid(form), form.user)
