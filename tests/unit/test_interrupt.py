"""Ctrl+C in the command line: the first press asks to stop and keep, the second quits."""

from __future__ import annotations

import signal
import threading

import pytest

from synth_core.interrupt import first_interrupt_stops


def test_the_first_ctrl_c_asks_to_stop_the_second_quits_and_the_old_handler_comes_back(capsys):
    before = signal.getsignal(signal.SIGINT)
    stop = threading.Event()
    with first_interrupt_stops(stop, "stopping soon"):
        signal.raise_signal(signal.SIGINT)
        assert stop.is_set()
        assert "stopping soon" in capsys.readouterr().err
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)
    assert signal.getsignal(signal.SIGINT) is before


def test_outside_the_main_thread_ctrl_c_is_left_alone():
    seen = []

    def run() -> None:
        with first_interrupt_stops(threading.Event(), "never"):
            seen.append(signal.getsignal(signal.SIGINT))

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    assert seen == [signal.getsignal(signal.SIGINT)]
