from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm


class EmailAuthenticationForm(AuthenticationForm):
    """Sign-in by email. Lock-outs get the same message as a wrong password
    so the form does not reveal which accounts exist."""

    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        "invalid_login": (
            "That email and password do not match an active account, or the account is "
            "locked after too many failed attempts. Try again in a few minutes."
        ),
        "inactive": "This account is inactive.",
    }
