"""People, the organisation (the Pemda), its departments and the roles people hold in them."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from market.audit_reading import AuditReading
from market.bounds import ADDRESS_LENGTH


class User(AbstractUser):
    """A login. Department staff, finance officers, vendor members and administrators alike."""

    # Contact details: an event keeps their fingerprint; each person reads their own.
    audit_reading = AuditReading(
        private=frozenset({"email", "phone", "whatsapp_number"}),
        readable="market.permissions.person_private_fields_for",
    )

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    # The WhatsApp number messages go to, as +62…; empty when the person gave none.
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # When the person proved the number is theirs with a code sent to it (market.services.
    # phone_codes); empty for a number not proved. Only a proved number receives WhatsApp
    # messages or may answer an order from WhatsApp.
    phone_verified_at = models.DateTimeField(_("WhatsApp number verified"), null=True, blank=True)
    # The language of the person's pages (the switcher keeps it here, so that a browser
    # without the switcher's cookie speaks it too), and of their messages unless they chose
    # another for those.
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    # The language of their e-mail and WhatsApp messages; empty: the same as their pages.
    message_language = models.CharField(
        _("language of messages"),
        max_length=5,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Empty: the same as the pages."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # "Budi" and "budi" are one person to the people who type them: two registrations
            # racing with case variants of one name cannot both win.
            models.UniqueConstraint(Lower("username"), name="user_username_unique_in_any_case")
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def messages_language(self) -> str:
        """The language e-mail and WhatsApp messages are written in."""
        return self.message_language or self.language


class Organisation(models.Model):
    """The regional government (Pemda) that runs the marketplace."""

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60)
    regency = models.CharField(_("regency"), max_length=100)
    address = models.TextField(_("address"), max_length=ADDRESS_LENGTH, blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A buying unit of the organisation (OPD/SKPD), e.g. DISDIK, Dinas Pendidikan."""

    audit_reading = AuditReading(department="pk")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="departments"
    )
    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-Z][A-Z0-9]{1,19}$", _("Use capital letters and digits, e.g. DISDIK.")
            )
        ],
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.TextField(_("address"), max_length=ADDRESS_LENGTH, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class DepartmentRole(models.TextChoices):
    REQUESTER = "requester", _("Requester")
    APPROVER = "approver", _("Commitment officer (PPK)")
    RECEIVER = "receiver", _("Receiver")
    TREASURER = "treasurer", _("Treasurer")


class Membership(models.Model):
    """One role a person holds in one department; a person may hold several."""

    audit_reading = AuditReading(department="department_id")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=DepartmentRole.choices)

    class Meta:
        verbose_name = _("department membership")
        verbose_name_plural = _("department memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "department", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.department.code} · {self.get_role_display()}"


class OrganisationRole(models.TextChoices):
    FINANCE = "finance", _("Finance officer")
    INSPECTOR = "inspector", _("Inspector")


class OrganisationMembership(models.Model):
    """An organisation-wide role: finance officers (BPKAD) and inspectors audit every department."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="organisation_memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=OrganisationRole.choices)

    class Meta:
        verbose_name = _("organisation membership")
        verbose_name_plural = _("organisation memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="organisation_membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"
