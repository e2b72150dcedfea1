"""Pages of notifications: the bell's list, opening one (read, then its page), reading all,
and a person's choice of channels and language."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, get_language_info, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from market.errors import DomainError
from market.forms import ServiceForm, run_form, show_domain_error
from market.notices import words
from market.selectors import notifications_of
from market.services.notifications import (
    notification_preference_problems,
    notification_preferences_set,
    notifications_mark_read,
    preferences_of,
)
from market.services.phone_codes import phone_code_confirm, phone_code_request

PAGE_SIZE = 20


@login_required
def notification_list(request):
    only_unread = request.GET.get("unread") == "1"
    page = Paginator(notifications_of(request.user, unread=only_unread), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    language = get_language()
    for notification in page:
        notification.title, notification.body = words(
            notification.kind, notification.params, language=language
        )
    return render(
        request,
        "market/notifications.html",
        {
            "page": page,
            "only_unread": only_unread,
            "query": "unread=1" if only_unread else "",
        },
    )


@require_POST
@login_required
def notification_open(request, pk):
    """Read it and go to what it is about (one's own only: anyone else's is 404)."""
    notification = get_object_or_404(notifications_of(request.user), pk=pk)
    notifications_mark_read(user=request.user, ids=[notification.pk])
    if notification.link and url_has_allowed_host_and_scheme(
        notification.link, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.link)
    return redirect("notification-list")


@require_POST
@login_required
def notification_read_all(request):
    marked = notifications_mark_read(user=request.user)
    if marked:
        messages.success(request, _("All notifications are marked read."))
    return redirect("notification-list")


class PreferencesForm(ServiceForm):
    # The pages' language is the switcher's (at the top of every page); this one is only the
    # messages'.
    message_language = forms.ChoiceField(
        label=gettext_lazy("Language of messages"),
        # Each language in its own words, so that a reader finds theirs whatever the page's.
        choices=[
            ("", gettext_lazy("The same as the pages")),
            *((code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES),
        ],
        required=False,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "E-mail and WhatsApp messages. The pages' language is chosen at the top of every page."
        ),
    )
    email = forms.BooleanField(label=gettext_lazy("By e-mail"), required=False)
    whatsapp = forms.BooleanField(label=gettext_lazy("By WhatsApp"), required=False)
    whatsapp_number = forms.CharField(
        label=gettext_lazy("WhatsApp number"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("An Indonesian number, e.g. 0812-3456-7890."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args, current: dict, **kwargs):
        super().__init__(*args, initial=current, **kwargs)
        if not current["email_address"]:
            self.fields["email"].disabled = True
            self.fields["email"].help_text = _(
                "Your account has no e-mail address; an administrator can add one."
            )
        else:
            self.fields["email"].help_text = _("To %(address)s.") % {
                "address": current["email_address"]
            }
        if not current["whatsapp_available"]:
            # WhatsApp is not set up on this server: no switch that would do nothing.
            del self.fields["whatsapp"]
            del self.fields["whatsapp_number"]

    def problems(self, values: dict) -> dict:
        return notification_preference_problems(values)


@login_required
def notification_preferences(request):
    current = preferences_of(request.user)
    form = PreferencesForm(request.POST or None, current=current)
    if form.is_bound:
        try:
            run_form(
                form,
                lambda values: notification_preferences_set(
                    user=request.user, by=request.user, **values
                ),
            )
        except DomainError as error:
            show_domain_error(request, error, form)
        else:
            # The pages keep their language: the messages' is a choice of its own.
            messages.success(request, _("Your choices are saved."))
            return redirect("notification-preferences")
    return render(
        request,
        "market/notification_preferences.html",
        {"form": form, "current": current, "code_form": PhoneCodeForm()},
    )


class PhoneCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from WhatsApp"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "size": 8}
        ),
    )


@require_POST
@login_required
def whatsapp_code_send(request):
    """Send a code to the number in the person's choices."""
    try:
        phone_code_request(user=request.user, by=request.user)
    except DomainError as error:
        for message in error.messages():
            messages.error(request, message)
    else:
        messages.success(request, _("A code was sent to your WhatsApp. Type it below."))
    return redirect("notification-preferences")


@require_POST
@login_required
def whatsapp_code_check(request):
    """The code typed back: the number is verified, or why not (on the choices page)."""
    form = PhoneCodeForm(request.POST)
    try:
        run_form(
            form,
            lambda values: phone_code_confirm(user=request.user, by=request.user, **values),
        )
    except DomainError as error:
        show_domain_error(request, error, form)
        current = preferences_of(request.user)
        return render(
            request,
            "market/notification_preferences.html",
            {
                "form": PreferencesForm(current=current),
                "current": current,
                "code_form": form,
            },
            status=400,
        )
    messages.success(request, _("Your WhatsApp number is verified."))
    return redirect("notification-preferences")
