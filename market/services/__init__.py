"""Every write of the market app: one function per change (see STYLE.md)."""
