"""Shared set-up for the app tests: the app under AppTest, and small tables as upload bytes."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

APP = Path(__file__).parents[2] / "app.py"
TIMEOUT = 30


class _NavigationOnly(PagesManager):
    """A PagesManager that never falls back to the old pages/ folder mode.

    AppTest forgets before every run that the app uses ``st.navigation``. Because the pages live
    in a folder named ``pages/``, each run would then start in Streamlit's old folder mode and run
    the page file alone, without app.py (no sidebar). A real server leaves that mode on the
    first run; this makes every test run behave like the real app after its first run.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The app, not run yet."""
    monkeypatch.setattr(app_test_module, "PagesManager", _NavigationOnly)
    return AppTest.from_file(str(APP), default_timeout=TIMEOUT)


@pytest.fixture
def loaded(app: AppTest) -> AppTest:
    """The app on the Upload page, after "Try it with sample data" (Adult, 32,561 rows)."""
    app.run()
    app.button(key="load_sample").click().run()
    assert not app.exception
    return app


@pytest.fixture
def shop_csv() -> bytes:
    """A semicolon CSV with a decimal comma, an ID, an email, a category with 150 values, a
    mostly missing number and an empty column (200 rows)."""
    rows = 200
    lines = ["customer_id;email;shop;score;notes;age;member"]
    for i in range(rows):
        score = f"{40 + i % 30},5" if i % 3 == 0 else ""
        member = "yes" if i % 2 else "no"
        lines.append(
            f"{i + 1};person{i}@example.com;Shop {i % 150:03d};{score};;{18 + i % 60};{member}"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")
