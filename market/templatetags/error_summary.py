"""Tag `error_summary`: at the top of every page (base.html), the problems of each form on the
page that failed, each a link to its field, so that on a phone a failed action is seen at once
and not far below the fold."""

from django import forms, template

register = template.Library()


def _problems(form: forms.BaseForm) -> list[tuple[str, str, str]]:
    """(anchor, label, problem) of each error of a form, fields in the form's order."""
    found = [(f"#{form.prefix or 'form'}-errors", "", str(p)) for p in form.non_field_errors()]
    for field in form:
        for problem in field.errors:
            anchor = f"#{field.id_for_label}" if not field.is_hidden else ""
            found.append((anchor, str(field.label or ""), str(problem)))
    return found


@register.inclusion_tag("includes/error_summary.html", takes_context=True)
def error_summary(context) -> dict:
    seen, problems = set(), []
    for value in context.flatten().values():
        if isinstance(value, forms.BaseForm) and value.is_bound and id(value) not in seen:
            seen.add(id(value))
            problems += _problems(value)
    return {"problems": problems}
