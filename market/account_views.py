"""The signed-in person's own account: a new password, and the devices signed in to the API."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from market.selectors import api_tokens_of
from market.services.accounts import password_set
from market.services.api_tokens import api_token_revoke, api_tokens_revoke_all


@login_required
def account(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if form.is_valid():
        password_set(
            user=request.user, password=form.cleaned_data["new_password1"], by=request.user
        )
        request.user.refresh_from_db()
        update_session_auth_hash(request, request.user)  # this page stays signed in, no other
        messages.success(
            request,
            _("Your password is changed. Other browsers and every API device are signed out."),
        )
        return redirect("account")
    devices = api_tokens_of(request.user)
    return render(request, "market/account.html", {"form": form, "devices": devices})


@login_required
@require_POST
def device_sign_out(request, public_id):
    token = get_object_or_404(api_tokens_of(request.user), public_id=public_id)
    api_token_revoke(token=token, by=request.user)
    messages.success(request, _("%(device)s is signed out.") % {"device": token.name})
    return redirect("account")


@login_required
@require_POST
def devices_sign_out(request):
    count = api_tokens_revoke_all(user=request.user, by=request.user)
    if count:
        messages.success(request, _("Every API device is signed out."))
    return redirect("account")
