"""Text from the user's file (names, values, file and sheet names) shown as text, never as
Markdown: Streamlit renders Markdown in messages, captions and widget labels, so a column named
``![a](http://host/x.png)`` would otherwise load an image from that host.

``plain`` escapes what Markdown, GitHub's autolinks, Streamlit's directives (``:material/…:``,
``:red[…]``, emoji shortcodes), LaTeX (``$``) and HTML give meaning to, and leaves ordinary
punctuation (``adult.csv``, ``income: >50K``'s colon) as it is. Engine messages (which quote
column and file names) go through it whole; selectbox options and table cells are drawn as text
by Streamlit already.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(
    r"[\\`*\[\]<>#!$~|&@]"  # emphasis, code, links, images, HTML, headings, LaTeX, tables
    r"|(?<!\w)_|_(?!\w)"  # emphasis: an underscore inside a word (customer_id) is a letter
    r"|:(?=\S)"  # a directive, an emoji shortcode, a web address's scheme
    r"|(?i:(?<=www))\."  # a web address GitHub would link
    r"|-(?=[-\s>])|^[-+]"  # a dash, an arrow or a list item
)
_NUMBERED = re.compile(r"^(\s*\d+)([.)])")  # "1. …" would start a numbered list


def plain(text: object) -> str:
    """``text`` escaped so that Markdown shows it exactly, on one line."""
    line = _SPECIAL.sub(lambda match: "\\" + match.group(0), " ".join(str(text).splitlines()))
    return _NUMBERED.sub(r"\1\\\2", line)
