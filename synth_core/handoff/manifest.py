"""``manifest.json``: what was learned and how the rows were made, without any real value.

Every field is chosen here, one by one, from what the model and the scores know: column names,
kinds and what became of each column; the settings, seed and filters; the scores as numbers and
verdict levels. Nothing is copied wholesale (a schema's reasons and a report's details quote real
values), so no cell of the real table can reach the manifest. The one exception is a condition
the person chose (``--where income=>50K``): its value is in every synthetic row as well.
"""

from __future__ import annotations

import datetime as dt
import platform
from typing import TYPE_CHECKING, Any

from synth_core import modelfile
from synth_core.handoff.generation import Generation
from synth_core.handoff.layout import FORMAT, FORMAT_VERSION
from synth_core.schema import ALLOWED_TREATMENTS
from synth_core.schema.treatments import TREATMENT_LABELS
from synth_core.synthesizer import Synthesizer

if TYPE_CHECKING:
    from synth_core.evaluation.evaluate import Evaluation

#: Settings that say where a model ran, not how it was made: left out of the manifest.
MACHINE_SETTINGS = ("device", "threads", "extra")


def build_manifest(
    synth: Synthesizer,
    generation: Generation,
    files: dict[str, dict[str, Any]],
    model_sha256: str,
    evaluation: Evaluation | None = None,
    created: dt.datetime | None = None,
) -> dict[str, Any]:
    """The manifest of a bundle holding ``files`` (name -> {"sha256", "bytes", "what"})."""
    created = created or dt.datetime.now(dt.UTC)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created": created.replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "made_with": {**modelfile.library_versions(), "python": platform.python_version()},
        "platform": platform.platform(terse=True),
        "files": files,
        "columns": columns(synth),
        "model": model(synth, model_sha256),
        "generation": generation_record(generation),
        "regenerate": regenerate(generation),
        "scores": scores(evaluation) if evaluation is not None else None,
    }


def columns(synth: Synthesizer) -> list[dict[str, Any]]:
    """Each column of the real table: its name, kind and what became of it."""
    replaced = set(synth.pii_.names)
    out = []
    for info in synth.schema_.columns:
        if info.include:
            how = "learned by the model"
        elif info.name in replaced:
            how = TREATMENT_LABELS[info.treatment].lower()
        else:
            how = "left out"
        out.append(
            {
                "name": info.name,
                "kind": info.kind.value,
                "personal_data_or_identifier": info.kind in ALLOWED_TREATMENTS,
                "in_synthetic_table": info.include or info.name in replaced,
                "treatment": how,
            }
        )
    return out


def model(synth: Synthesizer, model_sha256: str) -> dict[str, Any]:
    """The model type, its settings and its privacy record (ε spent when private)."""
    settings = {
        key: value for key, value in synth.config_.to_dict().items() if key not in MACHINE_SETTINGS
    }
    privacy = synth.privacy_
    return {
        "type": synth.config_.variant,
        "file_sha256": model_sha256,
        "file_format_version": modelfile.FORMAT_VERSION,
        "training_rows": int(synth.training_rows_),
        "epochs_trained": synth.parts_.epochs_trained,
        "seed": synth.config_.seed,
        "differential_privacy": None
        if privacy is None
        else {
            "epsilon": privacy.epsilon,
            "epsilon_target": privacy.epsilon_target,
            "delta": privacy.delta,
        },
        "settings": settings,
    }


def generation_record(generation: Generation) -> dict[str, Any]:
    """The rows asked for and made, and each filter with the rows it removed."""
    near = generation.near_copies_removed
    return {
        "rows_requested": generation.requested,
        "rows": generation.rows,
        "seed": generation.seed,
        "conditions": {str(k): _plain(v) for k, v in generation.conditions.items()},
        "filters": [
            {
                "filter": "copies of rare real rows",
                "applied": True,
                "rows_removed": generation.copies_removed,
                "rows_kept_equal_to_common_combinations": generation.common_copies_kept,
            },
            {
                "filter": "near copies",
                "applied": near is not None,
                "rows_removed": near,
                "rule": generation.near_copy_rule,
            },
        ],
    }


def regenerate(generation: Generation) -> dict[str, Any]:
    """What gives the same CSV again: ``sample`` with these settings, the model file and, when
    the near-copy filter was applied, the real table the model was trained on."""
    command = [
        *("python", "-m", "synth_core", "sample", "MODEL.synth"),
        *("--rows", str(generation.requested), "--seed", str(generation.seed)),
    ]
    for column, value in generation.conditions.items():
        command += ["--where", f"{column}={value}"]
    if generation.near_copies_removed is not None:
        command += ["--near-copy-filter", "REAL.csv"]
    command += ["--out", "synthetic.csv"]
    return {
        "command": command,
        "rows": generation.requested,
        "seed": generation.seed,
        "conditions": {str(k): _plain(v) for k, v in generation.conditions.items()},
        "near_copy_filter": generation.near_copies_removed is not None,
        "same_bytes": generation.same_as_sample,
        "note": "MODEL.synth: the model file whose SHA-256 is model.file_sha256; REAL.csv: the "
        "table it was trained on. "
        + (
            "The same platform and library versions give the same bytes."
            if generation.same_as_sample
            else "The app set the near-copy filter from the rows it held out, so this command "
            "can give other rows."
        ),
    }


def scores(evaluation: Evaluation) -> dict[str, Any]:
    """The scores as numbers and verdict levels (no detail table: those name real values)."""
    utility, privacy = evaluation.ml_utility, evaluation.privacy
    detection, coverage = evaluation.detection, evaluation.precision_recall
    return {
        "quality": _number(evaluation.quality.quality),
        "column_shapes": _number(evaluation.quality.column_shapes),
        "column_pair_trends": _number(evaluation.quality.column_pair_trends),
        "diagnostic": _number(evaluation.diagnostic.score),
        "detection_auc": _number(detection.auc) if detection else None,
        "precision": _number(coverage.precision) if coverage else None,
        "recall": _number(coverage.recall) if coverage else None,
        "usefulness": None
        if utility is None
        else {
            "target": utility.target,
            "metric": utility.metric,
            "trained_on_real": _number(utility.real),
            "trained_on_synthetic": _number(utility.synthetic),
        },
        "privacy": {
            "copies_of_rare_real_rows": int(privacy.exact_copies),
            "dcr_share": _number(privacy.dcr_share),
            "nndr": _number(privacy.nndr),
        },
        "verdicts": {key: verdict.level for key, verdict in evaluation.verdicts.items()},
        "rows_compared": {key: int(value) for key, value in evaluation.rows.items()},
    }


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if number != number or number in (float("inf"), float("-inf")) else number


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)
