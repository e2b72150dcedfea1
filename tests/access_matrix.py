"""Who gets what from each route: the table tests/test_access_matrix.py asserts.

Every route of the URLconf has a row in EXPECTED (the Django admin's generated routes are
covered by ADMIN_RULE instead), keyed by its "namespace:name", with one status code per person
of ROLES. The objects in a route's URL belong to the "home" department (DISDIK) and the "home"
vendor (the one selling it rice); the "other_" people hold the same roles in another
department, and "other_vendor" is a member of another vendor. How each route is asked is in
CALLS: GET unless said otherwise, pages through the test client signed in with force_login, the
API through DRF's APIClient with force_authenticate (with the person's own API token). Routes
that take no GET get their method with an empty body: those who may not use it are refused
(401/403/404), those who may get the validation answer (400) or the real outcome. Each request
runs in a savepoint rolled back after it, so no answer depends on another.

Codes: a page asked by someone signed out answers 302 (to the sign-in page).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

ROLES = (
    "anonymous",
    "requester",
    "approver",
    "receiver",
    "treasurer",
    "other_requester",
    "other_approver",
    "other_receiver",
    "other_treasurer",
    "finance",
    "inspector",
    "vendor",
    "other_vendor",
    "admin",
)

# A route's URL values, from the home objects (tests/test_access_matrix.py, Home) and the person.
Values = Callable[[object, str], dict]


@dataclass(frozen=True)
class Call:
    method: str = "GET"
    kwargs: Values = field(default=lambda home, role: {})
    path: str = ""  # for a route without a name, which reverse() cannot make


PUBLIC_PHOTO = "catalog/access-matrix.txt"  # written by the test where the URLconf serves photos


def pk(attribute: str, **more) -> Values:
    """The route's `pk` is the home object `attribute` (with `more` fixed values)."""
    return lambda home, role: {"pk": getattr(home, attribute).pk, **more}


def order(state: str, **more) -> Values:
    """The home order that is in `state` (the state the route's action starts from)."""
    return lambda home, role: {"pk": home.orders[state].pk, **more}


def own_token(home, role: str) -> dict:
    """Each person their own API token (signed out: the home requester's)."""
    return {"public_id": home.tokens.get(role, home.tokens["requester"]).public_id}


CALLS: dict[str, Call] = {
    # market: accounts, language, notifications, the audit trail
    "logout": Call("POST"),
    "account-device-sign-out": Call("POST", own_token),
    "account-devices-sign-out": Call("POST"),
    "password_reset_confirm": Call(
        kwargs=lambda home, role: {"uidb64": "MQ", "token": "set-password-xyz"}
    ),
    "set_language": Call("POST"),
    "notification-read-all": Call("POST"),
    "notification-open": Call("POST", pk("notification")),
    "whatsapp-code-send": Call("POST"),
    "whatsapp-code-check": Call("POST"),
    "whatsapp-document": Call(kwargs=lambda home, role: {"token": "not-a-signed-token"}),
    # market API
    "api:token-create": Call("POST"),
    "api:token-revoke": Call("DELETE", own_token),
    "api:token-logout": Call("POST"),
    "api:token-logout-all": Call("POST"),
    "api:notification-read-all": Call("POST"),
    "api:notification-read": Call("POST", pk("notification")),
    "api:whatsapp-code": Call("POST"),
    "api:whatsapp-verify": Call("POST"),
    # vendors
    "vendor-detail": Call(kwargs=pk("vendor")),
    "vendor-action": Call("POST", pk("vendor", action="suspend")),
    "vendor-document": Call(kwargs=pk("document")),
    "vendor-tax-profile-check": Call("POST", pk("vendor")),
    "api:vendor-tax-profile-check": Call("POST", pk("vendor")),
    "api:vendor-register": Call("POST"),
    "api:vendor-detail": Call(kwargs=pk("vendor")),
    "api:vendor-documents-of-vendor": Call(kwargs=pk("vendor")),
    "api:vendor-verify": Call("POST", pk("vendor")),
    "api:vendor-reject": Call("POST", pk("vendor")),
    "api:vendor-suspend": Call("POST", pk("vendor")),
    "api:vendor-reinstate": Call("POST", pk("vendor")),
    "api:vendor-document-file": Call(kwargs=pk("document")),
    # catalog
    "product-detail": Call(kwargs=pk("product")),
    "vendor-product-edit": Call(kwargs=pk("product")),
    "api:product-detail": Call(kwargs=pk("product")),
    "api:vendor-product-detail": Call(kwargs=pk("product")),
    "api:vendor-product-images": Call("POST", pk("product")),
    # procurement
    "report-department": Call(kwargs=lambda home, role: {"code": home.department.code}),
    "policy-edit": Call(kwargs=lambda home, role: {"year": home.year}),
    "api:department-members": Call(kwargs=lambda home, role: {"code": home.department.code}),
    "api:policy-detail": Call(kwargs=lambda home, role: {"year": home.year}),
    # orders: pages
    "cart-add": Call("POST", lambda home, role: {"product_id": home.product.pk}),
    "order-detail": Call(kwargs=order("paid")),
    "order-action": Call("POST", order("submitted", action="approve")),
    "order-negotiation-move": Call("POST", order("negotiating", move="counter")),
    "order-pay-card": Call("POST", order("invoiced")),
    "order-card-payment": Call(
        kwargs=lambda home, role: {"pk": home.orders["paid"].pk, "payment_id": home.payment.pk}
    ),
    "order-document-pdf": Call(kwargs=order("paid", kind="purchase-order")),
    "export-download": Call(kwargs=pk("export")),
    "standing-order-stop": Call("POST", pk("standing_order")),
    # orders: API
    "api:cart-items": Call("POST"),
    "api:cart-item": Call("PATCH", lambda home, role: {"product_id": home.product.pk}),
    "api:cart-preview": Call("POST"),
    "api:cart-checkout": Call("POST"),
    "api:order-detail": Call(kwargs=order("paid")),
    "api:order-approve": Call("POST", order("submitted")),
    "api:order-reject": Call("POST", order("submitted")),
    "api:order-cancel": Call("POST", order("submitted")),
    "api:order-accept": Call("POST", order("approved")),
    "api:order-decline": Call("POST", order("approved")),
    "api:order-ship": Call("POST", order("accepted")),
    "api:order-receive": Call("POST", order("shipped")),
    "api:order-close_short": Call("POST", order("partially_shipped")),
    "api:order-invoice": Call("POST", order("received")),
    "api:order-pay": Call("POST", order("invoiced")),
    "api:order-refund": Call("POST", order("paid")),
    "api:order-close": Call("POST", order("paid")),
    "api:order-document": Call(kwargs=order("paid", kind="purchase-order")),
    "api:order-negotiation": Call(kwargs=order("negotiating")),
    "api:order-negotiation-propose": Call("POST", order("submitted")),
    "api:order-negotiation-counter": Call("POST", order("negotiating")),
    "api:order-negotiation-accept": Call("POST", order("negotiating")),
    "api:order-negotiation-decline": Call("POST", order("negotiating")),
    "api:order-negotiation-withdraw": Call("POST", order("negotiating")),
    "api:stripe-webhook": Call("POST"),
    "api:export-detail": Call(kwargs=pk("export")),
    "api:export-file": Call(kwargs=pk("export")),
    # ratings: the home rating is of the paid order; the received one waits for its rating
    "rating-give": Call("POST", order("received")),
    "rating-change": Call("POST", pk("rating")),
    "rating-answer": Call("POST", pk("rating")),
    "api:order-rating": Call("POST", order("received")),
    "api:rating-detail": Call("PATCH", pk("rating")),
    "api:rating-answer": Call("POST", pk("rating")),
    # quotes (the home quote is open: the home vendor invited, no offer yet)
    "quote-detail": Call(kwargs=pk("quote")),
    "quote-action": Call("POST", pk("quote", action="cancel")),
    "vendor-quote": Call(kwargs=pk("quote")),
    "vendor-quote-withdraw": Call("POST", pk("quote")),
    "api:quote-detail": Call(kwargs=pk("quote")),
    "api:quote-extend": Call("POST", pk("quote")),
    "api:quote-cancel": Call("POST", pk("quote")),
    "api:quote-propose": Call("POST", pk("quote")),
    "api:quote-approve": Call("POST", pk("quote")),
    "api:quote-send-back": Call("POST", pk("quote")),
    "api:vendor-quote-detail": Call(kwargs=pk("quote")),
    "api:vendor-quote-offer": Call("POST", pk("quote")),
    "api:vendor-quote-withdraw": Call("POST", pk("quote")),
    # integrity
    "integrity-flag": Call(kwargs=pk("flag")),
    "integrity-scan": Call("POST"),
    "integrity-export": Call("POST"),
    "api:integrity-flag-detail": Call(kwargs=pk("flag")),
    "api:integrity-flag-review": Call("POST", pk("flag")),
    "api:integrity-scan-list": Call("POST"),
    "api:integrity-scan-detail": Call(kwargs=pk("scan")),
    "api:standing-order-detail": Call(kwargs=pk("standing_order")),
    "api:standing-order-stop": Call("POST", pk("standing_order")),
    # product photos, served by the app itself
    "<^media/(?P<path>catalog/.+)$>": Call(path=f"/media/{PUBLIC_PHOTO}"),
    # the admin's own route (the generated ones follow ADMIN_RULE)
    "admin:worker_outbox_retry": Call("POST", pk("outbox_message")),
}

# fmt: off
EXPECTED: dict[str, str] = {
    # Columns: anonymous; requester, approver (the PPK named on the orders), receiver and
    # treasurer of the home department, then of the other; finance; the home vendor; the other
    # vendor; the platform administrator.
    #                                      home department     other department   vendor
    #                                  ano req app rec tre req app rec tre fin ins ven oth adm
    # market: sign-in, account, language, notifications, health, the audit trail; the vendor's
    # installable app (pasar.pwa): public files, linked on vendors' pages only
    "home":                           "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "login":                          "200 302 302 302 302 302 302 302 302 302 302 302 302 302",
    "logout":                         "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    "account":                        "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "account-device-sign-out":        "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    "account-devices-sign-out":       "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    "password_reset":                 "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "password_reset_done":            "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "password_reset_confirm":         "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "password_reset_complete":        "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "set_language":                   "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    "notification-list":              "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "notification-read-all":          "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    "notification-preferences":       "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "notification-open":              "302 302 404 404 404 404 404 404 404 404 404 404 404 404",
    "pwa-service-worker":             "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "pwa-manifest":                   "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "healthz":                        "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "readyz":                         "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "audit-trail":                    "302 404 404 404 404 404 404 404 404 200 200 404 404 200",
    # the admin's own route (its generated ones follow ADMIN_RULE below)
    "admin:worker_outbox_retry":      "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    # market API
    "api:token-create":               "400 400 400 400 400 400 400 400 400 400 400 400 400 400",
    "api:token-list":                 "401 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "api:token-revoke":               "401 204 204 204 204 204 204 204 204 204 204 204 204 204",
    "api:token-logout":               "401 204 204 204 204 204 204 204 204 204 204 204 204 204",
    "api:token-logout-all":           "401 204 204 204 204 204 204 204 204 204 204 204 204 204",
    "api:me":                         "401 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "api:district-list":              "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "api:public-audit-checkpoints":   "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "api:notification-list":          "401 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "api:notification-read-all":      "401 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "api:notification-preferences":   "401 200 200 200 200 200 200 200 200 200 200 200 200 200",
    # WhatsApp: a number's code (WhatsApp is not set up here: 409, and the page says why); the
    # webhook's handshake without the verify token; a document link that is not signed
    "whatsapp-code-send":             "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    "whatsapp-code-check":            "302 400 400 400 400 400 400 400 400 400 400 400 400 400",
    "whatsapp-document":              "404 404 404 404 404 404 404 404 404 404 404 404 404 404",
    "api:whatsapp-code":              "401 409 409 409 409 409 409 409 409 409 409 409 409 409",
    "api:whatsapp-verify":            "401 400 400 400 400 400 400 400 400 400 400 400 400 400",
    "api:whatsapp-webhook":           "403 403 403 403 403 403 403 403 403 403 403 403 403 403",
    "api:notification-read":          "401 200 404 404 404 404 404 404 404 404 404 404 404 404",
    # vendors API
    "api:vendor-register":            "400 400 400 400 400 400 400 400 400 400 400 400 400 400",
    "api:vendor-list":                "401 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "api:vendor-detail":              "401 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "api:vendor-documents-of-vendor": "401 404 404 404 404 404 404 404 404 404 404 200 404 200",
    "api:vendor-verify":              "401 403 403 403 403 403 403 403 403 403 403 403 403 409",
    "api:vendor-reject":              "401 403 403 403 403 403 403 403 403 403 403 403 403 409",
    "api:vendor-suspend":             "401 403 403 403 403 403 403 403 403 403 403 403 403 400",
    "api:vendor-reinstate":           "401 403 403 403 403 403 403 403 403 403 403 403 403 409",
    "api:vendor-profile":             "401 404 404 404 404 404 404 404 404 404 404 200 200 404",
    "api:vendor-tax-profile":         "401 404 404 404 404 404 404 404 404 404 404 200 200 404",
    "api:vendor-tax-profile-check":   "401 403 403 403 403 403 403 403 403 403 403 403 403 400",
    "api:vendor-documents":           "401 404 404 404 404 404 404 404 404 404 404 200 200 404",
    "api:vendor-document-file":       "401 404 404 404 404 404 404 404 404 404 404 200 404 200",
    "api:vendor-stats":               "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    # catalog API
    "api:category-list":              "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "api:product-list":               "401 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "api:product-detail":             "401 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "api:vendor-product-list":        "401 404 404 404 404 404 404 404 404 404 404 200 200 404",
    "api:vendor-product-detail":      "401 404 404 404 404 404 404 404 404 404 404 200 404 404",
    "api:vendor-product-images":      "401 404 404 404 404 404 404 404 404 404 404 400 404 404",
    # procurement API
    "api:department-list":            "401 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "api:department-members":         "401 200 200 200 200 404 404 404 404 200 200 404 404 200",
    "api:budget-list":                "401 200 200 200 200 200 200 200 200 200 200 404 404 200",
    "api:policy-list":                "401 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "api:report-compliance":          "401 200 200 200 200 200 200 200 200 200 200 404 404 200",
    "api:report-spend":               "401 200 200 200 200 200 200 200 200 200 200 404 404 200",
    "api:public-spend":               "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "api:policy-detail":              "401 200 200 200 200 200 200 200 200 200 200 200 200 200",
    # orders API
    #                                  ano req app rec tre req app rec tre fin ins ven oth adm
    "api:cart":                       "401 200 404 404 404 200 404 404 404 404 404 404 404 404",
    "api:cart-items":                 "401 400 404 404 404 400 404 404 404 404 404 404 404 404",
    "api:cart-item":                  "401 400 404 404 404 400 404 404 404 404 404 404 404 404",
    "api:cart-preview":               "401 400 404 404 404 400 404 404 404 404 404 404 404 404",
    "api:cart-checkout":              "401 400 404 404 404 400 404 404 404 404 404 404 404 404",
    "api:order-list":                 "401 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "api:order-detail":               "401 200 200 200 200 404 404 404 404 200 200 200 404 200",
    "api:order-approve":              "401 403 200 403 403 404 404 404 404 403 403 404 404 403",
    "api:order-reject":               "401 403 400 403 403 404 404 404 404 403 403 404 404 403",
    "api:order-cancel":               "401 400 400 403 403 404 404 404 404 403 403 404 404 403",
    "api:order-accept":               "401 403 403 403 403 404 404 404 404 403 403 200 404 403",
    "api:order-decline":              "401 403 403 403 403 404 404 404 404 403 403 400 404 403",
    "api:order-ship":                 "401 403 403 403 403 404 404 404 404 403 403 400 404 403",
    "api:order-receive":              "401 403 403 400 403 404 404 404 404 403 403 403 404 403",
    "api:order-invoice":              "401 403 403 403 403 404 404 404 404 403 403 200 404 403",
    "api:order-close_short":          "401 403 400 403 403 404 404 404 404 403 403 403 404 403",
    "api:order-pay":                  "401 403 403 403 400 404 404 404 404 403 403 403 404 403",
    "api:order-refund":               "401 403 403 403 400 404 404 404 404 400 403 403 404 403",
    "api:order-close":                "401 200 200 403 403 404 404 404 404 403 403 403 404 403",
    "api:order-document":             "401 200 200 200 200 404 404 404 404 200 200 200 404 200",
    "api:order-negotiation":          "401 200 200 200 200 404 404 404 404 200 200 200 404 200",
    "api:order-negotiation-propose":  "401 400 403 403 403 404 404 404 404 403 403 404 404 403",
    "api:order-negotiation-counter":  "401 403 403 403 403 404 404 404 404 403 403 400 404 403",
    "api:order-negotiation-accept":   "401 409 403 403 403 404 404 404 404 403 403 200 404 403",
    "api:order-negotiation-decline":  "401 403 403 403 403 404 404 404 404 403 403 200 404 403",
    "api:order-negotiation-withdraw": "401 200 403 403 403 404 404 404 404 403 403 403 404 403",
    "api:vendor-order-list":          "401 404 404 404 404 404 404 404 404 404 404 200 200 404",
    "api:stripe-webhook":             "404 404 404 404 404 404 404 404 404 404 404 404 404 404",
    "api:export-list":                "401 200 200 200 200 200 200 200 200 200 200 404 404 200",
    "api:public-ocds":                "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "api:export-detail":              "401 200 404 404 404 404 404 404 404 404 404 404 404 404",
    "api:export-file":                "401 200 404 404 404 404 404 404 404 404 404 404 404 404",
    "api:standing-order-list":        "401 200 200 200 200 200 200 200 200 200 200 404 404 200",
    "api:standing-order-detail":      "401 200 200 200 200 404 404 404 404 200 200 404 404 200",
    "api:standing-order-stop":        "401 200 200 403 403 404 404 404 404 403 403 404 404 403",
    # the API's schema and docs
    "schema":                         "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "api-docs":                       "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    # vendors pages
    "vendor-register":                "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "vendor-directory":               "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "vendor-review":                  "302 404 404 404 404 404 404 404 404 404 404 404 404 200",
    "vendor-detail":                  "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "vendor-action":                  "302 403 403 403 403 403 403 403 403 403 403 403 403 302",
    "vendor-home":                    "302 404 404 404 404 404 404 404 404 404 404 200 200 404",
    "tax-register":                   "302 404 404 404 200 404 404 404 200 404 404 404 404 200",
    "api:tax-register":               "401 404 404 404 400 404 404 404 400 404 404 404 404 400",
    "vendor-profile":                 "302 404 404 404 404 404 404 404 404 404 404 200 200 404",
    "vendor-tax-profile":             "302 404 404 404 404 404 404 404 404 404 404 200 200 404",
    "vendor-tax-profile-check":       "302 403 403 403 403 403 403 403 403 403 403 403 403 302",
    "vendor-document":                "302 404 404 404 404 404 404 404 404 404 404 200 404 200",
    "vendor-statistics":              "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    # catalog pages
    "catalogue":                      "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "product-detail":                 "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "vendor-products":                "302 404 404 404 404 404 404 404 404 404 404 200 200 404",
    "vendor-product-new":             "302 404 404 404 404 404 404 404 404 404 404 200 200 404",
    "vendor-product-edit":            "302 404 404 404 404 404 404 404 404 404 404 200 404 404",
    # procurement pages
    "budget-list":                    "302 200 200 200 200 200 200 200 200 200 200 404 404 200",
    "policy-list":                    "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "report-dashboard":               "302 200 200 200 200 200 200 200 200 200 200 404 404 200",
    "transparency":                   "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "report-department":              "302 200 200 200 200 404 404 404 404 200 200 404 404 200",
    "policy-edit":                    "302 403 403 403 403 403 403 403 403 403 403 403 403 200",
    # orders pages
    #                                  ano req app rec tre req app rec tre fin ins ven oth adm
    "cart":                           "302 200 404 404 404 200 404 404 404 404 404 404 404 404",
    "cart-add":                       "302 302 404 404 404 302 404 404 404 404 404 404 404 404",
    "order-list":                     "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "order-detail":                   "302 200 200 200 200 404 404 404 404 200 200 200 404 200",
    "order-action":                   "302 403 302 403 403 404 404 404 404 403 403 404 404 403",
    "order-negotiation-move":         "302 403 403 403 403 404 404 404 404 403 403 302 404 403",
    "order-pay-card":                 "302 403 403 403 302 404 404 404 404 403 403 403 404 403",
    "order-card-payment":             "302 403 403 403 302 404 404 404 404 403 403 403 404 403",
    "order-document-pdf":             "302 200 200 200 200 404 404 404 404 200 200 200 404 200",
    "vendor-orders":                  "302 404 404 404 404 404 404 404 404 404 404 200 200 404",
    "export-list":                    "302 200 200 200 200 200 200 200 200 200 200 404 404 200",
    "export-download":                "302 200 404 404 404 404 404 404 404 404 404 404 404 404",
    "standing-order-list":            "302 200 200 200 200 200 200 200 200 200 200 404 404 200",
    "standing-order-stop":            "302 302 302 403 403 404 404 404 404 403 403 404 404 403",
    "public-purchases":               "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    # ratings: every reader sees those that are theirs (a department's, a vendor's, all for
    # finance, inspectors and administrators); a receiver rates, its author changes, the
    # vendor answers
    "rating-list":                    "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "rating-give":                    "302 403 403 302 403 404 404 404 404 403 403 403 404 403",
    "rating-change":                  "302 403 403 302 403 404 404 404 404 403 403 403 404 403",
    "rating-answer":                  "302 403 403 403 403 404 404 404 404 403 403 302 404 403",
    "api:rating-list":                "401 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "api:order-rating":               "401 403 403 400 403 404 404 404 404 403 403 403 404 403",
    "api:rating-detail":              "401 403 403 400 403 404 404 404 404 403 403 403 404 403",
    "api:rating-answer":              "401 403 403 403 403 404 404 404 404 403 403 400 404 403",
    # quotes: the department's people, auditors and administrators see a quote (with its
    # HPS), its requesters act on it and its PPK approves the award; the invited vendor offers
    # on its own side; the opened ones are open data. The home quote is open (no offer yet):
    # approving it is a conflict, withdrawing an offer it does not have too.
    #                                  ano req app rec tre req app rec tre fin ins ven oth adm
    "quote-list":                     "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "quote-new":                      "302 200 404 404 404 200 404 404 404 404 404 404 404 404",
    "quote-detail":                   "302 200 200 200 200 404 404 404 404 200 200 404 404 200",
    "quote-action":                   "302 302 403 403 403 404 404 404 404 403 403 404 404 403",
    "vendor-quotes":                  "302 404 404 404 404 404 404 404 404 404 404 200 200 404",
    "vendor-quote":                   "302 404 404 404 404 404 404 404 404 404 404 200 404 404",
    "vendor-quote-withdraw":          "302 404 404 404 404 404 404 404 404 404 404 302 404 404",
    "api:quote-list":                 "401 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "api:quote-detail":               "401 200 200 200 200 404 404 404 404 200 200 404 404 200",
    "api:quote-extend":               "401 400 403 403 403 404 404 404 404 403 403 404 404 403",
    "api:quote-cancel":               "401 400 403 403 403 404 404 404 404 403 403 404 404 403",
    "api:quote-propose":              "401 400 403 403 403 404 404 404 404 403 403 404 404 403",
    "api:quote-approve":              "401 403 409 403 403 404 404 404 404 403 403 404 404 403",
    "api:quote-send-back":            "401 403 400 403 403 404 404 404 404 403 403 404 404 403",
    "api:vendor-quote-list":          "401 404 404 404 404 404 404 404 404 404 404 200 200 404",
    "api:vendor-quote-detail":        "401 404 404 404 404 404 404 404 404 404 404 200 404 404",
    "api:vendor-quote-offer":         "401 404 404 404 404 404 404 404 404 404 404 400 404 404",
    "api:vendor-quote-withdraw":      "401 404 404 404 404 404 404 404 404 404 404 409 404 404",
    "api:public-quote-ocds":          "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    # integrity: finance officers and inspectors read flags and start scans, inspectors
    # review them; nobody else, administrators included, sees a flag
    #                                  ano req app rec tre req app rec tre fin ins ven oth adm
    "integrity-console":              "302 404 404 404 404 404 404 404 404 200 200 404 404 404",
    "integrity-flag":                 "302 404 404 404 404 404 404 404 404 200 200 404 404 404",
    "integrity-scan":                 "302 404 404 404 404 404 404 404 404 302 302 404 404 404",
    "integrity-export":               "302 404 404 404 404 404 404 404 404 302 302 404 404 404",
    "api:integrity-flag-list":        "401 404 404 404 404 404 404 404 404 200 200 404 404 404",
    "api:integrity-flag-detail":      "401 404 404 404 404 404 404 404 404 200 200 404 404 404",
    "api:integrity-flag-review":      "401 404 404 404 404 404 404 404 404 403 400 404 404 404",
    "api:integrity-scan-list":        "401 404 404 404 404 404 404 404 404 202 202 404 404 404",
    "api:integrity-scan-detail":      "401 404 404 404 404 404 404 404 404 200 200 404 404 404",
    # product photos
    "<^media/(?P<path>catalog/.+)$>": "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
}
# fmt: on

# Lists asked once more with `?department=<the home department's code>`: a list narrowed to
# one department is that department's records, so whoever may not read them gets 404 (as its
# page /reports/<code>/ answers), never an empty list that tells them nothing.
# fmt: off
FOR_THE_HOME_DEPARTMENT: dict[str, str] = {
    #                                  ano req app rec tre req app rec tre fin ins ven oth adm
    "api:budget-list":                "401 200 200 200 200 404 404 404 404 200 200 404 404 200",
    "api:report-compliance":          "401 200 200 200 200 404 404 404 404 200 200 404 404 200",
    "api:report-spend":               "401 200 200 200 200 404 404 404 404 200 200 404 404 200",
    # A vendor's orders from that department are its own (the filter names the buyer).
    "api:order-list":                 "401 200 200 200 200 404 404 404 404 200 200 200 200 200",
    # The tax register names vendors' NPWP: the department's treasurers' and administrators'
    # alone (asked without a month, they are told to give one).
    "api:tax-register":               "401 404 404 404 400 404 404 404 404 404 404 404 404 400",
}
# fmt: on

# A page and the API endpoints that show or do the same thing refuse the same people in the
# same way: 404 for what is not yours to see, 403 for what you see but may not do (a page's
# redirect to the sign-in page is the API's 401). tests/test_access_matrix.py holds the rows
# above to it, so a page that answers a refusal with a redirect or a 400 shows up there.
SAME_THING: dict[str, tuple[str, ...]] = {
    # market
    "account": ("api:token-list",),
    "account-device-sign-out": ("api:token-revoke",),
    "account-devices-sign-out": ("api:token-logout-all",),
    "notification-list": ("api:notification-list",),
    "notification-read-all": ("api:notification-read-all",),
    "notification-preferences": ("api:notification-preferences",),
    "notification-open": ("api:notification-read",),
    # vendors
    "vendor-directory": ("api:vendor-list",),
    "vendor-detail": ("api:vendor-detail",),
    "vendor-action": ("api:vendor-suspend",),
    "vendor-home": ("api:vendor-profile", "api:vendor-documents"),
    "vendor-profile": ("api:vendor-profile",),
    "tax-register": ("api:tax-register",),
    "vendor-tax-profile": ("api:vendor-tax-profile",),
    "vendor-tax-profile-check": ("api:vendor-tax-profile-check",),
    "vendor-document": ("api:vendor-document-file",),
    "vendor-statistics": ("api:vendor-stats",),
    # catalog
    "catalogue": ("api:product-list",),
    "product-detail": ("api:product-detail",),
    "vendor-products": ("api:vendor-product-list",),
    "vendor-product-edit": ("api:vendor-product-detail",),
    # procurement
    "budget-list": ("api:budget-list",),
    "policy-list": ("api:policy-list",),
    "report-dashboard": ("api:report-compliance", "api:report-spend"),
    "transparency": ("api:public-spend",),
    # orders
    "cart": ("api:cart",),
    "cart-add": ("api:cart-items",),
    "order-list": ("api:order-list",),
    "order-detail": ("api:order-detail",),
    "order-action": ("api:order-approve",),
    "order-negotiation-move": ("api:order-negotiation-counter",),
    "order-pay-card": ("api:order-pay",),
    "order-card-payment": ("api:order-pay",),
    "order-document-pdf": ("api:order-document",),
    "vendor-orders": ("api:vendor-order-list",),
    "export-list": ("api:export-list",),
    "export-download": ("api:export-file",),
    "standing-order-list": ("api:standing-order-list",),
    "standing-order-stop": ("api:standing-order-stop",),
    "public-purchases": ("api:public-ocds",),
    # ratings
    "rating-list": ("api:rating-list",),
    # quotes
    "quote-list": ("api:quote-list",),
    "quote-detail": ("api:quote-detail",),
    "quote-action": ("api:quote-cancel",),
    "vendor-quotes": ("api:vendor-quote-list",),
    "vendor-quote": ("api:vendor-quote-detail",),
    "vendor-quote-withdraw": ("api:vendor-quote-withdraw",),
    # integrity
    "integrity-console": ("api:integrity-flag-list",),
    "integrity-flag": ("api:integrity-flag-detail",),
}


# --- The Django admin ----------------------------------------------------------------------

ADMIN_NAMESPACE = "admin"

# The generated routes by kind: (signed out, signed in but not staff, platform administrator).
# A model route's kind is the end of its name ("admin:orders_invoice_change" is "change");
# "object" is the unnamed `<app>/<model>/<id>/` that redirects to the change page.
ADMIN_RULE: dict[str, tuple[str, str, str]] = {
    "index": ("302", "302", "200"),
    "app_list": ("302", "302", "200"),
    "login": ("200", "200", "302"),
    "logout": ("302", "302", "302"),  # POST
    "password_change": ("302", "302", "200"),
    "password_change_done": ("302", "302", "200"),
    "autocomplete": ("302", "302", "403"),  # asked without saying for which field
    "jsi18n": ("302", "302", "200"),
    "view_on_site": ("302", "302", "404"),  # a user has no page of its own on the site
    "catch_all": ("302", "302", "404"),
    "changelist": ("302", "302", "200"),
    "add": ("302", "302", "200"),
    "change": ("302", "302", "200"),
    "delete": ("302", "302", "200"),
    "history": ("302", "302", "200"),
    "user_password": ("302", "302", "200"),  # an administrator sets someone's password
    "object": ("302", "302", "302"),
}

# What the administrator may not do to a model in the admin (403 instead of 200): records
# that only services write (orders, payments, the ledger, the audit trail) are read-only.
ADMIN_REFUSES: dict[str, str] = {
    "catalog.category": "delete",
    "catalog.product": "add delete",
    "integrity.flag": "add delete",
    "integrity.scan": "add delete",
    "market.apitoken": "add",
    "market.auditevent": "add delete",
    "market.job": "add delete",
    "market.notification": "add delete",
    "market.outboxmessage": "add delete",
    "orders.deliveryreceipt": "add delete",
    "orders.invoice": "add delete",
    "orders.negotiation": "add delete",
    "orders.negotiationround": "add delete",
    "orders.payment": "add delete",
    "orders.providerevent": "add delete",
    "orders.purchaseorder": "add delete",
    "orders.refund": "add delete",
    "orders.standingorder": "add delete",
    "orders.standingorderrun": "add delete",
    "procurement.budgetline": "delete",
    "procurement.fiscalyear": "delete",
    "procurement.policy": "add delete",  # a policy comes with its fiscal year
    "procurement.spendentry": "add delete",
    "procurement.taxrules": "delete",  # rules in force are never changed nor removed
    "quotes.quote": "add delete",
    "ratings.rating": "add delete",
    "vendors.vendor": "add delete",
    "vendors.vendortaxprofile": "add delete",
    "worker.whatsappmessage": "add delete",
}

SITE_ROUTES = (
    "index",
    "app_list",
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "autocomplete",
    "jsi18n",
    "view_on_site",
)
MODEL_ROUTES = ("changelist", "add", "change", "delete", "history")


def admin_route(key: str) -> tuple[str, str] | None:
    """(kind, model label or "") of a route the admin generates; None for any other route."""
    from django.contrib import admin

    if not key.startswith(f"{ADMIN_NAMESPACE}:"):
        return None
    name = key.removeprefix(f"{ADMIN_NAMESPACE}:")
    if name in SITE_ROUTES:
        return name, ""
    if name == "<admin/(?P<url>.*)$>":
        return "catch_all", ""
    if name == "auth_user_password_change":  # django.contrib.auth's UserAdmin names it so
        return "user_password", "market.user"
    for model in admin.site._registry:
        prefix, label = (
            f"{model._meta.app_label}_{model._meta.model_name}_",
            model._meta.label_lower,
        )
        if name.startswith(prefix) and name.removeprefix(prefix) in MODEL_ROUTES:
            return name.removeprefix(prefix), label
        if name == f"<admin/{label.replace('.', '/')}/<path:object_id>/>":
            return "object", label
    return None


def admin_expected(key: str) -> str | None:
    """The row of a generated admin route, from ADMIN_RULE; None for any other route."""
    route = admin_route(key)
    if route is None:
        return None
    kind, label = route
    signed_out, not_staff, administrator = ADMIN_RULE[kind]
    if kind in ADMIN_REFUSES.get(label, "").split():
        administrator = "403"
    return " ".join([signed_out, *[not_staff] * (len(ROLES) - 2), administrator])
