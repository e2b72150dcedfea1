"""Every write of the orders app: placing orders, moving them along, standing orders."""
