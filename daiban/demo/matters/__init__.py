"""The living demo (演示事项): a few hundred proxy matters on the Hohhot demo network, in every state.

Every matter is made by the domain actions of ``daiban.matters.actions`` on a frozen, backdated clock
(``daiban.core.clock.frozen``), never by writing matter rows, so every timeline, number and deadline is
what the system itself would have recorded at the time.

1. **Plan** (``planner``, ``builder``, ``scenarios``; no matter is touched): each matter gets a scenario, a
   desk that takes it in (``cast``), a place, a topic with realistic text (``topics``), petitioners with
   valid ID and mobile numbers (``people``), and steps placed on working days (``workdays``).
2. **Run** (``run``, ``perform``): the steps of all matters are run in time order, each an action call.

Deterministic: the same ``seed`` and ``today`` give the same matters (numbers, lookup codes, states, texts,
people, timelines). Idempotent: nothing happens if any matter exists. The data (topics, names, scenarios,
the essential matters, phrases) are in ``daiban/demo/data/matters``.
"""

from daiban.demo.matters.cast import DemoNetworkMissing
from daiban.demo.matters.config import DEFAULT_COUNT, DEFAULT_SEED
from daiban.demo.matters.people import People
from daiban.demo.matters.perform import DemoStepFailed
from daiban.demo.matters.run import LoadResult, load_demo_matters

__all__ = [
    "DEFAULT_COUNT",
    "DEFAULT_SEED",
    "DemoNetworkMissing",
    "DemoStepFailed",
    "LoadResult",
    "People",
    "load_demo_matters",
]
