"""The catalogue: categories and products of verified vendors."""
