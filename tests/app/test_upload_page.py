"""The Upload page, driven through Streamlit's AppTest (and its loading helper called directly)."""

from __future__ import annotations

import logging

import pytest
from streamlit.testing.v1 import AppTest

from synth_core.errors import DataError
from synth_core.tables import read_table
from synth_core.tables.datasets import DEMO_NAME
from ui import state as state

PROGRAMMER_WORDS = ("dtype", "dataframe", "exception", "traceback", "nan", "null")


def texts(elements) -> list[str]:
    return [element.value for element in elements]


def data_error(data: bytes, name: str) -> str:
    """The message the reader gives for ``data``: the page must show exactly this."""
    with pytest.raises(DataError) as caught:
        read_table(data, filename=name)
    return str(caught.value)


def test_opens_on_upload_without_a_table(app: AppTest) -> None:
    app.run()

    assert not app.exception
    assert app.title[0].value == "Upload a table"
    uploader = app.file_uploader(key="upload_file")
    assert set(uploader.allowed_type) >= {".csv", ".tsv", ".txt", ".xlsx", ".parquet", ".gz"}
    assert uploader.help
    assert any("200 MB" in caption for caption in texts(app.caption))
    assert app.button(key="load_sample").label == "Try it with sample data"
    assert not app.metric and not app.dataframe and not app.error and not app.page_link
    assert "No table yet" in texts(app.sidebar.caption)


def test_sample_button_loads_adult_with_metrics_and_preview(loaded: AppTest) -> None:
    assert not loaded.error
    assert texts(loaded.success) == ["The sample table is loaded and ready."]
    assert not any(text.startswith("**How the file") for text in texts(loaded.markdown))
    metrics = {metric.label: metric.value for metric in loaded.metric}
    assert metrics == {"Rows": "32,561", "Columns": "15"}
    preview = loaded.dataframe[0].value
    assert preview.shape == (50, 15)
    assert list(preview.columns)[-1] == "income"
    assert [link.label for link in loaded.page_link] == ["Next: choose columns"]
    assert loaded.page_link[0].proto.page == "columns"

    table = state.get_table(loaded.session_state)
    assert (table.name, table.rows, table.columns) == (DEMO_NAME, 32_561, 15)
    assert state.get_schema(loaded.session_state).names == list(table.frame.columns)
    sidebar = texts(loaded.sidebar.markdown) + texts(loaded.sidebar.caption)
    assert f"**{DEMO_NAME}**" in sidebar
    assert "32,561 rows · 15 columns" in sidebar


def test_uploaded_file_is_read_once_with_notes_in_plain_words(
    app: AppTest, shop_csv: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []

    def counting_read_table(*args, **kwargs):
        calls.append(kwargs.get("filename"))
        return read_table(*args, **kwargs)

    monkeypatch.setattr(state, "read_table", counting_read_table)
    app.run()
    app.file_uploader(key="upload_file").set_value(("shop.csv", shop_csv, "text/csv")).run()
    app.run()
    app.button(key="load_sample").click().run()  # the file still sits in the upload box

    assert not app.exception
    assert calls == ["shop.csv"]
    assert state.get_table(app.session_state).name == DEMO_NAME  # the sample replaced it


def test_upload_shows_metrics_notes_and_preview(app: AppTest, shop_csv: bytes) -> None:
    app.run()
    app.file_uploader(key="upload_file").set_value(("shop.csv", shop_csv, "text/csv")).run()

    assert not app.exception and not app.error
    assert texts(app.success) == ["shop.csv is loaded and ready."]
    assert {metric.label: metric.value for metric in app.metric} == {
        "Rows": "200",
        "Columns": "7",
    }
    notes = next(text for text in texts(app.markdown) if text.startswith("**How the file"))
    assert "semicolons" in notes and "decimal comma" in notes
    assert app.dataframe[0].value.shape == (50, 7)


@pytest.mark.parametrize(
    ("name", "data"),
    [("empty.csv", b""), ("photo.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)))],
)
def test_bad_upload_shows_the_message_and_keeps_the_table(
    loaded: AppTest, name: str, data: bytes
) -> None:
    before = state.get_table(loaded.session_state)
    schema = state.get_schema(loaded.session_state)

    loaded.file_uploader(key="upload_file").set_value((name, data, "text/csv")).run()

    assert not loaded.exception
    assert texts(loaded.error) == [data_error(data, name)]
    assert state.get_table(loaded.session_state) is before
    assert state.get_schema(loaded.session_state) is schema
    assert {metric.label: metric.value for metric in loaded.metric}["Rows"] == "32,561"
    assert not loaded.success  # no "loaded" line under an error
    assert any("still loaded" in caption for caption in texts(loaded.caption))

    # The message stays while the file sits in the upload box, and goes when it is removed.
    loaded.run()
    assert texts(loaded.error) == [data_error(data, name)]
    loaded.file_uploader(key="upload_file").set_value(None).run()
    assert not loaded.error
    assert state.get_table(loaded.session_state) is before


def test_load_upload_returns_the_message_and_keeps_the_previous_table(shop_csv: bytes) -> None:
    session: dict = {}
    assert state.load_upload("shop.csv", shop_csv, session) is None
    table, schema = state.get_table(session), state.get_schema(session)
    assert (table.name, table.rows, table.columns) == ("shop.csv", 200, 7)
    assert schema.names == list(table.frame.columns)

    for name, data in [("empty.csv", b""), ("blob.bin", bytes(range(256)) * 40)]:
        assert state.load_upload(name, data, session) == data_error(data, name)
        assert state.get_table(session) is table
        assert state.get_schema(session) is schema


def test_new_table_replaces_the_schema_and_the_target(shop_csv: bytes) -> None:
    session: dict = {}
    assert state.load_sample(session) is None
    state.set_target("age", session)
    revision = state.editor_revision(session)

    assert state.load_upload("shop.csv", shop_csv, session) is None

    assert state.get_schema(session).names[0] == "customer_id"
    assert state.get_target(session) is None
    assert state.editor_revision(session) > revision


def test_unexpected_failure_gives_a_friendly_message_and_logs_no_data(
    shop_csv: bytes, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("cell value 'Jane Doe, 1970-01-01' could not be parsed")

    session: dict = {}
    assert state.load_sample(session) is None
    table = state.get_table(session)
    monkeypatch.setattr(state, "read_table", broken)

    with caplog.at_level(logging.ERROR):
        message = state.load_upload("people.csv", shop_csv, session)

    assert message == state.UNEXPECTED_LOAD_ERROR
    assert state.get_table(session) is table
    assert "RuntimeError" in caplog.text
    assert "Jane" not in caplog.text and "people.csv" not in caplog.text


def test_no_programmer_words_on_the_upload_page(loaded: AppTest) -> None:
    shown = (
        texts(loaded.title)
        + texts(loaded.markdown)
        + texts(loaded.caption)
        + texts(loaded.success)
        + [loaded.file_uploader(key="upload_file").help]
    )
    for text in shown:
        words = text.lower().replace(".", " ").replace(",", " ").split()
        assert not set(words) & set(PROGRAMMER_WORDS), text


def test_help_page_explains_the_steps_and_privacy(app: AppTest) -> None:
    app.run()
    app.switch_page("pages/help.py").run()

    assert not app.exception
    text = " ".join(texts(app.markdown) + texts(app.caption)).lower()
    assert "memory of this browser session" in text
    assert "never written to logs" in text
    assert "model file is as sensitive" in text
    assert "No table yet" in texts(app.sidebar.caption)
