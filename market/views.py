"""Pages of the market app: sign-in, the error pages, the audit trail."""

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import defaults, i18n

from market.audit_words import events_in_words
from market.bounds import whole_number
from market.errors import DomainError
from market.forms import AuditFilterForm, show_domain_error
from market.models import AuditEvent, Department
from market.permissions import roles_of
from market.selectors import audit_chain_status, audit_events
from market.services.accounts import password_set
from market.services.audit import audit_review
from market.services.notifications import notification_preferences_set
from market.throttles import sign_in_wait


class SignInForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": gettext_lazy("The username or password is wrong (capital letters count)."),
    }


def sign_in_limited(view):
    """A sign-in page's door: a POST from an address past the sign-in rate is answered 429
    before any password is looked at (market.throttles.sign_in_wait)."""

    @functools.wraps(view)
    def limited(request, *args, **kwargs):
        if request.method == "POST" and (seconds := sign_in_wait(request)) is not None:
            return too_many_sign_ins(request, seconds)
        return view(request, *args, **kwargs)

    return limited


def too_many_sign_ins(request, seconds: int):
    message = ngettext(
        "Too many sign-in attempts from this address. Try again in %(seconds)d second.",
        "Too many sign-in attempts from this address. Try again in %(seconds)d seconds.",
        seconds,
    ) % {"seconds": seconds}
    response = _error_answer(request, 429, "throttled", message)
    response["Retry-After"] = str(seconds)
    return response


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True
    authentication_form = SignInForm

    @method_decorator(sign_in_limited)
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class LogoutView(auth_views.LogoutView):
    pass


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's reset link, the new password set through the service (audited, tokens
    revoked)."""

    def form_valid(self, form):
        password_set(user=form.user, password=form.cleaned_data["new_password1"], by=form.user)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


def set_language(request):
    """Django's language switch; a signed-in person's choice is also kept on the person, so
    that their pages on another device follow it, and their e-mail and WhatsApp messages too
    unless they chose another language for those (the notification choices)."""
    response = i18n.set_language(request)
    language = request.POST.get("language") if request.method == "POST" else None
    user = request.user
    if user.is_authenticated and language in dict(settings.LANGUAGES) and language != user.language:
        notification_preferences_set(user=user, by=user, language=language)
    return response


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _error_answer(request, status: int, code: str, message: str, fields: dict | None = None):
    """The API's one error format under /api/, a plain page elsewhere."""
    if _is_api(request):
        body = {"code": code, "message": message, **({"fields": fields} if fields else {})}
        return JsonResponse({"error": body}, status=status)
    problems = [f"{name}: {problem}" for name, items in (fields or {}).items() for problem in items]
    return render(
        request,
        "market/error.html",
        {"status": status, "message": message, "problems": problems},
        status=status,
    )


def bad_request_answer(request, fields: dict):
    return _error_answer(request, 400, "invalid", _("Some fields are not valid."), fields)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a sign-in attempted while its username is locked out, on the
    page and through the API alike (AXES_LOCKOUT_CALLABLE)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = ngettext(
        "Too many wrong passwords for this username. Try again in %(minutes)d minute, or ask "
        "an administrator to reset the password.",
        "Too many wrong passwords for this username. Try again in %(minutes)d minutes, or ask "
        "an administrator to reset the password.",
        minutes,
    ) % {"minutes": minutes}
    return _error_answer(request, 429, "locked_out", message)


def sign_in_username(request, credentials=None) -> str:
    """The username django-axes counts failures against: as sign-in matches it, in any case."""
    username = (credentials or {}).get("username") or request.POST.get("username") or ""
    return str(username).strip().lower()[:150]


def not_found(request, exception=None):
    return _error_answer(request, 404, "not_found", _("Not found."))


def permission_denied(request, exception=None):
    """What you see but may not do: 403, with the refusal's own words when it has some."""
    message = str(exception) if exception and exception.args else ""
    return _error_answer(
        request, 403, "not_allowed", message or _("You are not allowed to do this.")
    )


def server_error(request):
    if not _is_api(request):  # a plain page that needs nothing that may have failed
        return defaults.server_error(request)
    return _error_answer(
        request,
        500,
        "server_error",
        _("Something went wrong on our side; it has been logged. Please try again later."),
    )


@login_required
def audit_trail(request):
    """The audit trail for finance officers and inspectors (administrators read it too): filter,
    compare before and after, mark what was read, see what nobody has."""
    roles = roles_of(request.user)
    if not (roles.is_auditor or roles.is_platform_admin):
        raise Http404
    departments = Department.objects.order_by("code")
    if request.method == "POST" and roles.is_auditor:
        chosen = [pk for pk in map(whole_number, request.POST.getlist("event")) if pk]
        try:
            count = audit_review(
                events=AuditEvent.objects.filter(pk__in=chosen),
                by=request.user,
                note=request.POST.get("note", ""),
            )
        except DomainError as error:
            show_domain_error(request, error)
        else:
            messages.success(request, _("%(count)s events marked as reviewed.") % {"count": count})
        return redirect(request.get_full_path())
    form = AuditFilterForm(request.GET or None, departments=departments)
    values = form.cleaned_data if form.is_valid() else {}
    code = values.get("department")
    events = audit_events(
        department=departments.filter(code=code).first() if code else None,
        actor=values.get("actor") or "",
        action=values.get("action") or "",
        about=values.get("about") or "",
        date_from=values.get("date_from"),
        date_to=values.get("date_to"),
        unreviewed=bool(values.get("unreviewed")),
        before=whole_number(request.GET.get("before", "")),
    )
    page, older = events[:50], len(events) > 50
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request,
        "market/audit.html",
        {
            "form": form,
            "events": events_in_words(page, request.user),
            "older": page[-1].sequence if older else None,
            "query": query.urlencode(),
            "can_review": roles.is_auditor,
            "chain": audit_chain_status(),
        },
    )
