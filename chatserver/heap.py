"""The cyclic garbage collector of a serving process (`python -m chatserver run` only).

Two things made its pauses the whole of a loaded server's ack p99 (docs/benchmarks.md,
session 11; 1,000 conversations, 200 messages/s: ack p99 from 209-380 ms to 16-61 ms in
13 runs of 16):

- Importing the matcher's models and grammars leaves ~370,000 tracked objects that live as
  long as the process, and every full collection walked them all (250 ms every two seconds).
  Frozen once start-up is done, they are never walked again.
- A young collection after every 700 new objects promoted whatever a message in flight held
  at that instant (its task, coroutine, packet), so the old generation grew fast and was
  walked in full every few seconds: ~120 ms over the sockets' own objects. With the young
  generation 50,000 objects deep, nearly everything a message makes is freed by reference
  counting before a collection sees it, and full collections come seldom.

Almost nothing here forms reference cycles (a full collection found 10-230 cyclic objects),
so a deeper young generation holds back little memory. A frozen object is still freed by
reference counting; only cycles among frozen objects are never reclaimed (the FAQ indexes
warmed at start-up have none). Measured on CPython 3.11: 3.14's incremental collector reads
the last two thresholds differently.
"""

from __future__ import annotations

import gc
from typing import Any

YOUNG_OBJECTS = 50_000  # net new tracked objects before a young collection (default 700)
YOUNG_BEFORE_MIDDLE = 20  # young collections before the middle generation's (default 10)
MIDDLE_BEFORE_FULL = 20  # middle collections before a full one is considered (default 10)


def tune_collector() -> None:
    gc.set_threshold(YOUNG_OBJECTS, YOUNG_BEFORE_MIDDLE, MIDDLE_BEFORE_FULL)


async def freeze_startup_heap(_app: Any = None) -> None:
    """Collect what start-up left as garbage, then move every live object to the permanent
    generation. A frozen object is never collected, so a process that builds apps again and
    again (the tests) must not call this: it would keep every one of them."""
    gc.collect()
    gc.freeze()
