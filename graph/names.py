"""Name normalisation for search that ignores case, diacritics and punctuation.

Armed groups and people reach us in many spellings ("Front Ṣaḥrāwī",
"front sahrawi", "FRONT-SAHRAWI"). Search compares normalised forms.

>>> normalise("  Front  Ṣaḥrāwī-du-Nord ")
'front sahrawi du nord'
"""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    """Casefold, strip diacritics, turn punctuation into single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", stripped.casefold()).strip()
