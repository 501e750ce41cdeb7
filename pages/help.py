"""About Synth Studio, in plain words."""

from __future__ import annotations

import streamlit as st

st.title("About Synth Studio")
st.write(
    "Synth Studio turns a private table into a synthetic copy: new, made-up rows that look and "
    "behave like your real ones, so that you can share or test with them instead of the "
    "originals. A model (a neural network) learns the patterns of your table and then writes "
    "new rows from what it learned. The recommended model, the autoregressive one, learns "
    "each column given the columns before it and writes rows one column at a time; the GAN "
    "types (a generator and a critic that learn against each other) remain available."
)

st.subheader("The steps")
st.markdown(
    "1. **Upload** your table (CSV, TSV, Excel or Parquet), or try the sample data.\n"
    "2. **Columns**: check what each column holds and choose the columns to learn. "
    "Names, email addresses and other identifying columns are left out at first. "
    "Business rules found in your table (a ship date on or after its order date, each "
    "sub-category under one category) are listed in plain words: every synthetic row obeys "
    "the ones you keep.\n"
    "3. **Train** a model on the chosen columns.\n"
    "4. **Compare** the synthetic copy with your table: how alike they are, and how useful "
    "and how private the copy is.\n"
    "5. **Download** the synthetic copy, the report, and the model if you want to make more "
    "rows later with the command line (`python -m synth_core sample MODEL.synth --rows N`)."
)

st.subheader("Privacy")
st.markdown(
    "- Your table is kept only in the memory of this browser session. It is never saved to "
    "disk and never written to logs, and it is dropped when the session ends, for example "
    "when you close the tab.\n"
    "- Synthetic rows are made up, but a model can still remember rare details of real "
    "people. Check the copy before you share it.\n"
    "- A model file is as sensitive as the table it learned from: share it only with people "
    "who may see the original data.\n"
    "- Names, emails, phone numbers and IDs are never learned. On the Columns page choose for "
    "each: leave it out, fill it with made-up values of the same kind, or new IDs in "
    "the same format (a key that repeats keeps as many rows per key; which rows share a key "
    "is random). No real value is copied.\n"
    "- Rows that copy a real row, or sit closer to one than real rows usually do, are removed "
    "before you see them; the Download and Compare pages say how many.\n"
    "- Without differential privacy there is no formal guarantee: the privacy scores are "
    "measurements. With it (CTGAN or WGAN-GP, ε 10, 3 or 1 on the Train page), how much the "
    "model can reveal about any one row is limited by ε, at a cost in quality; the Compare page "
    "states what the guarantee covers."
)
