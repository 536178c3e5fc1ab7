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


def test_a_cycle_is_one_level():
    # A, B, C are each other's ancestors: one level, D below it
    assert hierarchy_levels(build("A --> B\nB --> C\nC --> A\nA --> D")) == 1
    assert hierarchy_levels(build("X --> A\nA --> B\nB --> C\nC --> A\nA --> D")) == 2


def test_levels_never_drop_when_a_concept_is_added():
    """A side concept linking into the middle of a long chain used to make the chain's
    end shallower (breadth-first depth from every root at once)."""
    chain = "\n".join(f"C{i} --> C{i + 1}" for i in range(10))
    assert hierarchy_levels(build(chain)) == 10
    assert hierarchy_levels(build(chain + "\nSIDE --> C6")) == 10
    assert quality(build(chain + "\nSIDE --> C6")).score >= quality(build(chain)).score


def test_seed_map_score():
    q = quality(seed_map())
    # 26 labelled links, 6 levels (BERT > Encoder-Only > Encoder > Self-Attention > QKV >
    # Scaled > Softmax), 8 concepts branch (1 + 3*7 points), 11 labelled cross-links
    assert (q.propositions, q.hierarchy_levels, q.branchings, q.cross_links) == (26, 6, 8, 11)
    assert q.score == 26 + 30 + 22 + 110
    assert q.overused == ("uses",)  # 7 of 26 propositions
    assert q.distinct_phrases == 15
