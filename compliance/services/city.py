"""The city's acts: forwarding to the Council and committee reports (17⑤), delay reasons,
evaluations (17④) and inspections (17②)."""

import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .. import audit
from ..display import date_label
from ..labels import duplicate_forwarding_message
from ..models import (
    CommitteeReport,
    CouncilSession,
    DelayReason,
    Document,
    Evaluation,
    Forwarding,
    ForwardingItem,
    InspectionRequest,
    LogLeaf,
    Party,
)
from ..roles import COUNCIL_STAFF
from ..rules.kinds import RESULTS_KINDS
from ..rules.text import has_visible_text
from . import notifications, translog
from .common import _check_fiscal_year, _check_not_future, _once

log = logging.getLogger(__name__)


def _documents(ids_or_docs, lock=False):
    """The received documents with these ids, in that order.

    `lock=True` locks their rows until the transaction ends (in id order, so two
    transactions cannot deadlock): two officers recording the same forwarding at once
    are then checked one after the other, and the second finds the first's record.
    """
    ids = [getattr(d, "pk", d) for d in ids_or_docs]
    rows = Document.objects.select_related("submission").filter(pk__in=ids)
    if lock:
        rows = rows.select_for_update(of=("self",)).order_by("pk")
    found = {d.pk: d for d in rows}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise ValidationError(
            {"documents": _("No document was received with the id(s) %(ids)s.") % {"ids": ", ".join(missing)}}
        )
    if not ids:
        raise ValidationError({"documents": _("Choose at least one received document.")})
    return [found[i] for i in ids]


def do_forward_to_council(*, by, forwarded_on, documents, document_number="", note="", token=None, ip=None, today=None):
    """Record that the Mayor forwarded received documents to the Council (17⑤)."""
    today = today or timezone.localdate()
    with transaction.atomic(), audit.acting(by, ip):

        def create():
            docs = _documents(documents, lock=True)
            _check_not_future(forwarded_on, today, "forwarded_on")
            for doc in docs:
                if forwarded_on < doc.submission.received_on:
                    raise ValidationError(
                        {
                            "forwarded_on": _(
                                "“%(title)s” was received on %(day)s; it cannot be forwarded before that."
                            )
                            % {"title": doc.title, "day": date_label(doc.submission.received_on)}
                        }
                    )
            already = (
                ForwardingItem.objects.filter(document__in=docs, forwarding__forwarded_on=forwarded_on)
                .select_related("document", "forwarding")
                .first()
            )
            if already is not None:
                raise ValidationError(
                    {
                        "documents": duplicate_forwarding_message(
                            already.document.title, forwarded_on, already.forwarding.document_number
                        )
                    }
                )
            forwarding = Forwarding.objects.create(
                forwarded_on=forwarded_on, document_number=document_number, recorded_by=by, note=note
            )
            for doc in docs:
                ForwardingItem.objects.create(
                    forwarding=forwarding,
                    document=doc,
                    description=doc.title,
                    kind=doc.kind,
                    fiscal_year=doc.fiscal_year,
                )
            translog.log_record(LogLeaf.Kind.FORWARDING, forwarding)
            return forwarding

        outcome = _once(by, token, "forwarding", Forwarding, create)
        if outcome.created:
            _alert_council_staff(outcome.obj)
        return outcome


def _alert_council_staff(forwarding):
    """Council staff are told in the app (inbox and badge) that documents were forwarded to them."""
    titles = list(forwarding.items.order_by("pk").values_list("description", flat=True))
    text = {}
    for lang in ("ko", "en"):
        with translation.override(lang):
            what = titles[0] if titles else ""
            if len(titles) > 1:
                what += " " + _("and %(n)s more") % {"n": len(titles) - 1}
            text[lang] = _("Forwarded to the Council on %(day)s: %(what)s") % {
                "day": date_label(forwarding.forwarded_on),
                "what": what,
            }
    users = get_user_model().objects.filter(groups__name=COUNCIL_STAFF, is_active=True).order_by("pk")
    notifications.notify(users, title_ko=text["ko"], title_en=text["en"], link=reverse("forwarding_list"))


def do_report_to_committee(
    *, by, committee, reported_on, documents, session=None, note="", token=None, ip=None, today=None
):
    """Record that forwarded documents were reported to the standing committee (amended 17⑤)."""
    today = today or timezone.localdate()
    with transaction.atomic(), audit.acting(by, ip):

        def create():
            docs = _documents(documents)
            _check_not_future(reported_on, today, "reported_on")
            if not isinstance(committee, Party) or committee.kind != Party.Kind.COMMITTEE:
                raise ValidationError({"committee": _("Choose a standing committee.")})
            if session is not None and not (session.starts_on <= reported_on <= session.ends_on):
                raise ValidationError({"session": _("The report date is not within the chosen session.")})
            forwarded = {
                item["document_id"]: item["first"]
                for item in ForwardingItem.objects.filter(document__in=docs)
                .values("document_id")
                .annotate(first=Min("forwarding__forwarded_on"))
            }
            for doc in docs:
                if doc.pk not in forwarded or forwarded[doc.pk] > reported_on:
                    raise ValidationError(
                        {
                            "documents": _("“%(title)s” had not been forwarded to the Council by %(day)s.")
                            % {"title": doc.title, "day": date_label(reported_on)}
                        }
                    )
            report = CommitteeReport.objects.create(
                committee=committee, session=session, reported_on=reported_on, recorded_by=by, note=note
            )
            report.documents.set(docs)
            translog.log_record(LogLeaf.Kind.COMMITTEE_REPORT, report)
            return report

        return _once(by, token, "committee_report", CommitteeReport, create)


def do_record_delay_reason(*, by, obligation_key, reason, token=None, ip=None, today=None):
    """Record why a "without delay" duty went past its grace period."""
    from .. import register
    from ..rules.obligations import Status

    today = today or timezone.localdate()
    with transaction.atomic(), audit.acting(by, ip):

        def create():
            if not has_visible_text(reason):
                raise ValidationError({"reason": _("Write the reason for the delay.")})
            obligation = register.load().get(obligation_key, today)
            if obligation is None:
                raise ValidationError({"obligation_key": _("No such obligation.")})
            if not obligation.is_grace_duty or obligation.status not in (Status.OVERDUE, Status.LATE):
                raise ValidationError(
                    {"obligation_key": _("A reason is recorded only for a duty delayed beyond its grace period.")}
                )
            return DelayReason.objects.create(
                obligation_key=obligation_key, reason=reason.strip(), recorded_on=today, recorded_by=by
            )

        return _once(by, token, "delay_reason", DelayReason, create)


def do_record_evaluation(
    *, by, fiscal_year, evaluated_on, outcome, summary, measures="", documents=(), token=None, ip=None, today=None
):
    """Record the Mayor's performance evaluation of results and settlement (17④)."""
    today = today or timezone.localdate()
    with transaction.atomic(), audit.acting(by, ip):

        def create():
            _check_fiscal_year(fiscal_year, today)
            _check_not_future(evaluated_on, today, "evaluated_on")
            if outcome not in Evaluation.Outcome.values:
                raise ValidationError({"outcome": _("Choose an outcome.")})
            docs = _documents(documents) if documents else []
            for doc in docs:
                if doc.kind not in RESULTS_KINDS or doc.fiscal_year != fiscal_year:
                    raise ValidationError(
                        {
                            "documents": _("Only the results and settlement of fiscal year %(fy)s can be evaluated.")
                            % {"fy": fiscal_year}
                        }
                    )
                if evaluated_on < doc.submission.received_on:
                    raise ValidationError(
                        {
                            "evaluated_on": _("“%(title)s” was received on %(day)s, after this date.")
                            % {"title": doc.title, "day": date_label(doc.submission.received_on)}
                        }
                    )
            evaluation = Evaluation.objects.create(
                fiscal_year=fiscal_year,
                evaluated_on=evaluated_on,
                outcome=outcome,
                summary=summary,
                measures=measures,
                recorded_by=by,
            )
            if docs:
                evaluation.documents.set(docs)
            return evaluation

        return _once(by, token, "evaluation", Evaluation, create)


def do_record_inspection(
    *, by, kind, requested_on, subject, fiscal_year=None, answered_on=None, token=None, ip=None, today=None
):
    """Record an inspection of the secretariat or a request for a report (17②)."""
    today = today or timezone.localdate()
    with transaction.atomic(), audit.acting(by, ip):

        def create():
            if kind not in InspectionRequest.Kind.values:
                raise ValidationError({"kind": _("Choose inspection or report request.")})
            if fiscal_year is not None:
                _check_fiscal_year(fiscal_year, today)
            _check_not_future(requested_on, today, "requested_on")
            if answered_on is not None:
                _check_not_future(answered_on, today, "answered_on")
                if answered_on < requested_on:
                    raise ValidationError({"answered_on": _("The answer cannot come before the request.")})
            return InspectionRequest.objects.create(
                kind=kind,
                fiscal_year=fiscal_year,
                requested_on=requested_on,
                subject=subject,
                answered_on=answered_on,
                recorded_by=by,
            )

        return _once(by, token, "inspection", InspectionRequest, create)


def competent_committees():
    return Party.objects.filter(kind=Party.Kind.COMMITTEE).order_by("-effective_from", "code")


def sessions():
    return CouncilSession.objects.order_by("-starts_on")
