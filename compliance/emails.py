"""One helper renders an e-mail from templates by name, in the recipient's language.

Templates: ``emails/<name>-subject.txt``, ``emails/<name>-body.txt`` and
``emails/<name>-body.html`` (the HTML part is optional).
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation


def render_email(name, context, language="ko"):
    """Return (subject, text, html or None) rendered in `language`."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
        text = render_to_string(f"emails/{name}-body.txt", context)
        try:
            html = render_to_string(f"emails/{name}-body.html", context)
        except TemplateDoesNotExist:
            html = None
    return subject, text, html


def send(name, to, context, language="ko", headers=None):
    """Render and send one message; raises on SMTP failure (callers retry)."""
    subject, text, html = render_email(name, context, language)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, list(to), headers=headers or {})
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
    return message
