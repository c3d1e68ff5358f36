"""The audit trail's model signals: what each audited model ties to, and a record of every
create, change and delete of those models (`compliance.audit.record`)."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from .audit import _jsonable, _recording, record

# --- What each audited model ties to ------------------------------------------------


def _refs(instance):
    """Tokens tying an entry to the obligations it affects (see `obligation_refs`)."""
    name = instance._meta.model_name
    get = instance.__dict__.get
    refs = []
    for attname, prefix in (
        ("submission_id", "submission"),
        ("document_id", "document"),
        ("forwarding_id", "forwarding"),
    ):
        if get(attname):
            refs.append(f"{prefix}:{get(attname)}")
    if name in ("delayreason", "extension"):
        refs.append(f"obligation:{instance.obligation_key}")
    return refs


def _audited_models():
    from . import models

    return [
        models.LegalInstrument,
        models.Provision,
        models.Party,
        models.CouncilSession,
        models.HolidayOverride,
        models.RecordCoverage,
        models.DutyRule,
        models.Submission,
        models.Document,
        models.DocumentFile,
        models.Forwarding,
        models.ForwardingItem,
        models.CommitteeReport,
        models.DelayReason,
        models.Extension,
        models.Evaluation,
        models.InspectionRequest,
        models.FundingYear,
        models.SeoulSupport,
        models.DuesCollection,
        models.ReviewOutcome,
        models.ReviewComment,
        models.ApiToken,
    ]


def _field_values(instance):
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields if not f.primary_key}


def _before_save(sender, instance, raw=False, **kwargs):
    if raw or _recording.get() == "off" or instance._state.adding or instance.pk is None:
        instance._audit_old = None
        return
    instance._audit_old = (
        sender._base_manager.filter(pk=instance.pk)
        .values(*[f.attname for f in sender._meta.concrete_fields if not f.primary_key])
        .first()
    )


def _after_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        instance._audit_raw = True  # loaddata: its m2m rows that follow are not recorded either
        return
    new = _field_values(instance)
    old = getattr(instance, "_audit_old", None)
    if created or old is None:
        changes = {k: [None, _jsonable(v)] for k, v in new.items() if v not in (None, "", [], {})}
        record("create", instance, changes, _refs(instance))
        return
    changes = {
        k: [_jsonable(old.get(k)), _jsonable(v)] for k, v in new.items() if _jsonable(old.get(k)) != _jsonable(v)
    }
    if changes:
        record("update", instance, changes, _refs(instance))


def record_created(instances):
    """Record the creation of records written with bulk_create (which sends no signals),
    as `post_save` would have: one entry each, in order."""
    audited = set(_audited_models())
    for instance in instances:
        if type(instance) in audited:
            _after_save(type(instance), instance, created=True)


def _after_delete(sender, instance, **kwargs):
    record("delete", instance, {k: [_jsonable(v), None] for k, v in _field_values(instance).items()}, _refs(instance))


def _m2m_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if reverse or action not in {"post_add", "post_remove", "post_clear"} or getattr(instance, "_audit_raw", False):
        return
    field = next(f for f in instance._meta.many_to_many if f.remote_field.through is sender)
    ids = sorted(pk_set or [])
    verb = {"post_add": "added", "post_remove": "removed", "post_clear": "cleared"}[action]
    refs = _refs(instance) + [f"{model._meta.model_name}:{pk}" for pk in ids]
    record("update", instance, {field.name: {verb: ids}}, refs)


def connect_signals():
    for model in _audited_models():
        uid = f"wego-audit-{model._meta.label_lower}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=uid + "-pre")
        post_save.connect(_after_save, sender=model, dispatch_uid=uid + "-post")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=uid + "-del")
        for field in model._meta.many_to_many:
            m2m_changed.connect(_m2m_changed, sender=field.remote_field.through, dispatch_uid=uid + field.name)
