"""The login form: says why a sign-in failed when dxplan knows more than "wrong password"."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from plans.signin.backends import REFUSAL_ATTRIBUTE, UNREACHABLE, UNREACHABLE_ATTRIBUTE


class SignInForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Your user name and password did not match. Please try again."),
    }

    def get_invalid_login_error(self):
        refusal = getattr(self.request, REFUSAL_ATTRIBUTE, None)
        if refusal:
            return forms.ValidationError(refusal, code="refused")
        if getattr(self.request, UNREACHABLE_ATTRIBUTE, False):
            return forms.ValidationError(UNREACHABLE, code="directory_unreachable")
        return super().get_invalid_login_error()
