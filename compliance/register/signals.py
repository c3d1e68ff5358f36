"""The model signals through which every write reaches the stored register (`keep`).

A row saved or deleted outside a `keep.batch()` refreshes what it touches at once, in
the writer's transaction; inside one, at the end of the batch. An update also refreshes
what the row touched before it changed (a document moved to another year or lineage, a
holiday moved to another day). Raw saves (`loaddata`) are skipped: the project's
`loaddata` command rebuilds the register once the fixtures are in.
"""

from __future__ import annotations

from .keep import Scope, apply, scope_of


def source_models():
    """The models whose rows the register's facts are derived from."""
    from .. import models as m

    return [
        m.Provision,
        m.Party,
        m.DutyRule,
        m.Submission,
        m.Document,
        m.Forwarding,
        m.ForwardingItem,
        m.CommitteeReport,
        m.CouncilSession,
        m.HolidayOverride,
        m.Extension,
    ]


def _before_save(sender, instance, raw=False, **_kwargs):
    if raw or instance.pk is None:
        return
    instance._register_before = sender.objects.filter(pk=instance.pk).first()


def _after_save(sender, instance, raw=False, **_kwargs):
    if raw:
        return
    scope = scope_of(instance)
    before = instance.__dict__.pop("_register_before", None)
    if before is not None:
        scope.add(scope_of(before))
    apply(scope)


def _after_delete(sender, instance, **_kwargs):
    apply(scope_of(instance))


def _m2m_changed(sender, instance, action, pk_set=None, model=None, **_kwargs):
    from .. import models as m

    if action == "pre_clear":  # which documents a clear unlinks: known only before it
        if sender is m.CommitteeReport.documents.through and isinstance(instance, m.CommitteeReport):
            instance._register_cleared = set(instance.documents.values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if sender is m.DutyRule.provisions.through:
        apply(Scope(everything=True))
    elif sender is m.CommitteeReport.documents.through:
        if isinstance(instance, m.CommitteeReport):
            ids = set(pk_set or ()) | instance.__dict__.pop("_register_cleared", set())
        else:
            ids = {instance.pk}
        apply(Scope(doc_ids=ids))


def connect():
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

    from .. import models as m

    for model in source_models():
        uid = f"register-{model._meta.label}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=uid)
        post_save.connect(_after_save, sender=model, dispatch_uid=uid)
        post_delete.connect(_after_delete, sender=model, dispatch_uid=uid)
    for through in (m.DutyRule.provisions.through, m.CommitteeReport.documents.through):
        m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=f"register-{through._meta.label}")
