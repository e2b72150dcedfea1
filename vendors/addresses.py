"""An address as words of one spelling, so that two ways of writing one place compare equal."""

import re

# The words people write several ways in an Indonesian address, each to one spelling.
_SAME_WORD = {
    "jalan": "jl",
    "jln": "jl",
    "gang": "gg",
    "nomor": "no",
    "nomer": "no",
    "desa": "ds",
    "dusun": "dsn",
    "kampung": "kp",
    "kelurahan": "kel",
    "kecamatan": "kec",
    "kabupaten": "kab",
    "komplek": "komp",
    "kompleks": "komp",
    "perumahan": "perum",
}


def address_key(address: str, village_id: int | None) -> str:
    """An address as words of one spelling ("Jl. A. Yani No.05, RT 003" and "jalan a yani
    nomor 5 rt 3" are one), prefixed by its village: the same street in two villages is two
    places. Empty when there is no address to compare."""
    words = re.findall(r"[a-z]+|\d+", (address or "").lower())
    words = [_SAME_WORD.get(word, word) if word.isalpha() else str(int(word)) for word in words]
    if not words:
        return ""
    return f"{village_id or '-'}:{' '.join(words)}"[:300]
