"""One helper renders an e-mail from templates by name, in the recipient's language.

Templates: ``emails/<name>-subject.txt``, ``emails/<name>-body.txt`` and
``emails/<name>-body.html`` (the HTML part is optional). The subject and the plain-text
part are rendered without HTML escaping: a title such as ``<초안> & 계획`` reads as
written, never as ``&lt;초안&gt; &amp; 계획``. Only the HTML part escapes.

A mail server that hangs costs each send EMAIL_TIMEOUT seconds; a wave of alerts would
then hold the worker for minutes and every task behind it (packets included) would wait.
So after a send fails on a timeout or a refused connection, this process does not try
the server again for WEGO_MAIL_PAUSE_SECONDS: sends fail at once with `MailServerPaused`,
and the callers record them and retry with back-off as for any SMTP failure.
"""

import datetime
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation


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


class MailServerPaused(ConnectionError):
    """Not sent: the mail server timed out or refused a moment ago (see the module doc)."""


_paused_until = None  # this process does not try the mail server before this time


def send(name, to, context, language="ko", headers=None, connection=None):
    """Render and send one message; raises on SMTP failure (callers retry).

    `connection` (`django.core.mail.get_connection()`) lets a batch of messages share one
    connection to the mail server: it is opened by the first message and stays open
    until the caller closes it."""
    global _paused_until
    if _paused_until is not None and timezone.now() < _paused_until:
        raise MailServerPaused(
            f"the mail server failed less than {settings.WEGO_MAIL_PAUSE_SECONDS} s ago; not tried again yet"
        )
    subject, text, html = render_email(name, context, language)
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, list(to), headers=headers or {}, connection=connection
    )
    if html:
        message.attach_alternative(html, "text/html")
    try:
        if connection is not None:
            connection.open()  # does nothing once open; then send() leaves it open
        message.send()
    except (TimeoutError, ConnectionError, smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError):
        _paused_until = timezone.now() + datetime.timedelta(seconds=settings.WEGO_MAIL_PAUSE_SECONDS)
        raise
    return message


def message_id(kind, pk) -> str:
    """The same Message-ID every time one recorded e-mail is sent (`alert`, 42): in the
    rare case a send is repeated (the mail server took it, then the worker died before
    recording it), mail clients and relays see one message, not two."""
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "wego-tracker.invalid"
    return f"<wego-{kind}-{pk}@{domain}>"
