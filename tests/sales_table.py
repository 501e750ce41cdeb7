"""A seeded sales export with keys that repeat: a customer places many orders, an order has
several lines, a product sells many times (the shape of a retail 'superstore' export)."""

from __future__ import annotations

import numpy as np
import pandas as pd

KEY_COLUMNS = ("Order ID", "Customer ID", "Product ID")
# The kind a person gives each column.
SALES_KINDS = {
    "Order ID": "identifier",
    "Order Date": "datetime",
    "Customer ID": "identifier",
    "Segment": "categorical",
    "Region": "categorical",
    "Postal Code": "categorical",
    "Product ID": "identifier",
    "Category": "categorical",
    "Sales": "numerical",
    "Quantity": "integer",
}


def sales_orders(orders: int = 600, seed: int = 0) -> pd.DataFrame:
    """About 2.5 lines per order; customers with 1 to about 12 orders; 300 products."""
    rng = np.random.default_rng(seed)
    customers = [
        f"{a}{b}-{n}" for a, b, n in zip(*_letters(rng, 2, 250), _numbers(rng, 250, 5), strict=True)
    ]
    products = [
        f"{cat}-{sub}-{n}"
        for cat, sub, n in zip(
            rng.choice(["FUR", "OFF", "TEC"], 300),
            rng.choice(["BO", "CH", "PH", "AR", "ST"], 300),
            _numbers(rng, 300, 8),
            strict=True,
        )
    ]
    order_ids = [
        f"{p}-{y}-{n}"
        for p, y, n in zip(
            rng.choice(["CA", "US"], orders),
            rng.integers(2015, 2019, orders),
            _numbers(rng, orders, 6),
            strict=True,
        )
    ]
    lines = rng.geometric(0.4, orders)
    who = rng.choice(len(customers), orders, p=_skewed(rng, len(customers)))
    rows = np.repeat(np.arange(orders), lines)
    n = len(rows)
    product = rng.choice(len(products), n, p=_skewed(rng, len(products)))
    quantity = rng.integers(1, 10, n)
    dates = pd.Timestamp("2015-01-01") + pd.to_timedelta(rng.integers(0, 1400, orders), unit="D")
    return pd.DataFrame(
        {
            "Order ID": np.array(order_ids, dtype=object)[rows],
            "Order Date": dates[rows].strftime("%m/%d/%Y"),
            "Customer ID": np.array(customers, dtype=object)[who][rows],
            "Segment": rng.choice(["Consumer", "Corporate", "Home Office"], orders)[rows],
            "Region": rng.choice(["East", "West", "Central", "South"], orders)[rows],
            "Postal Code": rng.choice([10024, 90036, 60610, 19140, 98103, 43229], orders)[rows],
            "Product ID": np.array(products, dtype=object)[product],
            "Category": np.array([p[:3] for p in products], dtype=object)[product],
            "Sales": np.round(rng.gamma(2.0, 120.0, n) * quantity / 3, 2),
            "Quantity": quantity,
        }
    )


def _letters(rng: np.random.Generator, count: int, size: int) -> list[np.ndarray]:
    return [rng.choice(list("ABCDEFGHJKLMNPRSTVW"), size) for _ in range(count)]


def _numbers(rng: np.random.Generator, size: int, digits: int) -> np.ndarray:
    """``size`` different numbers of exactly ``digits`` digits."""
    low = 10 ** (digits - 1)
    return low + rng.choice(9 * low, size, replace=False)


def _skewed(rng: np.random.Generator, size: int) -> np.ndarray:
    """Shares for ``size`` keys, a few much more common than the rest."""
    weights = rng.pareto(1.5, size) + 0.2
    return weights / weights.sum()


#: The product hierarchy and the places of ``sales_with_rules``.
SUB_CATEGORIES = {
    "Furniture": ["Bookcases", "Chairs", "Tables", "Furnishings"],
    "Office Supplies": ["Binders", "Paper", "Storage", "Art", "Labels"],
    "Technology": ["Phones", "Machines", "Accessories", "Copiers"],
}
CITY_STATES = {
    "New York City": "New York",
    "Buffalo": "New York",
    "Los Angeles": "California",
    "San Francisco": "California",
    "Seattle": "Washington",
    "Houston": "Texas",
    "Dallas": "Texas",
    "Chicago": "Illinois",
}


def sales_with_rules(rows: int = 2_000, seed: int = 0) -> pd.DataFrame:
    """Order lines that obey business rules: the ship date is 0 to 7 days after the order date,
    each sub-category belongs to one category, each city to one state, Sales = Unit Price ×
    Quantity (to the cent) and the discount is between 0 and 0.8."""
    rng = np.random.default_rng(seed)
    subs = [(cat, sub) for cat, names in SUB_CATEGORIES.items() for sub in names]
    chosen = rng.choice(len(subs), rows)
    cities = list(CITY_STATES)
    city = rng.choice(cities, rows)
    ordered = pd.Timestamp("2016-01-01") + pd.to_timedelta(rng.integers(0, 1000, rows), unit="D")
    shipped = ordered + pd.to_timedelta(rng.integers(0, 8, rows), unit="D")
    price = np.round(rng.gamma(2.0, 40.0, rows) + 1, 2)
    quantity = rng.integers(1, 10, rows)
    return pd.DataFrame(
        {
            "Order Date": ordered.strftime("%Y-%m-%d"),
            "Ship Date": shipped.strftime("%Y-%m-%d"),
            "Category": [subs[i][0] for i in chosen],
            "Sub-Category": [subs[i][1] for i in chosen],
            "City": city,
            "State": [CITY_STATES[c] for c in city],
            "Unit Price": price,
            "Quantity": quantity,
            "Sales": np.round(price * quantity, 2),
            "Discount": rng.choice([0.0, 0.1, 0.2, 0.5, 0.8], rows),
        }
    )
