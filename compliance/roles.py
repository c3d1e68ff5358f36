"""The roles of the product, as Django groups.

council_staff read everything; wego_secretariat submit their own documents; the
digital_policy_officer records the city's actions; administrators are superusers.
"""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

COUNCIL_STAFF = "council_staff"
WEGO = "wego_secretariat"
DPO = "digital_policy_officer"
ADMIN = "admin"

ROLE_GROUPS = {
    COUNCIL_STAFF: _("Council staff"),
    WEGO: _("WeGO secretariat"),
    DPO: _("Digital Policy Officer"),
}
ROLE_LABELS = {**ROLE_GROUPS, ADMIN: _("Administrator")}


def ensure_groups():
    return {name: Group.objects.get_or_create(name=name)[0] for name in ROLE_GROUPS}


ROLE_ORDER = (DPO, WEGO, COUNCIL_STAFF)  # a user in several groups has the first


class RoleBackend(ModelBackend):
    """Django's model backend, reading the signed-in user's role with the user (one query
    per request instead of two): `role_of()` then needs no query of its own.

    Written out: the same query built through the ORM (three `Exists` annotations) cost
    more time to build than the query it saved."""

    def get_user(self, user_id):
        from django.contrib.auth import get_user_model
        from django.db import connection

        model = get_user_model()
        quote = connection.ops.quote_name
        through = model.groups.through._meta
        member = (
            f"EXISTS (SELECT 1 FROM {quote(through.db_table)} ug JOIN {quote(Group._meta.db_table)} g "
            f"ON g.{quote(Group._meta.pk.column)} = ug.{quote('group_id')} "
            f"WHERE ug.{quote('user_id')} = u.{quote(model._meta.pk.column)} AND g.{quote('name')} = %s)"
        )
        columns = ", ".join(f"{member} AS {quote(f'in_{n}')}" for n in range(len(ROLE_ORDER)))
        sql = f"SELECT u.*, {columns} FROM {quote(model._meta.db_table)} u WHERE u.{quote(model._meta.pk.column)} = %s"
        user = next(iter(model._default_manager.raw(sql, [*ROLE_ORDER, user_id])), None)
        if user is None or not self.user_can_authenticate(user):
            return None
        user._wego_role = next((role for n, role in enumerate(ROLE_ORDER) if getattr(user, f"in_{n}")), None)
        return user


def role_of(user):
    """The user's role, or None. Cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return ADMIN
    if not hasattr(user, "_wego_role"):
        names = set(user.groups.values_list("name", flat=True))
        user._wego_role = next((role for role in ROLE_ORDER if role in names), None)
    return user._wego_role


def has_role(user, *roles):
    return role_of(user) in roles
