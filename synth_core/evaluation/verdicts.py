"""Plain-words verdicts on evaluation scores: every threshold lives in ``THRESHOLDS`` below.

A verdict is one of four levels (excellent, good, fair, poor), a title and one sentence on what
the score means and what to do about it. Change a threshold here and the app, the command line
and the HTML report all follow.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

LEVELS = ("excellent", "good", "fair", "poor")  # best first


@dataclass(frozen=True)
class Verdict:
    """A score in plain words."""

    level: str  # one of LEVELS
    title: str
    sentence: str  # what the score means and what to do

    def to_dict(self) -> dict[str, str]:
        return {"level": self.level, "title": self.title, "sentence": self.sentence}


@dataclass(frozen=True)
class Rule:
    """The bounds of a score's levels and what to say at each level."""

    title: str
    higher_is_better: bool
    excellent: float  # the level holds from this bound on (or up to it, when lower is better)
    good: float
    fair: float
    sentences: tuple[str, str, str, str]  # one per level, in LEVELS order


# The thresholds, in one place. Scores are 0..1 unless said otherwise.
# - Pair trends: a table whose columns were each shuffled separately (no relation between any two
#   columns) scores about 0.76 on Adult, so below 0.75 a model has learnt no relations at all.
# - DCR share: a model that copied every training row scores 0.5 + 0.5 * holdout/train rows,
#   about 0.62 with a 20 % holdout, since the training reference is subsampled to the
#   holdout's size; 0.5 is ideal and a few points above it are sampling noise.
# - NNDR: the median, over synthetic rows, of the distance to the closest training row divided
#   by the distance to the second closest; 0 for copies, about 0.8 for Adult's holdout rows
#   (real people the model never saw) and 1.0 for shuffled columns.
# - Detection (ROC AUC of a classifier telling real from synthetic rows; lower is better): 0.50
#   for Adult's holdout rows against its training rows, 0.99 for shuffled columns, 1.0 for one
#   row repeated; a 10-epoch CTGAN sample (quality 0.79) still scores 1.0: boosted trees find
#   what gives a GAN's rows away long before the column-by-column scores do.
# - Precision / recall (k = 5): about 0.92 / 0.93 for Adult's holdout rows against its training
#   rows; shuffled columns 0.36 / 0.88 (unrealistic rows that still cover the real ones); one
#   row repeated 1.0 / 0.0 (realistic, but no variety); a 10-epoch CTGAN 0.35 / 0.91.
THRESHOLDS: dict[str, Rule] = {
    "quality": Rule(
        "Overall quality",
        True,
        0.90,
        0.80,
        0.70,
        (
            "The synthetic table closely matches the real one, column by column and in pairs.",
            "The synthetic table matches the real one well; the details show where it differs.",
            "The synthetic table matches the real one only in part: train longer or try the "
            "'Best quality' preset.",
            "The synthetic table differs clearly from the real one: train longer, check the "
            "column kinds, and leave out columns that should not be learned.",
        ),
    ),
    "column_shapes": Rule(
        "Column shapes",
        True,
        0.90,
        0.80,
        0.70,
        (
            "Each synthetic column has nearly the same distribution as the real one.",
            "Most synthetic columns have distributions close to the real ones.",
            "Some synthetic columns have distributions unlike the real ones: train longer.",
            "Many synthetic columns have distributions unlike the real ones: train longer, and "
            "check that each column's kind is right.",
        ),
    ),
    "column_pair_trends": Rule(
        "Column pair trends",
        True,
        0.90,
        0.85,
        0.75,
        (
            "Relations between columns are kept: what goes together in the real table goes "
            "together in the synthetic one.",
            "Most relations between columns are kept.",
            "Relations between columns are only partly kept: train longer, or try the VAE-GAN "
            "model (the recommended one), which keeps them best.",
            "Relations between columns are lost, as if each column had been made on its own: "
            "train longer, or try the VAE-GAN model.",
        ),
    ),
    "diagnostic": Rule(
        "Diagnostic (validity and structure)",
        True,
        0.99,
        0.95,
        0.90,
        (
            "Values stay within the real ranges and categories, and every compared column is "
            "there.",
            "Almost all values stay within the real ranges and categories.",
            "Some values fall outside the real ranges or categories: check the column kinds.",
            "Many values fall outside the real ranges or categories, or columns differ: check "
            "that both files hold the same columns of the same kinds.",
        ),
    ),
    "ml_utility": Rule(  # synthetic score / real score
        "Usefulness for machine learning",
        True,
        0.95,
        0.85,
        0.70,
        (
            "A model trained on the synthetic rows predicts the real holdout as well as one "
            "trained on real rows.",
            "A model trained on the synthetic rows predicts almost as well as one trained on real "
            "rows.",
            "A model trained on the synthetic rows predicts noticeably worse than one trained on "
            "real rows: train longer.",
            "A model trained on the synthetic rows predicts much worse than one trained on real "
            "rows: the target's relation to the other columns was not learned; train longer or "
            "use the conditional GAN on the target.",
        ),
    ),
    "detection": Rule(  # ROC AUC, 0.5 ideal
        "Detection (can a classifier tell them apart?)",
        False,
        0.60,
        0.75,
        0.90,
        (
            "A classifier can hardly tell synthetic rows from real ones: they pass as real.",
            "A classifier tells synthetic rows from real ones only some of the time.",
            "A classifier often tells synthetic rows from real ones: some columns or their "
            "combinations give them away; train longer.",
            "A classifier easily tells synthetic rows from real ones: the rows do not pass as "
            "real. Train longer, or try the VAE-GAN model.",
        ),
    ),
    "precision": Rule(  # share of synthetic rows among real ones (k-NN balls)
        "Precision (realistic rows)",
        True,
        0.85,
        0.70,
        0.50,
        (
            "Nearly every synthetic row sits among real rows: the rows are realistic.",
            "Most synthetic rows sit among real rows.",
            "Many synthetic rows sit where no real row is: unrealistic combinations of "
            "values; train longer.",
            "Most synthetic rows sit where no real row is: they are not realistic. Train longer, "
            "and check the column kinds.",
        ),
    ),
    "recall": Rule(  # share of real rows among synthetic ones (k-NN balls)
        "Recall (variety covered)",
        True,
        0.85,
        0.70,
        0.50,
        (
            "The synthetic rows cover nearly every kind of real row.",
            "The synthetic rows cover most kinds of real rows.",
            "Some kinds of real rows are missing from the synthetic table: train longer.",
            "Many kinds of real rows are missing from the synthetic table: the model writes "
            "too little variety (mode collapse). Train longer, or try the VAE-GAN model.",
        ),
    ),
    "exact_copies": Rule(  # share of synthetic rows identical to a rare training row
        "Copies of rare real rows",
        False,
        0.0,
        0.0,
        0.0,
        (
            "No synthetic row copies a rare training row.",
            "No synthetic row copies a rare training row.",
            "No synthetic row copies a rare training row.",
            "Some synthetic rows copy real rows that few others share: do not share them. "
            "Generate with copies removed (the default), and leave out identifier-like columns.",
        ),
    ),
    "dcr": Rule(  # share of synthetic rows closer to a training row than to a holdout row
        "Distance to closest record",
        False,
        0.54,
        0.57,
        0.60,
        (
            "Synthetic rows are no closer to the training rows than to rows the model never saw: "
            "no sign of memorisation.",
            "Synthetic rows are barely closer to the training rows than to unseen rows.",
            "Synthetic rows lean towards the training rows: the model may memorise; train "
            "fewer epochs.",
            "Synthetic rows are clearly closer to the training rows than to unseen rows: the "
            "model memorises. Train fewer epochs, and leave out identifier-like columns.",
        ),
    ),
    "nndr": Rule(  # median distance to the closest / second closest training row
        "Nearest-neighbour distance ratio",
        True,
        0.50,
        0.30,
        0.10,
        (
            "Synthetic rows are not tied to any single real person: each sits among several "
            "real rows.",
            "Most synthetic rows sit among several real rows.",
            "Many synthetic rows sit close to one real row: check the closest pairs below.",
            "Most synthetic rows sit right on top of one real row: they reveal real people. "
            "Train fewer epochs, and do not share this table.",
        ),
    ),
}
PRIVACY_PARTS = ("exact_copies", "dcr", "nndr")
NNDR_AS_UNSEEN = 0.9  # an NNDR at least this share of unseen real rows' own is theirs, in noise


def verdict_for(metric_key: str, value: float, *, hint: str | None = None) -> Verdict:
    """The verdict on ``value`` of the score ``metric_key`` (a key of ``THRESHOLDS``).

    ``hint`` is added to the sentence: something specific to this run, such as the column that
    is furthest off. A missing value (NaN) is judged poor.
    """
    rule = THRESHOLDS[metric_key]
    level = LEVELS[_level_index(rule, value)]
    sentence = rule.sentences[LEVELS.index(level)]
    if hint:
        sentence = f"{sentence} {hint}"
    return Verdict(level, rule.title, sentence)


def nndr_verdict(nndr: float, unseen: float | None) -> Verdict:
    """The verdict on the synthetic rows' nearest-neighbour distance ratio, given ``unseen``,
    the ratio of real rows the model never saw (None without a holdout).

    In a table of many alike rows every row, real or not, sits right on top of a real one: a
    ratio as high as unseen rows' own is no sign of copying, however low both are."""
    verdict = verdict_for("nndr", nndr)
    if unseen is None or verdict.level == LEVELS[0] or nndr < NNDR_AS_UNSEEN * unseen:
        return verdict
    return Verdict(
        LEVELS[0],
        verdict.title,
        f"Synthetic rows sit as close to one real row as real rows the model never saw "
        f"({unseen:.2f}): many rows of this table are alike, which is no sign of copying.",
    )


QUALITY_BUT_DETECTED = (
    " Yet a classifier still tells many synthetic rows from real ones (detection, in the "
    "details): the columns and pairs match, but whole rows do not all pass as real."
)


def with_detection(quality: Verdict, detection: Verdict | None) -> Verdict:
    """The overall quality's verdict, at most one level better than detection's, with a caveat
    when it is good or better while a classifier tells the rows apart (fair or poor detection):
    columns and pairs that match do not make rows that pass as real, and a headline of
    'excellent' over 'detection poor' read as if the scores disagreed."""
    if detection is None or detection.level not in ("fair", "poor"):
        return quality
    if quality.level not in ("excellent", "good"):
        return quality
    capped = max(LEVELS.index(quality.level), LEVELS.index(detection.level) - 1)
    return dataclasses.replace(
        quality, level=LEVELS[capped], sentence=quality.sentence + QUALITY_BUT_DETECTED
    )


UNMEASURED_DISTANCES = (
    " Not fully measured: how close synthetic rows come to real ones (distance to closest "
    "record) needs the real rows kept aside from training (the holdout)."
)


UNSEEN_COPIES = (
    " Without the holdout, real rows the model never trained on count as its own: if the real "
    "table holds the rows kept aside from training, some copies may be chance matches with "
    "them; evaluate with those rows as the holdout to tell the two apart."
)


def without_distances(privacy: Verdict, measured: bool, copies: int = 0) -> Verdict:
    """The privacy verdict, at most good and with a caveat when the distance to closest record
    was not measured (no holdout): copies alone cannot show that rows sit too close; and with
    ``copies`` found, that some may be of rows kept aside from training."""
    if measured:
        return privacy
    level = LEVELS[max(LEVELS.index(privacy.level), 1)]
    caveat = UNMEASURED_DISTANCES + (UNSEEN_COPIES if copies else "")
    return Verdict(level, privacy.title, privacy.sentence + caveat)


def worst(title: str, verdicts: list[Verdict]) -> Verdict:
    """One verdict for several: the lowest level, with the sentence of the part that set it."""
    chosen = max(verdicts, key=lambda verdict: LEVELS.index(verdict.level))
    return Verdict(chosen.level, title, chosen.sentence)


def _level_index(rule: Rule, value: float) -> int:
    if value is None or math.isnan(value):
        return len(LEVELS) - 1
    bounds = (rule.excellent, rule.good, rule.fair)
    for index, bound in enumerate(bounds):
        if (value >= bound) if rule.higher_is_better else (value <= bound):
            return index
    return len(LEVELS) - 1
