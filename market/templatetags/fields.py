"""Template filter `help`: {{ obj|help:"field" }} is that model field's help text, so a page can
show, beside a value, where it comes from (built into every template)."""

from django import template
from django.core.exceptions import FieldDoesNotExist

register = template.Library()


@register.filter(name="help")
def help_text(obj, field_name: str):
    try:
        return obj._meta.get_field(field_name).help_text
    except (AttributeError, FieldDoesNotExist):
        return ""
