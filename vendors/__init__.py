"""Vendor registry: small local businesses and cooperatives, their members and documents."""
