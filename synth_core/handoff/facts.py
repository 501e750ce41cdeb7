"""How the rows were kept private, in words: the guarantee (or its absence), the filters and the
personal-data columns. The report's privacy panel and the README say the same."""

from __future__ import annotations

from synth_core.handoff.generation import Generation
from synth_core.privacy import dp
from synth_core.schema import ALLOWED_TREATMENTS
from synth_core.schema.rarity import RARE_BELOW
from synth_core.synthesizer import Synthesizer
from synth_core.wording import copies_in_words


def filters_sentence(generation: Generation) -> str:
    """What the filters removed, in one or two sentences."""
    copies = copies_in_words(generation.copies_removed, generation.common_copies_kept, RARE_BELOW)
    words = f"Filters: {copies}"
    if generation.near_copies_removed is None:
        return words + "; the near-copy filter was not applied (it needs real rows held out)."
    return (
        words + f"; {generation.near_copies_removed:,} near copies removed "
        f"({generation.near_copy_rule})."
    )


def privacy_facts(synth: Synthesizer, generation: Generation) -> dict[str, str]:
    """Label -> sentence: differential privacy, the filters, the replaced and left-out columns."""
    facts = {
        "Differential privacy": dp.describe(synth.privacy_),
        "Filters": filters_sentence(generation),
    }
    personal = personal_data_sentence(synth)
    if personal is not None:
        facts["Personal data and identifiers"] = personal
    return facts


def personal_data_sentence(synth: Synthesizer) -> str | None:
    """What replaced each personal-data or identifier column, and which were left out; None
    when the table had none."""
    replaced = synth.pii_.describe()
    private = [
        c.name for c in synth.schema_.columns if c.kind in ALLOWED_TREATMENTS and not c.include
    ]
    left_out = [name for name in private if name not in replaced]
    words = [f"{name}: {what}" for name, what in replaced.items()]
    if left_out:
        words.append(f"left out: {', '.join(left_out)}")
    return "; ".join(words) + "." if words else None
