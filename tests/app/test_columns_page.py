"""The Columns page, driven through Streamlit's AppTest, and its table helpers called directly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from synth_core.errors import SchemaError
from synth_core.schema import Kind, Schema, infer_schema
from synth_core.tables.datasets import DEMO_PATH
from synth_core.wording import duration
from tests.app.steps import tiny_settings, train_to_the_end
from tests.sales_table import sales_with_rules
from ui import columns_table as table_view
from ui import rules as rules_ui
from ui import state as state

COLUMNS = "pages/columns.py"
EDITOR = "columns_editor"


def texts(elements) -> list[str]:
    return [element.value for element in elements]


def schema_of(app: AppTest) -> Schema:
    return state.get_schema(app.session_state)


def edit(app: AppTest, edited_rows: dict[int, dict]) -> AppTest:
    """Make cell edits in the column editor, as a person would, and rerun."""
    app.session_state[EDITOR] = {"edited_rows": edited_rows, "added_rows": [], "deleted_rows": []}
    return app.run()


def schema_error(schema: Schema, name: str, **change) -> str:
    with pytest.raises(SchemaError) as caught:
        schema.with_changes(name, **change)
    return str(caught.value)


@pytest.fixture
def columns(loaded: AppTest) -> AppTest:
    """The Columns page with the sample table loaded."""
    loaded.switch_page(COLUMNS).run()
    assert not loaded.exception
    return loaded


@pytest.fixture
def shop(app: AppTest, shop_csv: bytes) -> AppTest:
    """The Columns page with the shop table (ID, email, 150 shops, mostly empty score ...)."""
    app.run()
    app.file_uploader(key="upload_file").set_value(("shop.csv", shop_csv, "text/csv")).run()
    app.switch_page(COLUMNS).run()
    assert not app.exception
    return app


def test_before_any_upload_it_says_why_and_links_back(app: AppTest) -> None:
    app.run()
    app.switch_page(COLUMNS).run()

    assert not app.exception
    assert len(app.info) == 1 and "no table yet" in app.info[0].value.lower()
    assert [link.label for link in app.page_link] == ["Go to Upload"]
    assert app.page_link[0].proto.page_script_hash  # a registered page: Upload, the default
    assert not app.data_editor
    assert not app.selectbox


def test_lists_every_column_of_the_sample(columns: AppTest) -> None:
    editor = columns.data_editor(key=EDITOR)
    shown = editor.value

    assert editor.editing_mode == "fixed"
    assert list(shown.columns) == ["Include", "Column", "Kind", "Why", "Missing (%)", "Distinct"]
    assert len(shown) == 15
    assert shown["Column"].tolist() == schema_of(columns).names
    assert shown["Include"].all()
    assert set(shown["Kind"]) <= {kind.value for kind in Kind}
    assert shown.loc[shown["Column"] == "workclass", "Missing (%)"].item() == 5.6
    assert "15 of 15 columns will be learned." in " ".join(texts(columns.markdown))
    assert not columns.warning and not columns.error


def test_income_is_the_default_target_and_the_choice_is_kept(columns: AppTest) -> None:
    target = columns.selectbox(key="target_column")
    assert target.value == "income"
    assert target.options == ["None: skip the usefulness test", *schema_of(columns).included_names]
    assert state.get_target(columns.session_state) == "income"

    target.set_value("sex").run()
    columns.switch_page("pages/upload.py").run()
    columns.switch_page(COLUMNS).run()

    assert state.get_target(columns.session_state) == "sex"
    assert columns.selectbox(key="target_column").value == "sex"


def test_unticking_include_leaves_the_column_out(columns: AppTest) -> None:
    edit(columns, {0: {"Include": False}})

    assert not columns.exception and not columns.error
    schema = schema_of(columns)
    assert not schema["age"].include
    assert schema.included_names == schema_of(columns).names[1:]
    assert "14 of 15 columns will be learned." in " ".join(texts(columns.markdown))
    assert "age" not in columns.selectbox(key="target_column").options
    assert "14 of 15 columns learned" in texts(columns.sidebar.caption)


def test_leaving_out_the_target_moves_the_default(columns: AppTest) -> None:
    edit(columns, {14: {"Include": False}})  # income

    assert not columns.exception
    # The last label of a few values: native-country, with 41, is a list of places.
    assert columns.selectbox(key="target_column").value == "sex"
    assert state.get_target(columns.session_state) == "sex"


def test_changing_a_kind_redraws_include_from_the_schema(columns: AppTest) -> None:
    before = columns.session_state[state.EDITOR_REVISION]
    edit(columns, {0: {"Kind": "identifier"}})  # age

    assert not columns.exception and not columns.error
    age = schema_of(columns)["age"]
    assert (age.kind, age.include) == (Kind.IDENTIFIER, False)
    assert age.reason == "set by you (was: integer)"
    shown = columns.data_editor(key=EDITOR).value
    assert shown.loc[0, "Include"] == False  # noqa: E712 - the default of the new kind
    assert shown.loc[0, "Kind"] == "identifier"
    assert columns.session_state[state.EDITOR_REVISION] == before + 1
    assert any("age" in warning for warning in texts(columns.warning))


def test_an_impossible_kind_shows_the_message_and_keeps_the_schema(columns: AppTest) -> None:
    schema = schema_of(columns)
    expected = schema_error(schema, "workclass", kind="empty")

    edit(columns, {1: {"Kind": "empty"}})

    assert not columns.exception
    assert texts(columns.error) == [expected]
    assert schema_of(columns) is schema
    assert columns.data_editor(key=EDITOR).value.loc[1, "Kind"] == "categorical"

    columns.run()  # the message goes with the next action; the schema stays valid
    assert not columns.error
    assert schema_of(columns) is schema


def test_an_empty_column_cannot_be_included_or_given_a_kind(shop: AppTest) -> None:
    schema = schema_of(shop)
    notes = schema.names.index("notes")
    assert schema["notes"].kind is Kind.EMPTY and not schema["notes"].include

    edit(shop, {notes: {"Include": True}})
    assert texts(shop.error) == [schema_error(schema, "notes", include=True)]
    assert schema_of(shop) is schema

    edit(shop, {notes: {"Kind": "categorical"}})
    assert texts(shop.error) == [schema_error(schema, "notes", kind="categorical")]
    assert schema_of(shop) is schema
    assert not shop.exception


def test_text_cannot_become_numbers_and_the_page_says_so_in_its_own_words(
    columns: AppTest,
) -> None:
    # A hawk's age ('I', 'A') set to numbers was taken silently; training then failed with
    # "cannot be treated as numerical. Set it to categorical", words the menu does not use.
    schema = schema_of(columns)
    sex = schema.names.index("sex")
    edit(columns, {sex: {"Kind": "numerical"}})
    assert texts(columns.error) == [
        "'sex' holds text ('Male', 'Female'), so it cannot be numbers. Choose categories, or "
        "leave it out."
    ]
    assert schema_of(columns) is schema
    assert not columns.exception


def test_warnings_in_plain_words(shop: AppTest) -> None:
    warnings = texts(shop.warning)

    assert len(warnings) == 2
    assert "customer_id" in warnings[0] and "email" in warnings[0]
    assert "score (66 % missing)" in warnings[1]
    # 150 shops in 200 rows: every shop is so rare it could point at its customer.
    assert not schema_of(shop)["shop"].include
    assert "could point at one person" in schema_of(shop)["shop"].reason
    assert "3 of 7 columns will be learned." in " ".join(texts(shop.markdown))
    # 'member' is written from 'score' by a rule found in the table (each score goes with one
    # member), so predicting it would test nothing: the number left is offered.
    assert shop.selectbox(key="target_column").value == "age"


def test_including_an_email_column_warns(shop: AppTest) -> None:
    email = schema_of(shop).names.index("email")
    edit(shop, {email: {"Include": True}})

    assert not shop.error
    assert schema_of(shop)["email"].include
    assert any("personal data" in warning and "email" in warning for warning in texts(shop.warning))


def test_nothing_included_warns_and_offers_no_target(columns: AppTest) -> None:
    edit(columns, {row: {"Include": False} for row in range(15)})

    assert not columns.exception
    assert "0 of 15 columns will be learned." in " ".join(texts(columns.markdown))
    assert any("nothing to learn" in warning for warning in texts(columns.warning))
    assert not columns.selectbox
    assert state.get_target(columns.session_state) is None


def test_next_step_links_to_train(columns: AppTest) -> None:
    assert [link.label for link in columns.page_link] == ["Next: train a model"]
    assert columns.page_link[0].proto.page == "train"


# ------------------------------------------------------------------------------ helpers directly
def test_apply_edits_changes_only_the_edited_rows(loaded: AppTest) -> None:
    schema = schema_of(loaded)
    frame = table_view.editor_frame(schema)
    frame.loc[2, "Include"] = False  # fnlwgt
    frame.loc[9, "Kind"] = "boolean"  # sex

    changed, problem = table_view.apply_edits(schema, frame)

    assert problem is None
    assert changed.included_names == [n for n in schema.included_names if n != "fnlwgt"]
    assert changed["sex"].kind is Kind.BOOLEAN
    assert [c for c in changed.columns if c.overridden] == [changed["fnlwgt"], changed["sex"]]
    assert table_view.shows_schema(frame, changed)


def test_apply_edits_without_changes_returns_the_same_schema(loaded: AppTest) -> None:
    schema = schema_of(loaded)
    assert table_view.apply_edits(schema, table_view.editor_frame(schema)) == (schema, None)


def test_apply_edits_rejects_a_bad_change_as_a_whole(loaded: AppTest) -> None:
    schema = schema_of(loaded)
    frame = table_view.editor_frame(schema)
    frame.loc[0, "Include"] = False
    frame.loc[3, "Kind"] = "boolean"  # education has 16 values

    changed, problem = table_view.apply_edits(schema, frame)

    assert changed is schema
    assert problem == schema_error(schema, "education", kind="boolean")


def test_no_programmer_words_on_the_columns_page(shop: AppTest) -> None:
    shown = (
        texts(shop.title)
        + texts(shop.markdown)
        + texts(shop.caption)
        + texts(shop.warning)
        + list(shop.data_editor(key=EDITOR).value["Why"])
        + [table_view.kind_label(kind.value) for kind in Kind]
    )
    for text in shown:
        words = set(text.lower().replace(".", " ").replace(",", " ").split())
        assert not words & {"dtype", "dataframe", "exception", "traceback", "nan", "null"}, text


def test_size_and_time_gives_each_preset_the_time_of_the_model_it_trains():
    from synth_core.config import TrainingConfig
    from synth_core.tables.datasets import load_demo
    from synth_core.tables.split import DEFAULT_FRACTION
    from synth_core.training.estimate import estimate_model, training_seconds
    from synth_core.training.presets import preset_config

    frame = load_demo().frame
    schema = infer_schema(frame)
    sentence = table_view.size_and_time(schema, len(frame))
    learned = round(len(frame) * (1 - DEFAULT_FRACTION))
    balanced = preset_config("balanced")
    trained = training_seconds(schema, learned, balanced)
    ctgan = training_seconds(schema, learned, TrainingConfig(epochs=balanced.epochs))
    assert duration(trained) != duration(ctgan)  # the check below can tell them apart
    assert f"Balanced about {duration(trained)}" in sentence
    # It stops once it no longer improves: a few dozen epochs, not its limit of 100.
    per_epoch = estimate_model(schema, learned, balanced).seconds_per_epoch
    assert trained < per_epoch * balanced.epochs / 2
    weights = estimate_model(schema, learned, preset_config("quick"))
    total = weights.generator_weights + weights.discriminator_weights
    shown = f"{total / 1e6:.1f} million" if total >= 1e6 else f"{float(f'{total:.2g}'):,.0f}"
    assert f"about {shown} weights" in sentence
    assert "0.0 MB" not in sentence and "0.0 million" not in sentence


def test_when_no_column_qualifies_none_is_chosen_and_the_page_says_so(app: AppTest) -> None:
    days = pd.date_range("2024-01-01", periods=60).strftime("%Y-%m-%d")
    text = pd.DataFrame({"day": days, "note": [f"n{i}" for i in range(60)]}).to_csv(index=False)
    app.run()
    app.file_uploader(key="upload_file").set_value(("days.csv", text.encode(), "text/csv")).run()
    app.switch_page(COLUMNS).run()

    assert app.selectbox(key="target_column").value is None
    assert state.get_target(app.session_state) is None
    assert "No column looks like one to predict" in " ".join(texts(app.info))

    app.selectbox(key="target_column").set_value("day").run()
    assert state.get_target(app.session_state) == "day"
    assert not any("No column looks like" in text for text in texts(app.info))


def test_columns_left_out_for_being_mostly_empty_are_named(app: AppTest) -> None:
    # A bird-banding export: three columns over 90 % empty were left out without a word, while
    # the only "Mostly empty" warning named a column that was kept.
    rng = np.random.default_rng(4)
    tarsus = rng.normal(70, 5, 200).round(1)
    tarsus[:186] = np.nan
    sex = np.where(rng.random(200) < 0.6, None, rng.choice(["F", "M"], 200))
    frame = pd.DataFrame({"wing": rng.normal(380, 20, 200).round(), "tarsus": tarsus, "sex": sex})
    app.run()
    data = frame.to_csv(index=False).encode()
    app.file_uploader(key="upload_file").set_value(("hawks.csv", data, "text/csv")).run()
    app.switch_page(COLUMNS).run()
    assert not app.exception
    said = texts(app.warning)
    assert any(w.startswith("Learned although mostly empty: sex (") for w in said)
    assert any(
        w.startswith("Left out because they are mostly empty: tarsus (93 % missing).") for w in said
    )


# ------------------------------------------------------------------------------ business rules
EDUCATION_RULE = "education and education-num go together one to one (16 pairs)"


def rule_box(app: AppTest, words: str):
    return app.checkbox(key=f"{state.RULE_WIDGET_PREFIX}{words}")


WEAKER_RULE = "end is at least start"


@pytest.fixture
def nearly_ordered(app: AppTest) -> AppTest:
    """The Columns page with a table whose 'end' follows its 'start' in all rows but two."""
    rng = np.random.default_rng(7)
    start = rng.uniform(0, 100, 400).round(1)
    end = (start + rng.gamma(2, 5, 400)).round(1)
    end[:2] = start[:2] - 5
    frame = pd.DataFrame({"team": rng.choice(["a", "b", "c"], 400), "start": start, "end": end})
    data = frame.to_csv(index=False).encode("utf-8")
    app.run()
    app.file_uploader(key=state.UPLOAD_WIDGET).set_value(("times.csv", data, "text/csv")).run()
    app.switch_page(COLUMNS).run()
    assert not app.exception
    return app


def test_the_rules_found_are_proposed_in_words_with_their_real_share(columns: AppTest) -> None:
    box = rule_box(columns, EDUCATION_RULE)
    assert box.value is True  # every real row obeys it: kept at first
    assert "100 % of your rows" in box.label
    assert any("Business rules" in text for text in texts(columns.markdown))


def test_a_rule_some_rows_break_is_proposed_unticked(nearly_ordered: AppTest) -> None:
    weaker = rule_box(nearly_ordered, WEAKER_RULE)
    assert weaker.value is False and "99.5 % of your rows" in weaker.label


def test_columns_empty_together_are_proposed_as_one_rule_and_ticked(app: AppTest) -> None:
    rng = np.random.default_rng(3)
    garage = rng.random(300) < 0.7
    frame = pd.DataFrame(
        {
            "rooms": rng.integers(2, 9, 300),
            "garage_year": np.where(garage, rng.integers(1950, 2020, 300), np.nan),
            "garage_finish": pd.Series(rng.choice(["Fin", "Unf"], 300)).where(garage),
        }
    )
    app.run()
    data = frame.to_csv(index=False).encode("utf-8")
    app.file_uploader(key=state.UPLOAD_WIDGET).set_value(("homes.csv", data, "text/csv")).run()
    app.switch_page(COLUMNS).run()
    assert not app.exception
    box = rule_box(app, "garage_year and garage_finish are empty in the same rows")
    assert box.value is True and "100 % of your rows" in box.label


def test_a_rule_unticked_is_left_out_of_training_and_stays_unticked(columns: AppTest) -> None:
    rule_box(columns, EDUCATION_RULE).uncheck().run()
    table, schema = state.get_table(columns.session_state), schema_of(columns)
    kept = [rule.describe(schema) for rule in rules_ui.kept(table, schema, columns.session_state)]
    assert EDUCATION_RULE not in kept
    columns.switch_page("pages/upload.py").run()
    columns.switch_page(COLUMNS).run()
    assert rule_box(columns, EDUCATION_RULE).value is False


def test_a_rule_most_rows_obey_is_kept_once_ticked(nearly_ordered: AppTest) -> None:
    rule_box(nearly_ordered, WEAKER_RULE).check().run()
    table, schema = state.get_table(nearly_ordered.session_state), schema_of(nearly_ordered)
    kept = rules_ui.kept(table, schema, nearly_ordered.session_state)
    assert WEAKER_RULE in [rule.describe(schema) for rule in kept]


def test_rules_are_found_again_for_the_columns_learned(columns: AppTest) -> None:
    position = schema_of(columns).names.index("education-num")
    edit(columns, {position: {table_view.INCLUDE: False}})
    labels = [box.label for box in columns.checkbox if box.key.startswith(state.RULE_WIDGET_PREFIX)]
    assert labels and not any("education-num" in label for label in labels)


def test_the_model_trains_with_the_rules_kept_on_the_columns_page(app: AppTest) -> None:
    app.run()
    small = pd.read_csv(DEMO_PATH).head(300).to_csv(index=False).encode("utf-8")
    app.file_uploader(key=state.UPLOAD_WIDGET).set_value(("small.csv", small, "text/csv")).run()
    app.switch_page(COLUMNS).run()
    boxes = [box for box in app.checkbox if box.key.startswith(state.RULE_WIDGET_PREFIX)]
    education = next(box for box in boxes if box.label.startswith("education and education"))
    education.uncheck().run()
    expected = {box.key for box in app.checkbox if box.key.startswith("rule::") and box.value}
    app.switch_page("pages/train.py").run()
    job = train_to_the_end(tiny_settings(app))
    schema = job.result.schema_
    kept = {f"{state.RULE_WIDGET_PREFIX}{rule.describe(schema)}" for rule in job.result.rules_}
    assert kept == expected and education.key not in kept and kept


@pytest.fixture
def sales_page(app: AppTest) -> AppTest:
    """The Columns page with a sales table that obeys business rules."""
    app.run()
    data = sales_with_rules(300, seed=4).to_csv(index=False).encode("utf-8")
    app.file_uploader(key=state.UPLOAD_WIDGET).set_value(("sales.csv", data, "text/csv")).run()
    app.switch_page(COLUMNS).run()
    assert not app.exception
    return app


def add_rule(app: AppTest, kind: str, *columns: str) -> AppTest:
    app.selectbox(key=state.RULE_KIND_WIDGET).set_value(kind).run()
    for position, column in enumerate(columns):
        app.selectbox(key=f"{state.RULE_COLUMN_WIDGET_PREFIX}{position}").set_value(column).run()
    return app.button(key=state.ADD_RULE_BUTTON).click().run()


def test_a_rule_picked_from_lists_is_added_and_kept(sales_page: AppTest) -> None:
    words = "Sales is at least Quantity"  # true, but not proposed: the total implies it
    assert not any(box.label.startswith(words) for box in sales_page.checkbox)
    add_rule(sales_page, "order", "Quantity", "Sales")
    assert not sales_page.exception and not sales_page.error
    assert rule_box(sales_page, words).value is True


def test_a_rule_the_table_breaks_is_refused_with_a_plain_message(sales_page: AppTest) -> None:
    add_rule(sales_page, "order", "Ship Date", "Order Date")
    assert not sales_page.exception
    assert "Your table breaks the rule 'Order Date is on or after Ship Date'" in (
        sales_page.error[0].value.replace("\\", "")
    )


def test_a_rule_between_columns_of_the_wrong_kinds_is_refused(sales_page: AppTest) -> None:
    add_rule(sales_page, "order", "Order Date", "Quantity")
    assert "one holds dates and the other numbers" in sales_page.error[0].value
