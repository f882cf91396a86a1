"""Text that UTF-8 can encode, which is what every way into the portal turns its input into.

A Python str can hold a lone UTF-16 surrogate (JSON's "\\ud800" escape makes one); UTF-8 cannot
encode it, so it would break whatever encodes the text later: a key, a hash, a header, the search
index, a mail. Input is made encodable where it comes in, once.
"""

from __future__ import annotations


def is_encodable(text: str) -> bool:
    """Whether UTF-8 can encode `text` (it holds no lone surrogate)."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def encodable(text: str) -> str:
    """`text`, with each lone surrogate replaced by U+FFFD (the replacement character)."""
    if is_encodable(text):
        return text
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
