"""What the server makes of Ray's errors: a failed worker is one plain message, a plain error
raised on a worker comes back as itself; and what Ray's start leaves of the process's logging.
(No Ray instance needed.)"""

from __future__ import annotations

import logging

import pytest

from synth_core.backends.ray_backend import WORKER_LOST, plain_ray_errors, root_logging_kept
from synth_core.errors import DataError, SynthError
from tests.backends_support import ray_or_skip


def test_a_worker_that_died_gives_one_plain_message():
    ray = ray_or_skip()
    with pytest.raises(SynthError) as raised, plain_ray_errors(ray):
        raise ray.exceptions.WorkerCrashedError()
    assert str(raised.value) == WORKER_LOST


def test_a_plain_error_raised_on_a_worker_comes_back_as_itself():
    ray = ray_or_skip()
    wrapped = ray.exceptions.RayTaskError("write_shard", "traceback", DataError("Bad rows."))
    with pytest.raises(DataError, match=r"^Bad rows\.$"), plain_ray_errors(ray):
        raise wrapped


def test_other_errors_pass_through_untouched():
    ray = ray_or_skip()
    with pytest.raises(KeyError), plain_ray_errors(ray):
        raise KeyError("x")


def test_a_handler_given_to_the_root_logger_while_ray_starts_is_taken_away_again():
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    with root_logging_kept():
        root.addHandler(logging.StreamHandler())  # what ray.init does to the root logger
        root.setLevel(logging.INFO)
        assert root.handlers != before
    assert root.handlers == before and root.level == level
