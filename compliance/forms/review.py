"""Forms of the review loop: they return plain values; the rules are in the service."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import ReviewOutcome
from .base import DATE_ERRORS, DateInput, TokenForm


class _TextArea(forms.Textarea):
    """No `maxlength` attribute: a browser would cut a pasted text silently; the service
    refuses an over-long text with a message instead."""


class ReviewOutcomeForm(TokenForm):
    document = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=_("Review outcome"), choices=ReviewOutcome.Decision.choices, widget=forms.RadioSelect
    )
    message = forms.CharField(
        label=_("What must change, or why it is returned"),
        widget=_TextArea(attrs={"rows": 5}),
        required=False,
        strip=False,
        help_text=_("Required for a revision request and for a return. Shown to WeGO as plain text."),
    )
    target_date = forms.DateField(
        # Required for a revision request only (the service checks it): the label says so.
        label=_("Internal target date (required for a revision request)"),
        required=False,
        widget=DateInput,
        error_messages=DATE_ERRORS,
        help_text=_("For a revision request: an internal target of the city, not a legal deadline."),
    )


class ReviewCommentForm(TokenForm):
    document = forms.IntegerField(widget=forms.HiddenInput)
    body = forms.CharField(
        label=_("Comment"),
        widget=_TextArea(attrs={"rows": 4}),
        strip=False,
        help_text=_("A comment cannot be edited once sent; to correct it, add a new comment."),
    )
