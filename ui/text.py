"""Text from the user's file (names, values, file and sheet names) shown as text, never as
Markdown: Streamlit renders Markdown in messages, captions and widget labels, so a column named
``![a](http://host/x.png)`` would otherwise load an image from that host.

``plain`` escapes every character Markdown, Streamlit's directives (``:material/…:``,
``:red[…]``, emoji shortcodes), LaTeX (``$``) and HTML give meaning to. Engine messages (which
quote column and file names) go through it whole; selectbox options and table cells are drawn
as text by Streamlit already.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&=\"'])")


def plain(text: object) -> str:
    """``text`` escaped so that Markdown shows it exactly, on one line."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).splitlines()))
