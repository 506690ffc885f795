"""One run per change, however changes arrive: one at a time, in a batch, or while a run is under way."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["Changes"]


class Changes:
    """Calls ``run`` once per change; changes inside ``hold()`` or during a run become one more run.

    A widget callback that changes another control (``set`` moving several sliders, a reset) would otherwise
    run the simulation once per control, with values half old and half new.
    """

    def __init__(self, run: Callable[[], None]) -> None:
        self._run = run
        self._held = 0
        self._busy = False
        self.pending = False

    def changed(self) -> None:
        """Something changed: run now, unless held or running (then once more, with the latest values)."""
        self.pending = True
        if self._held or self._busy:
            return
        self._busy = True
        try:
            while self.pending:
                self.pending = False
                self._run()
        finally:
            self._busy = False

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Changes inside the block run once, at its end."""
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1
        if self._held == 0 and self.pending:
            self.changed()
