"""The audit trail as a person reads it: "Kim (Digital Policy Officer) recorded the
forwarding “…”", each change as "field: before → after" with dates, choices and linked
records written out, in the reader's language. No model labels, ids or raw values.

`describe(entries)` turns a page of `AuditEntry` rows into `Sentence`s with a bounded
number of queries (one per kind of record the changes point at).
"""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from . import display
from .labels import fiscal_year_label
from .roles import ROLE_LABELS

# model label -> what the record is called in a sentence
RECORD_KINDS = {
    "compliance.legalinstrument": gettext_lazy("the legal instrument"),
    "compliance.provision": gettext_lazy("the provision version"),
    "compliance.party": gettext_lazy("the party"),
    "compliance.councilsession": gettext_lazy("the council session"),
    "compliance.holidayoverride": gettext_lazy("the holiday setting"),
    "compliance.dutyrule": gettext_lazy("the duty rule"),
    "compliance.submission": gettext_lazy("the submission"),
    "compliance.document": gettext_lazy("the document"),
    "compliance.documentfile": gettext_lazy("the file"),
    "compliance.forwarding": gettext_lazy("the forwarding to the Council"),
    "compliance.forwardingitem": gettext_lazy("the forwarded document"),
    "compliance.committeereport": gettext_lazy("the committee report"),
    "compliance.delayreason": gettext_lazy("the reason for a delay"),
    "compliance.extension": gettext_lazy("the agreed extension"),
    "compliance.evaluation": gettext_lazy("the evaluation"),
    "compliance.inspectionrequest": gettext_lazy("the inspection or report request"),
    "compliance.fundingyear": gettext_lazy("the funding year"),
    "compliance.seoulsupport": gettext_lazy("the Seoul support record"),
    "compliance.duescollection": gettext_lazy("the dues collection record"),
}
# Fields that mean nothing to a reader (keys, tokens, bookkeeping).
HIDDEN_FIELDS = {
    "id",
    "params_key",
    "content_type",
    "storage_name",
    "created_at",
    # who did it: the sentence already says so
    "recorded_by",
    "submitted_by",
    "uploaded_by",
    "requested_by",
    "withdrawn_by",
}
# Fields the models name only by their attribute (no verbose_name).
FIELD_LABELS = {
    "submission": gettext_lazy("submission"),
    "document": gettext_lazy("document"),
    "documents": gettext_lazy("documents"),
    "forwarding": gettext_lazy("forwarding to the Council"),
    "committee": gettext_lazy("committee"),
    "session": gettext_lazy("council session"),
    "instrument": gettext_lazy("legal instrument"),
}
MAX_VALUE = 200


@dataclass
class Change:
    label: str
    before: str | None
    after: str


@dataclass
class Sentence:
    entry: object
    when: str
    text: str
    url: str = ""
    changes: list = field(default_factory=list)


_ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_KO_DAY = re.compile(r"\b(\d{4})\. (\d{1,2})\. (\d{1,2})\.\([월화수목금토일]\)")
_EN_DAY = re.compile(r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (\d{1,2}) (\w{3}) (\d{4})\b")
_FY = re.compile(r"\bFY ?(\d{4})\b|\b(\d{4})회계연도")


def _readable(text, lang):
    """A record's name as saved (its `__str__` in the writer's language, or ISO days and FY
    codes in older entries) with days and fiscal years in the reader's language."""

    def day(year, month, d, whole):
        try:
            return display.format_date(datetime.date(int(year), int(month), int(d)), lang)
        except ValueError:
            return whole

    def en_day(m):
        month = display.MONTHS_EN.index(m[2]) + 1 if m[2] in display.MONTHS_EN else 0
        return day(m[3], month, m[1], m[0])

    text = _ISO_DAY.sub(lambda m: day(m[1], m[2], m[3], m[0]), text)
    text = _KO_DAY.sub(lambda m: day(m[1], m[2], m[3], m[0]), text)
    text = _EN_DAY.sub(en_day, text)
    return _FY.sub(lambda m: str(fiscal_year_label(int(m[1] or m[2]))), text)


def _who(entry, users):
    user = users.get(entry.actor_id)
    name = (user.get_full_name() or user.get_username()) if user else entry.actor_name
    if not name:
        return _("The system")
    role = ROLE_LABELS.get(entry.actor_role)
    return f"{name} ({role})" if role else name


def _verb_sentence(entry, who, kind, record):
    if entry.action == "create":
        return _("%(who)s recorded %(kind)s “%(record)s”.") % {"who": who, "kind": kind, "record": record}
    if entry.action == "delete":
        return _("%(who)s deleted %(kind)s “%(record)s”.") % {"who": who, "kind": kind, "record": record}
    return _("%(who)s changed %(kind)s “%(record)s”.") % {"who": who, "kind": kind, "record": record}


def _model(label):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _field(model, key):
    if model is None:
        return None
    for f in model._meta.get_fields():
        if getattr(f, "attname", None) == key or f.name == key:
            return f
    return None


class _Lookups:
    """Names of the records that changes point at, fetched once per model."""

    def __init__(self):
        self.wanted = defaultdict(set)
        self.names = {}

    def want(self, model, pk):
        if pk is not None:
            self.wanted[model].add(pk)

    def fetch(self):
        """Name each record as the trail last recorded it: one query for every kind of
        record at once (and a deleted record keeps its name). Records the trail never
        saw (the loaded seed history) are read from their own tables."""
        if not self.wanted:
            return
        from .models import AuditEntry

        lang = get_language() or "ko"
        by_label = {model._meta.label_lower: model for model in self.wanted}
        query = Q()
        for model, pks in self.wanted.items():
            query |= Q(model=model._meta.label_lower, object_pk__in=[str(pk) for pk in pks])
        recorded = (
            AuditEntry.objects.filter(query)
            .order_by("model", "object_pk", "-seq")
            .distinct("model", "object_pk")
            .values_list("model", "object_pk", "object_repr")
        )
        for label, pk, name in recorded:
            model = by_label[label]
            self.names[(model, model._meta.pk.to_python(pk))] = _readable(name, lang)
        for model, pks in self.wanted.items():
            missing = [pk for pk in pks if (model, pk) not in self.names]
            for obj in model._base_manager.filter(pk__in=missing) if missing else ():
                self.names[(model, obj.pk)] = _readable(str(obj), lang)

    def name(self, model, pk):
        return self.names.get((model, pk), _("a record that no longer exists"))


def _text(value, f, lookups, lang):
    if value is None or value == "":
        return "—"
    if isinstance(f, models.ForeignKey):
        return lookups.name(f.related_model, value)
    if isinstance(f, models.ManyToManyField) and isinstance(value, list):
        return ", ".join(lookups.name(f.related_model, pk) for pk in value)
    if getattr(f, "choices", None):
        return str(dict(f.flatchoices).get(value, value))
    if f is not None and f.name.endswith("_role") and value in ROLE_LABELS:
        return str(ROLE_LABELS[value])  # a role kept as its code (recorded_by_role, author_role)
    if isinstance(f, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(f, models.DateTimeField) and isinstance(value, str):
        try:
            return display.format_datetime(datetime.datetime.fromisoformat(value), lang)
        except ValueError:
            pass
    if isinstance(f, models.DateField) and isinstance(value, str):
        try:
            return display.format_date(datetime.date.fromisoformat(value[:10]), lang)
        except ValueError:
            pass
    if f is not None and f.name == "size" and isinstance(value, int):
        return display.format_size(value, lang)
    if isinstance(value, dict | list):
        return "…"
    text = _readable(str(value), lang)
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def _record_url(entry):
    label, pk = entry.model, entry.object_pk
    try:
        if label == "compliance.submission":
            return reverse("submission_detail", args=[pk])
        if label in {"compliance.forwarding", "compliance.committeereport"}:
            return reverse("forwarding_list")
        if label in {"compliance.evaluation", "compliance.inspectionrequest"}:
            return reverse("evaluation_list")
        if label in {"compliance.provision", "compliance.dutyrule", "compliance.legalinstrument"}:
            return reverse("provisions")
        if label in {"compliance.delayreason", "compliance.extension"} and (
            key := (entry.changes.get("obligation_key") or [None, None])
        ):
            key = key[1] if isinstance(key, list) else key
            return reverse("obligation_detail", args=[key]) if key else ""
    except NoReverseMatch:
        return ""
    return ""


def describe(entries):
    """Sentences for `entries`: one query for the people, one per kind of linked record."""
    from django.contrib.auth import get_user_model

    lang = get_language() or "ko"
    entries = list(entries)
    users = get_user_model().objects.in_bulk({e.actor_id for e in entries if e.actor_id})
    lookups = _Lookups()
    parsed = []
    for entry in entries:
        model = _model(entry.model)
        rows = []
        for key, value in (entry.changes or {}).items():
            f = _field(model, key)
            if key in HIDDEN_FIELDS or (f is not None and f.name in HIDDEN_FIELDS):
                continue
            if isinstance(f, models.ManyToManyField) and isinstance(value, dict):
                for pks in value.values():
                    for pk in pks:
                        lookups.want(f.related_model, pk)
                rows.append((f, key, "m2m", value))
                continue
            before, after = (value[0], value[1]) if isinstance(value, list) and len(value) == 2 else (None, value)
            if isinstance(f, models.ForeignKey):
                lookups.want(f.related_model, before)
                lookups.want(f.related_model, after)
            rows.append((f, key, before, after))
        parsed.append((entry, model, rows))
    lookups.fetch()

    sentences = []
    for entry, _model_cls, rows in parsed:
        kind = RECORD_KINDS.get(entry.model, _("a record"))
        text = _verb_sentence(entry, _who(entry, users), kind, _readable(entry.object_repr, lang))
        changes = []
        for f, key, before, after in rows:
            name = getattr(f, "name", key)
            label = str(FIELD_LABELS.get(name) or getattr(f, "verbose_name", None) or key.replace("_", " "))
            if before == "m2m":
                verbs = {"added": _("added"), "removed": _("removed"), "cleared": _("all removed")}
                for verb, pks in after.items():
                    names = ", ".join(lookups.name(f.related_model, pk) for pk in pks) or "—"
                    changes.append(Change(f"{label} ({verbs.get(verb, verb)})", None, names))
                continue
            changes.append(
                Change(
                    label[:1].upper() + label[1:],
                    None if entry.action == "create" or before is None else _text(before, f, lookups, lang),
                    _text(after, f, lookups, lang),
                )
            )
        sentences.append(
            Sentence(
                entry=entry,
                when=display.format_datetime(entry.created_at, lang),
                text=text,
                url=_record_url(entry),
                changes=changes,
            )
        )
    return sentences
