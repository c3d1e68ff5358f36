"""Personal API tokens in the profile: make one (shown once), see them, revoke one."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ..access import SUBMISSION_READERS, role_required
from ..audit import client_ip
from ..models import ApiToken
from ..services import open_register


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What will use it, e.g. “council reporting script”."),
    )


@role_required(*SUBMISSION_READERS)
@require_http_methods(["GET", "POST"])
@never_cache
def api_tokens(request):
    form = TokenForm(request.POST or None)
    secret, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _token, secret = open_register.do_create_api_token(
                    by=request.user, name=form.cleaned_data["name"], ip=client_ip(request)
                )
                form = TokenForm()
            except ValidationError as exc:
                form.add_error("name", exc.messages)
                status = 400
        else:
            status = 400
    tokens = ApiToken.objects.filter(user=request.user)
    response = render(
        request, "compliance/account/api_tokens.html", {"form": form, "secret": secret, "tokens": tokens}, status=status
    )
    return response


@role_required(*SUBMISSION_READERS)
@require_POST
def api_token_revoke(request, pk):
    try:
        open_register.do_revoke_api_token(by=request.user, token_id=pk, ip=client_ip(request))
    except ValidationError as exc:
        return render(request, "compliance/error.html", {"message": " ".join(exc.messages)}, status=404)
    messages.success(request, _("The token was revoked; programs using it can no longer read the API."))
    return redirect("api_tokens")
