"""Purchase orders from cart to payment, standing orders, deliveries, invoices, documents."""
