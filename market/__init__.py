"""The project itself: settings, URLs, accounts and roles, audit, money and regions."""
