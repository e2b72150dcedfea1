"""Each order action is declared once (orders.actions), and what pages, the API, permissions,
reminders and open data know of it they read from that declaration, not from tables of their
own."""

import re
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, resolve, reverse

from orders import actions
from orders.actions import ACTIONS, OFFERED

ROOT = Path(__file__).resolve().parents[2]
# Action names that are no field's name too: a dict keyed by several of them is a table of
# the actions (as the six that orders.actions replaced were).
ONLY_ACTIONS = sorted(set(ACTIONS) - {"invoice", "pay", "refund", "submit"}, key=len, reverse=True)
KEY = re.compile(rf"""(?<!== )["']({"|".join(ONLY_ACTIONS)})["']\s*:""")


def test_every_action_is_taken_by_one_service_bound_to_it():
    for action in ACTIONS.values():
        assert action.service is not None, f"{action.name} has no service (@implements)"
        assert action.service.__module__.startswith("orders.services."), action.name


def test_the_api_has_one_endpoint_per_offered_action_and_none_for_the_others():
    for action in ACTIONS.values():
        if action in OFFERED:
            view = resolve(reverse(f"api:order-{action.name}", args=[1])).func.view_class
            assert view.order_action is action
        else:
            with pytest.raises(NoReverseMatch):
                reverse(f"api:order-{action.name}", args=[1])


def test_no_other_module_keeps_a_table_of_the_order_actions():
    tables = []
    for path in sorted(ROOT.glob("[a-z]*/**/*.py")):
        if path.name == "actions.py" or {"migrations", ".venv", "tests"} & set(path.parts):
            continue
        keys = set(KEY.findall(path.read_text()))
        if len(keys) >= 3:
            tables.append(f"{path.relative_to(ROOT)}: {sorted(keys)}")
    assert tables == [], "declare it on the actions in orders/actions.py instead: " + ", ".join(
        tables
    )


def test_offered_actions_have_a_label_and_refusals_a_form_asking_why():
    for action in OFFERED:
        assert str(action.label)
        if not action.forward and action.moves_budget and action is not actions.REFUND:
            assert action.form is not None and "reason" in action.form.base_fields, action.name
