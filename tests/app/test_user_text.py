"""Text from the user's file is shown as text on every page, never rendered as Markdown or HTML.

AppTest hands back the Markdown source of each element; Streamlit's front end renders it. An
image, a link or an HTML tag needs its opening characters unescaped in that source, so each
element's source is checked to have none, and, once unescaped, to show the raw text.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from ui import columns_table as table_view
from ui import state
from ui.text import plain

IMAGE = "![a](http://host/x.png)"
HOSTILE_NAMES = [IMAGE, "**bold**", "[link](http://x)", "<script>alert(1)</script>"]
HOSTILE_VALUES = ["![v](http://host/v.png)", "<b>hi</b>", "[l](http://x) :red[x] $x$"]
FILE_NAME = "![f](http://host/f.png).csv"
EMPTY = "<img src=x onerror=alert(1)>"  # a column with no values: its kind can only be empty
#: What starts an image, a link or an HTML tag when not escaped.
LIVE_MARKUP = re.compile(r"(?<!\\)(?:!\[|\]\(|<[A-Za-z/!])")
ESCAPE = re.compile(r"\\(.)")


def hostile_csv(header: list[str]) -> bytes:
    lines = [",".join(f'"{name}"' for name in header)]
    for i in range(40):
        value = HOSTILE_VALUES[i % len(HOSTILE_VALUES)]
        cells = [f'"{value}"', str(i % 7), "yes" if i % 2 else "no", str(i), "a"]
        lines.append(",".join([*cells, *[""] * (len(header) - len(cells))]))
    return ("\n".join(lines) + "\n").encode()


def shown_sources(app: AppTest) -> list[str]:
    """The Markdown source of every element and widget label on the page, sidebar included."""
    sources = []
    for kind in ("error", "warning", "info", "success", "caption", "markdown", "title"):
        sources += [element.value for element in getattr(app, kind)]
    for kind in ("selectbox", "radio", "checkbox", "number_input", "button", "metric"):
        sources += [element.label for element in getattr(app, kind)]
    return [str(source) for source in sources]


def assert_shown_as_text(app: AppTest, *raw: str) -> None:
    sources = shown_sources(app)
    for source in sources:
        assert not LIVE_MARKUP.search(source), source
    seen = " ".join(ESCAPE.sub(r"\1", source) for source in sources)
    for text in raw:
        assert text in seen, text


def test_plain_escapes_what_markdown_reads_and_nothing_is_lost():
    for text in [*HOSTILE_NAMES, *HOSTILE_VALUES, "a\nb", "www.x.com & &amp;"]:
        escaped = plain(text)
        assert not LIVE_MARKUP.search(escaped)
        assert ESCAPE.sub(r"\1", escaped) == " ".join(text.splitlines())


@pytest.fixture
def hostile(app: AppTest) -> AppTest:
    app.run()
    data = hostile_csv([*HOSTILE_NAMES, "amount", EMPTY])
    app.file_uploader(key=state.UPLOAD_WIDGET).set_value((FILE_NAME, data, "text/csv")).run()
    assert not app.exception and not app.error
    return app


def test_names_values_and_the_file_name_are_text_on_the_upload_page(hostile: AppTest) -> None:
    assert_shown_as_text(hostile, FILE_NAME)
    preview = hostile.dataframe[0].value
    assert list(preview.columns) == [*HOSTILE_NAMES, "amount", EMPTY]  # cells: plain text
    assert HOSTILE_VALUES[0] in set(preview[IMAGE])


def test_names_are_text_on_the_columns_page_and_in_its_error(hostile: AppTest) -> None:
    hostile.switch_page("pages/columns.py").run()
    assert not hostile.exception
    assert_shown_as_text(hostile, FILE_NAME)
    row = list(table_view.editor_frame(state.get_schema(hostile.session_state))[table_view.COLUMN])
    position = row.index(EMPTY)
    hostile.session_state["columns_editor"] = {
        "edited_rows": {position: {table_view.KIND: "categorical"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    hostile.run()
    assert not hostile.exception and "is empty" in hostile.error[0].value
    assert_shown_as_text(hostile, f"Column '{EMPTY}' is empty")


def test_a_duplicate_header_is_named_as_text_in_the_error(app: AppTest) -> None:
    app.run()
    data = hostile_csv([IMAGE, IMAGE, "b", "c", "d"])
    app.file_uploader(key=state.UPLOAD_WIDGET).set_value((FILE_NAME, data, "text/csv")).run()
    assert not app.exception and len(app.error) == 1
    assert "share a name" in app.error[0].value
    assert_shown_as_text(app, f"'{IMAGE}'")
