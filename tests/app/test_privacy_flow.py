"""Privacy choices through the app: replaced columns, differential privacy, filters reported."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.steps import tiny_settings, train_to_the_end
from tests.helpers import make_mixed_frame
from tests.sales_table import sales_with_rules
from ui import state, training

ROWS = 1500


def orders() -> pd.DataFrame:
    frame = make_mixed_frame(ROWS, seed=2)
    # Few digits: new IDs drawn at random would often hit a real one, the held-out rows' too.
    frame.insert(0, "order_id", [f"AB-{i:04d}" for i in range(ROWS)])
    frame["customer_email"] = [f"real.person{i}@mail.test.org" for i in range(ROWS)]
    return frame


@pytest.fixture
def private(app: AppTest) -> Iterator[AppTest]:
    """Email faked and IDs regenerated on the Columns page, then a DP CTGAN at ε = 10."""
    app.run()
    data = orders().to_csv(index=False).encode("utf-8")
    app.file_uploader(key=state.UPLOAD_WIDGET).set_value(("orders.csv", data, "text/csv")).run()
    app.switch_page("pages/columns.py").run()
    app.selectbox(key=f"{state.TREATMENT_WIDGET_PREFIX}order_id").set_value("new_ids").run()
    app.selectbox(key=f"{state.TREATMENT_WIDGET_PREFIX}customer_email").set_value("fake").run()
    assert not app.exception
    app.switch_page("pages/train.py").run()
    assert training.DP_ELSEWHERE in [c.value for c in app.caption]  # the VAE-GAN has no DP
    app.selectbox(key=state.VARIANT_WIDGET).set_value("ctgan").run()
    tiny_settings(app, epochs=1, batch_size=100)
    app.radio(key=state.DP_WIDGET).set_value("10").run()
    job = train_to_the_end(app, timeout=120)
    yield app
    job.stop()


def test_the_privacy_choice_is_offered_for_ctgan_and_wgan_gp_only() -> None:
    store: dict = {}
    assert training.build_config("quick", "ctgan", None, store, epsilon=3.0).dp_epsilon == 3.0
    assert training.build_config("quick", "gan", None, store, epsilon=3.0).dp_epsilon is None
    assert training.DP_CHOICES == ("off", "10", "3", "1")


def test_private_training_with_replaced_columns_end_to_end(private: AppTest) -> None:
    job = state.get_job(private.session_state)
    assert job.result.privacy_.epsilon <= 10.0

    private.switch_page("pages/compare.py").run()
    assert not private.exception
    assert any("Differentially private: ε = " in s.value for s in private.success)
    captions = " ".join(c.value for c in private.caption)
    assert "near copies removed" in captions and "customer_email: replace with fake" in captions
    assert "**Filters**: Filters" not in captions
    assert "No business rule was used: a model trained with differential privacy" in captions
    privacy = next(m for m in private.metric if m.label == "Privacy")
    assert privacy.value.endswith(("copy", "copies"))  # what the card's sentence speaks of

    private.switch_page("pages/download.py").run()
    made = state.get_table(private.session_state)  # the real rows
    synthetic = private.session_state[state.SYNTHETIC].frame
    assert list(synthetic.columns) == list(orders().columns)
    assert synthetic["order_id"].is_unique
    assert synthetic["order_id"].str.fullmatch(r"AB-\d{4}").all()
    assert not set(synthetic["order_id"]) & set(made.frame["order_id"])  # held-out rows' too
    assert not set(synthetic["customer_email"]) & set(made.frame["customer_email"])
    assert any("Filters:" in m.value for m in private.markdown)
    assert not private.warning  # the model follows the columns chosen now


def test_columns_filled_another_way_after_training_are_pointed_out(private: AppTest) -> None:
    private.switch_page("pages/columns.py").run()
    identify = [w.value for w in private.warning if "identify people or rows" in w.value]
    assert not any("order_id" in w for w in identify)  # filled with new IDs, so not left out
    private.selectbox(key=f"{state.TREATMENT_WIDGET_PREFIX}order_id").select_index(0).run()  # out
    identify = [w.value for w in private.warning if "identify people or rows" in w.value]
    assert any("order_id" in w for w in identify)  # said in the run that made the choice
    for page in ("pages/download.py", "pages/compare.py"):
        private.switch_page(page).run()
        assert any("Train again to use the columns" in w.value for w in private.warning), page


def test_choosing_differential_privacy_says_the_rules_kept_are_not_used(app: AppTest) -> None:
    app.run()
    data = sales_with_rules(400, seed=1).to_csv(index=False).encode("utf-8")
    app.file_uploader(key=state.UPLOAD_WIDGET).set_value(("sales.csv", data, "text/csv")).run()
    app.switch_page("pages/columns.py").run()  # the rules are found and kept here
    app.switch_page("pages/train.py").run()
    app.selectbox(key=state.VARIANT_WIDGET).set_value("ctgan").run()
    assert not [w for w in app.warning if "business rule" in w.value]
    app.radio(key=state.DP_WIDGET).set_value("10").run()
    said = [w.value for w in app.warning if "business rule" in w.value]
    assert len(said) == 1 and "you kept are not used" in said[0]
