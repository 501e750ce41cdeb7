"""Shards: the plan of a request, their seeds, the folder they go to, and what a failure
leaves behind."""

from __future__ import annotations

import pytest

from synth_core.backends.shards import (
    Shard,
    chunk_seed,
    plan_shards,
    prepare_folder,
    remove_shards,
)
from synth_core.errors import DataError
from synth_core.privacy.pii import IdSlot


def test_a_request_is_cut_into_full_shards_and_one_rest():
    plan = plan_shards(250, seed=3, shard_rows=100)
    assert [(shard.number, shard.rows) for shard in plan] == [(0, 100), (1, 100), (2, 50)]
    assert plan_shards(0, seed=3) == []


def test_each_shard_seed_depends_on_the_seed_and_the_shard_number_only():
    assert plan_shards(300, seed=3, shard_rows=100)[1].seed == chunk_seed(3, 1)
    seeds = {chunk_seed(seed, number) for seed in range(3) for number in range(3)}
    assert len(seeds) == 9


def test_each_shard_takes_its_own_share_of_the_new_ids_after_the_rows_before_it():
    plan = plan_shards(250, seed=3, shard_rows=100)
    assert [shard.ids for shard in plan] == [
        IdSlot(3, parts=3, part=0, first_row=0),
        IdSlot(3, parts=3, part=1, first_row=100),
        IdSlot(3, parts=3, part=2, first_row=200),
    ]


def test_a_folder_that_holds_files_is_refused(tmp_path):
    (tmp_path / "old.csv").write_text("a\n1\n")
    with pytest.raises(DataError, match="already holds files"):
        prepare_folder(tmp_path)
    assert prepare_folder(tmp_path / "new" / "deeper").is_dir()


def test_a_file_given_as_the_folder_is_refused(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("")
    with pytest.raises(DataError, match="is a file"):
        prepare_folder(path)


def test_a_failed_request_leaves_neither_its_shards_nor_their_partial_files(tmp_path):
    plan = [Shard(0, 10, 1), Shard(1, 10, 2)]
    (tmp_path / "part-00000.csv").write_text("x")
    (tmp_path / ".part-00001.csv.partial").write_text("x")
    (tmp_path / "keep.txt").write_text("x")
    remove_shards(tmp_path, plan, "csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]
