from .roles import ROLE_LABELS, role_of


def roles(request):
    role = role_of(getattr(request, "user", None))
    return {"user_role": role, "user_role_label": ROLE_LABELS.get(role, "")}


def unread_notifications(request):
    """`unread_notifications`: the signed-in user's unread inbox count (lazy: one query if used)."""
    from django.utils.functional import SimpleLazyObject

    from .services.notifications import BADGE_CAP, unread_count

    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return {"unread_notifications": 0}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user, BADGE_CAP))}
