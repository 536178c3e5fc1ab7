"""Hand-built maps for the analysis tests (independent of the Mermaid parser).

``build(text)`` reads a tiny subset of flowchart syntax, one statement a line:
``subgraph ID["Title"]`` / ``end``, ``ID[Label]``, and ``A TOKEN B`` or ``A TOKEN|label| B``
with TOKEN one of ``==>`` (primary), ``-.->`` (secondary), ``--o`` (has-part), ``-->``
(plain), ``~~~`` (invisible). Concepts first named in a link get their id as label.
"""

from __future__ import annotations

import re

from conceptmap.model import Concept, ConceptMap, Relationship, Subgraph

__all__ = ["SEED", "build", "seed_map"]

_LINKS = {
    "==>": ("thick", "arrow", "primary"),
    "-.->": ("dotted", "arrow", "secondary"),
    "--o": ("normal", "circle", "has-part"),
    "-->": ("normal", "arrow", "plain"),
    "~~~": ("invisible", "none", "invisible"),
}
_SUB_RE = re.compile(r'^subgraph (\w+)\["(.*)"\]$')
_NODE_RE = re.compile(r"^(\w+)\[(.*)\]$")
_LINK_RE = re.compile(r"^(\w+) (==>|-\.->|--o|-->|~~~)(?:\|(.*)\|)? (\w+)$")


def build(text: str) -> ConceptMap:
    concepts: dict[str, dict] = {}
    subs: list[tuple[str, str]] = []
    rels: list[Relationship] = []
    current = None
    for raw in text.splitlines():
        s = raw.strip()
        if not s or s.startswith("%%"):
            continue
        if m := _SUB_RE.match(s):
            current = m.group(1)
            subs.append((current, m.group(2)))
        elif s == "end":
            current = None
        elif m := _NODE_RE.match(s):
            concepts.setdefault(m.group(1), {"label": m.group(2), "subgraph": current})
        elif m := _LINK_RE.match(s):
            a, tok, label, b = m.groups()
            for x in (a, b):
                concepts.setdefault(x, {"label": x, "subgraph": None})
            stroke, head, kind = _LINKS[tok]
            n = sum(1 for r in rels if r.source == a and r.target == b)
            rels.append(
                Relationship(
                    id=f"L_{a}_{b}_{n}",
                    source=a,
                    target=b,
                    label=label,
                    kind=kind,
                    stroke=stroke,
                    head=head,
                )
            )
        else:
            raise ValueError(f"cannot read {s!r}")
    return ConceptMap(
        concepts=tuple(
            Concept(id=k, label=v["label"], subgraph=v["subgraph"]) for k, v in concepts.items()
        ),
        relationships=tuple(rels),
        subgraphs=tuple(
            Subgraph(
                id=sid,
                title=title,
                concepts=tuple(sorted(k for k, v in concepts.items() if v["subgraph"] == sid)),
            )
            for sid, title in subs
        ),
    )


#: The seed document's diagram (shared/seeds/000): 28 concepts, 30 relationships.
SEED = """
subgraph Attention["Attention Mechanism"]
SELFATTN[Self-Attention]
QKV[Query, Key, Value]
MULTIHEAD[Multi-Head Attention]
SCALED[Scaled Dot-Product]
SOFTMAX[Softmax]
end
subgraph Position["Position Information"]
POSENC[Positional Encoding]
SINCOS[Sinusoidal]
LEARNED[Learned Positions]
ROPE[RoPE / ALiBi]
end
subgraph Architecture["Architecture Components"]
ENCODER[Encoder]
DECODER[Decoder]
FFN[Feed-Forward Network]
LAYERNORM[Layer Normalization]
RESIDUAL[Residual Connections]
CROSSATTN[Cross-Attention]
end
subgraph Variants["Model Variants"]
BERT[BERT]
GPT[GPT]
T5[T5 / Encoder-Decoder]
ENCONLY[Encoder-Only]
DECONLY[Decoder-Only]
end
subgraph Training["Training & Scaling"]
MLM[Masked LM]
CLM[Causal LM]
PRETRAIN[Pre-training]
FINETUNE[Fine-tuning]
SCALING[Scaling Laws]
end
subgraph Efficiency["Efficiency"]
FLASH[Flash Attention]
SPARSE[Sparse Attention]
CONTEXT[Context Length]
end
SELFATTN ==>|computes| QKV
QKV ==>|produces| SCALED
SCALED ==>|normalized by| SOFTMAX
SELFATTN ==>|extended by| MULTIHEAD
SELFATTN -.->|requires| POSENC
POSENC ==>|type| SINCOS
POSENC ==>|type| LEARNED
POSENC ==>|modern| ROPE
ENCODER ==>|uses| SELFATTN
DECODER ==>|uses| SELFATTN
DECODER ==>|uses| CROSSATTN
ENCODER --o FFN
ENCODER --o LAYERNORM
ENCODER --o RESIDUAL
DECODER --o FFN
BERT ==>|type| ENCONLY
ENCONLY ==>|uses| ENCODER
GPT ==>|type| DECONLY
DECONLY ==>|uses| DECODER
T5 ==>|uses| ENCODER
T5 ==>|uses| DECODER
BERT ==>|trained with| MLM
GPT ==>|trained with| CLM
MLM -.->|type of| PRETRAIN
CLM -.->|type of| PRETRAIN
PRETRAIN ==>|followed by| FINETUNE
SELFATTN -.->|optimized by| FLASH
SELFATTN -.->|approximated by| SPARSE
FLASH ==>|enables| CONTEXT
PRETRAIN -.->|governed by| SCALING
"""


def seed_map() -> ConceptMap:
    return build(SEED)
