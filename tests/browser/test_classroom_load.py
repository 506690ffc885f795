"""A classroom's load on one app server: benchmarks/load_test.py run as a test (about 3 minutes).

Ten browser sessions move a slider twenty times each, all at once. The test asserts what must hold under
load (every update arrives and matches its values, no kernel dies, closed pages give their memory back);
the latencies and memory it measures are printed for the record, never asserted: this machine is shared.
"""

from __future__ import annotations

import load_test


def test_ten_learners_moving_sliders_at_once_all_get_every_update() -> None:
    report = load_test.run(sessions=10, changes=20)
    print(report.table())
    assert report.failures == []
    assert len(report.latencies_s) == 10 * 20
