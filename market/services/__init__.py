"""Every write of the market app: one function per change (README, "Actions")."""
