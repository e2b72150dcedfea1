"""An API token for a person, as the token sign-in would give them (for tests that talk HTTP)."""


def api_token_for(user, name: str = "tests") -> str:
    from market.services.api_tokens import api_token_create

    return api_token_create(user=user, name=name)[1]
