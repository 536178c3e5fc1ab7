"""Quality: the Novak-Gowin-style structural score and link-phrase statistics."""

from __future__ import annotations

from _analysis_maps import build, seed_map
from conceptmap.analysis import quality
from conceptmap.analysis.quality import hierarchy_levels


def test_small_map_by_hand():
    # A branches to B and C (uses, uses); C -> D unlabelled; 2 levels below A
    q = quality(build("A -->|uses| B\nA -->|Uses| C\nC --> D"))
    assert (q.propositions, q.unlabelled) == (2, 1)
    assert q.hierarchy_levels == 2
    assert (q.branchings, q.branching_points) == (1, 1)
    assert q.cross_links == 0
    assert q.score == 2 + 5 * 2 + 1
    assert [(p.phrase, p.count) for p in q.phrases] == [("uses", 2)]
    assert q.overused == ()  # 2 uses: below the minimum of 3


def test_cycle_without_root_uses_highest_degree_concept():
    assert hierarchy_levels(build("A --> B\nB --> C\nC --> A\nA --> D")) == 2


def test_seed_map_score():
    q = quality(seed_map())
    # 26 labelled links, 5 levels (T5 > Encoder > Self-Attention > QKV > Scaled > Softmax),
    # 8 concepts branch (1 + 3*7 points), 11 labelled cross-links between subgraphs
    assert (q.propositions, q.hierarchy_levels, q.branchings, q.cross_links) == (26, 5, 8, 11)
    assert q.score == 26 + 25 + 22 + 110
    assert q.overused == ("uses",)  # 7 of 26 propositions
    assert q.distinct_phrases == 15
