"""One helper renders an e-mail from templates by name, in the recipient's language.

Templates: ``emails/<name>-subject.txt``, ``emails/<name>-body.txt`` and
``emails/<name>-body.html`` (the HTML part is optional). The subject and the plain-text
part are rendered without HTML escaping: a title such as ``<초안> & 계획`` reads as
written, never as ``&lt;초안&gt; &amp; 계획``. Only the HTML part escapes.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import translation


def render_text(template_name, context) -> str:
    """A plain-text template rendered as text: autoescape off, whatever the template says."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def render_email(name, context, language="ko"):
    """Return (subject, text, html or None) rendered in `language`."""
    with translation.override(language):
        subject = " ".join(render_text(f"emails/{name}-subject.txt", context).split())
        text = render_text(f"emails/{name}-body.txt", context)
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
