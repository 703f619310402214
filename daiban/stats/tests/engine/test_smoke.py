from __future__ import annotations

import datetime

from daiban.stats.figures import Period, direct_figures


def test_direct_figures_run(flow, tree) -> None:
    flow.closed()
    flow.later(days=1)
    flow.local(new_matter=True)
    flow.at_county(new_matter=True)
    f = direct_figures(tree.city, Period.month(2026, 6), datetime.date(2026, 7, 1))
    assert f.counts["taken_up"] == 3
    assert f.counts["closed"] == 1
    print(f.counts, [(r.key, r.numerator, r.denominator) for r in f.rates])
