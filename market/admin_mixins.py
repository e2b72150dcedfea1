"""Admin pieces every app shares: administrators' writes are audited like everyone else's."""

from django.db import models

from market.errors import DomainError
from market.forms import add_problems
from market.services.audit import audit_changes, model_snapshot
from market.transactions import action_scope


class ReadOnlyAdminMixin:
    """For records written only by services (audit trail, ledger, orders): read, never edit.

    Works on ModelAdmin and inlines alike.
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _stored(obj: models.Model) -> dict | None:
    """The row as it is in the database now (before the form's changes are saved)."""
    if obj.pk is None:
        return None
    fresh = type(obj)._default_manager.filter(pk=obj.pk).first()
    return model_snapshot(fresh) if fresh is not None else None


def _relations(obj: models.Model) -> dict:
    return {
        field.name: sorted(getattr(obj, field.name).values_list("pk", flat=True))
        for field in obj._meta.many_to_many
    }


def _label(obj: models.Model) -> str:
    return obj._meta.model_name


class AuditedAdminMixin:
    """Every add, change and delete made through this admin, inlines and many-to-many fields
    included, writes an audit event with the fields before and after.

    An admin whose saves go through a service (which audits them itself) overrides
    `save_model` without calling this one. The admin site runs every POST as one action
    (pasar.admin_site), so the events commit with the change.
    """

    def save_model(self, request, obj, form, change):
        before = _stored(obj) if change else None
        super().save_model(request, obj, form, change)
        audit_changes(
            actor=request.user,
            action=f"admin.{_label(obj)}.{'change' if change else 'add'}",
            target=obj,
            before=before,
            after=model_snapshot(obj),
        )

    def delete_model(self, request, obj):
        self._audit_deleted(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self._audit_deleted(request, list(queryset))
        super().delete_queryset(request, queryset)

    def deleted_snapshot(self, obj) -> dict:
        """What a deleted row held; an admin adds what goes with it (a person's roles)."""
        return model_snapshot(obj)

    def _audit_deleted(self, request, objects) -> None:
        for obj in objects:
            audit_changes(
                actor=request.user,
                action=f"admin.{_label(obj)}.delete",
                target=obj,
                before=self.deleted_snapshot(obj),
                after=None,
            )

    def save_related(self, request, form, formsets, change):
        before = _relations(form.instance) if change else None
        super().save_related(request, form, formsets, change)
        after = _relations(form.instance)
        if (before is None and any(after.values())) or (before is not None and before != after):
            audit_changes(
                actor=request.user,
                action=f"admin.{_label(form.instance)}.relations",
                target=form.instance,
                before=before,
                after=after,
            )

    def save_formset(self, request, form, formset, change):
        """Inline rows: each added, changed or deleted row is its own event."""
        stored = formset.model._default_manager.in_bulk(
            [form.instance.pk for form in formset.forms if form.instance.pk is not None]
        )
        before = {pk: model_snapshot(row) for pk, row in stored.items()}
        for inline_form in formset.deleted_forms:  # recorded while the rows still have their ids
            if inline_form.instance.pk is not None:
                audit_changes(
                    actor=request.user,
                    action=f"admin.{_label(inline_form.instance)}.delete",
                    target=inline_form.instance,
                    before=before.get(inline_form.instance.pk),
                    after=None,
                )
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            audit_changes(
                actor=request.user,
                action=f"admin.{_label(obj)}.add",
                target=obj,
                before=None,
                after=model_snapshot(obj),
            )
        for obj, _fields in formset.changed_objects:
            audit_changes(
                actor=request.user,
                action=f"admin.{_label(obj)}.change",
                target=obj,
                before=before.get(obj.pk),
                after=model_snapshot(obj),
            )


class ServiceAdminMixin(AuditedAdminMixin):
    """An admin whose saves go through a service (which checks and audits them), once.

    The admin names the service call in `save_through_service(request, obj, form, change)`;
    the service saves the form's many-to-many fields too. When it refuses, what the save had
    written is rolled back and the form comes back with the service's problems on its fields,
    as a page shows them (market.forms): never an error page, never half a change.
    """

    def save_model(self, request, obj, form, change):
        saved = self.save_through_service(request, obj, form, change)
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        # Not the form's many-to-many fields (the service saved them): the inlines' rows only.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        try:
            with action_scope():  # inside the admin's action (pasar.admin_site): a savepoint
                return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as refused:
            # The same page again, the form bound to what was posted, showing the refusal.
            request.service_refusal = refused
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        refused = getattr(request, "service_refusal", None)
        if refused is None:
            return form_class

        class RefusedForm(form_class):
            def clean(self):
                values = super().clean()
                add_problems(self, refused.field_errors())
                return values

        return RefusedForm
