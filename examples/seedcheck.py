"""The examples' side-by-side table: each seed figure beside revolve's, and what kind of figure it is.

A figure is either an **input** — something the example records because the seed reports it (a
contribution, a number of mothers approved, an assessment the town office made), or an **assumption**
the example makes where the seed is silent (with its reason) — or an **output**,
computed by revolve from the operations recorded. The table says which, so no reader mistakes an input
for a result; and an output is printed from revolve's own value, never written down here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tabulate import tabulate

INPUT = "输入：示例按种子记录"
"""The example records this figure (the seed reports it as a fact of the programme)."""

ASSUMED = "输入：示例假设"
"""The example records this figure though the seed gives none (the note says why)."""

OUTPUT = "输出：revolve 计算"
"""revolve computed this figure from the operations the example recorded."""

OUTSIDE = "未建模"
"""The seed's figure is about something other than the fund's books (another programme, a province-wide
total); the example records nothing for it, and the note says what it is."""


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the table.

    Attributes:
        item: what the figure is (项目).
        seed: the figure as the seed states it, in its own words ("35万元", "4次滚动"), or "—" where the
            seed gives none.
        revolve: the figure as revolve holds or computed it.
        kind: ``INPUT``, ``ASSUMED``, ``OUTPUT`` or ``OUTSIDE``.
        note: how the two compare, or why they differ (optional).
    """

    item: str
    seed: str
    revolve: str
    kind: str
    note: str = ""


def print_side_by_side(title: str, rows: Sequence[Row]) -> None:
    """Print the table under a title line ("种子文献对照：…")."""
    print(f"种子文献对照（SEED vs REVOLVE）— {title}：")
    print(
        tabulate(
            [(r.item, r.seed, r.revolve, r.kind, r.note) for r in rows],
            headers=("项目", "种子文献", "revolve", "性质", "说明"),
            tablefmt="simple",
            disable_numparse=True,
        )
    )
    print()
