"""What counts as written text in a comment, message or reason: pure, no Django.

A comment made only of zero-width spaces, joiners, bidi controls, Hangul fillers or
other characters that show nothing looks empty on the page but was saved as if it said
something. `has_visible_text` is False for it. Bidi controls are kept as written (a
Hebrew or Arabic quotation may need them) and shown isolated (`compliance.templatetags`).
"""

import unicodedata

# Characters that draw nothing although Unicode does not class them as spaces or
# format characters.
INVISIBLE = frozenset(
    "\u115f\u1160\u3164\uffa0"  # Hangul choseong/jungseong fillers, Hangul filler, half-width filler
    "\u2800"  # braille pattern blank
    "\u180e"  # Mongolian vowel separator
    "\u034f"  # combining grapheme joiner
    "\u17b4\u17b5"  # Khmer inherent vowels
)
# Explicit bidi embeddings, overrides and isolates (Unicode bidi algorithm).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def is_invisible(ch: str) -> bool:
    category = unicodedata.category(ch)
    return (
        ch in INVISIBLE
        or category in ("Zs", "Zl", "Zp", "Cc", "Cf", "Cn", "Co", "Cs")
        or ch.isspace()
        or 0xFE00 <= ord(ch) <= 0xFE0F  # variation selectors
        or 0xE0100 <= ord(ch) <= 0xE01EF
    )


def has_visible_text(text: str) -> bool:
    """True if at least one character of `text` draws something."""
    return any(not is_invisible(ch) for ch in text)
