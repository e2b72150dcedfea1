"""Every write of the orders app: placing orders, moving them along, paying, standing orders.

Importing the package binds each order action of orders.actions to the service that takes it
(`@implements`), wherever the import starts."""

from orders.services import negotiation, payments, placing, transitions  # noqa: F401
