from .roles import ROLE_LABELS, role_of


def roles(request):
    role = role_of(getattr(request, "user", None))
    return {"user_role": role, "user_role_label": ROLE_LABELS.get(role, "")}
