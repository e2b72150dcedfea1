"""The message templates a regency registers for its WhatsApp business number, written from the
notices the apps declare (market.notices), so that what is registered and what is sent never
drift apart: `manage.py whatsapp_templates` prints them as WhatsApp Manager's API takes them.

A template's body is the greeting and the notice's sentences, each fact a numbered parameter
in the order the notice sends them ({{1}} is the reader's name); a notice carrying a document
has a document header; one offering answers has a quick-reply button each; every one has a link
button to the page it is about. The code that proves a number is an authentication template.
"""

import re

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from market.notices import all_notices
from worker.whatsapp_outgoing import CODE_TEMPLATE, TEMPLATE_LANGUAGES
from worker.whatsapp_tokens import ACTION_OF, BadToken, ExpiredToken, reply_of

# The buttons' words, as the templates show them.
BUTTON_WORDS = {
    "accept": pgettext_lazy("WhatsApp button", "Accept"),
    "decline": pgettext_lazy("WhatsApp button", "Decline"),
}
LINK_WORDS = pgettext_lazy("WhatsApp button", "View")
FACT = re.compile(r"%\((\w+)\)s")


def _numbered(text: str, facts: tuple[str, ...]) -> str:
    return FACT.sub(lambda found: f"{{{{{facts.index(found[1]) + 2}}}}}", text)


def template_definitions(language: str) -> list[dict]:
    """Every template, in `language`, as WhatsApp Manager's API takes it."""
    site = settings.SITE_URL.rstrip("/")
    found = []
    with translation.override(language):
        for kind, notice in sorted(all_notices().items()):
            sentences = [str(notice.body), *(str(sentence) for _fact, sentence in notice.extras)]
            body = _("Hello %(name)s,") % {"name": "{{1}}"} + "\n\n"
            body += " ".join(_numbered(sentence, notice.whatsapp) for sentence in sentences)
            components = []
            if notice.document:
                components.append({"type": "HEADER", "format": "DOCUMENT"})
            components.append({"type": "BODY", "text": body})
            buttons = [
                {"type": "QUICK_REPLY", "text": str(BUTTON_WORDS[a])} for a in notice.replies
            ]
            buttons.append({"type": "URL", "text": str(LINK_WORDS), "url": site + "/{{1}}"})
            components.append({"type": "BUTTONS", "buttons": buttons})
            found.append(
                {
                    "name": notice.template_name(kind),
                    "language": TEMPLATE_LANGUAGES[language],
                    "category": "UTILITY",
                    "components": components,
                }
            )
        found.append(
            {
                "name": CODE_TEMPLATE,
                "language": TEMPLATE_LANGUAGES[language],
                "category": "AUTHENTICATION",
                "components": [
                    {"type": "BODY", "add_security_recommendation": True},
                    {"type": "FOOTER", "code_expiration_minutes": settings.PHONE_CODE_MINUTES},
                    {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "COPY_CODE"}]},
                ],
            }
        )
    return found


def described(body: dict) -> dict:
    """A message sent, as a person reads it: the template, its language, its document, its
    texts, and its buttons with their words (a reply button's answer read from its token)."""
    template = body.get("template") or {}
    seen = {
        "template": template.get("name", ""),
        "language": (template.get("language") or {}).get("code", ""),
        "document": "",
        "texts": [],
        "buttons": [],
        "text": (body.get("text") or {}).get("body", ""),
    }
    for component in template.get("components") or []:
        parameters = component.get("parameters") or []
        if component.get("type") == "header" and parameters:
            seen["document"] = (parameters[0].get("document") or {}).get("link", "")
        elif component.get("type") == "body":
            seen["texts"] = [parameter.get("text", "") for parameter in parameters]
        elif component.get("sub_type") == "quick_reply" and parameters:
            seen["buttons"].append(_button_words(parameters[0].get("payload", "")))
        elif component.get("sub_type") == "url" and parameters:
            link = f"{settings.SITE_URL.rstrip('/')}/{parameters[0].get('text', '')}"
            seen["buttons"].append(f"{LINK_WORDS} → {link}")
    return seen


def _button_words(payload: str) -> str:
    try:
        order_id, action, _person = reply_of(payload)
    except ExpiredToken:
        return _("(expired button)")
    except BadToken:
        return "?"
    words = BUTTON_WORDS.get(action, ACTION_OF.get(action, action))
    return _("%(button)s (order #%(order)s)") % {"button": words, "order": order_id}
