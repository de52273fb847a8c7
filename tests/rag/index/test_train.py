"""Training a static model end to end on a handful of pairs, in seconds (rag.index.train)."""

from __future__ import annotations

import numpy as np
import pytest

from rag.index.pairs import PairConfig, Record, heading_of, make_pairs
from rag.index.train import TrainConfig, save_model, token_ids, train_vectors
from rag.index.vocab import Counts, VocabConfig, aliases, build_pieces, make_tokenizer

PAIRS = [
    ("thời hạn nộp báo cáo", "Các sở gửi báo cáo kết quả về Sở Nội vụ trước ngày 15 tháng 12."),
    ("ai chủ trì tổ chức thực hiện", "Sở Nội vụ chủ trì, phối hợp với các sở, ngành triển khai kế hoạch."),
    ("tỷ lệ đô thị hóa", "Tỷ lệ đô thị hóa đạt 76% vào năm 2030."),
    ("phòng chống ma túy trong trường học", "Nhà trường tuyên truyền phòng, chống ma túy cho học sinh."),
    ("kinh phí thực hiện", "Kinh phí thực hiện kế hoạch do ngân sách tỉnh bảo đảm."),
    ("cải cách hành chính", "Đẩy mạnh cải cách thủ tục hành chính, giảm thời gian giải quyết hồ sơ."),
    ("phòng cháy chữa cháy", "Kiểm tra an toàn phòng cháy, chữa cháy tại các chợ và trung tâm thương mại."),
    ("hòa giải ở cơ sở", "Ủy ban nhân dân cấp xã hướng dẫn hoạt động hòa giải ở cơ sở."),
]


def _tiny_tokenizer():
    texts = [t for pair in PAIRS for t in pair] * 5 + ["Hoà giải, thuỷ lợi và thủy lợi."] * 5
    pieces = build_pieces(Counts.of(texts), VocabConfig(min_syllable_count=1, min_pair_count=5))
    return pieces, make_tokenizer(pieces)


@pytest.mark.unit
def test_tokenizer_keeps_collocations_and_folded_forms():
    pieces, tokenizer = _tiny_tokenizer()
    tokens = tokenizer.encode("Sở Nội vụ chủ trì!", add_special_tokens=False).tokens
    assert "▁chủ▁trì" in tokens and "!" not in "".join(tokens)
    assert "▁chu▁tri" in tokenizer.encode("so noi vu chu tri", add_special_tokens=False).tokens
    # both tone-mark placements are pieces that share one vector (an alias)
    old, new = tokenizer.token_to_id("▁hoà"), tokenizer.token_to_id("▁hòa")
    assert old is not None and aliases(pieces)[old] == new


@pytest.mark.unit
def test_pairs_are_deterministic_and_strip_the_heading():
    records = [Record("d", "d#Điều 5", "Luật Thử", "Luật 1/2020/QH14 › Điều 5. Thời hạn nộp hồ sơ", text)
               for _, text in PAIRS]
    first = list(make_pairs(records, PairConfig(), seed=1))
    assert first == list(make_pairs(records, PairConfig(), seed=1))
    heading = [(q, p) for kind, q, p, _ in first if kind == "heading"]
    assert heading and all(p.startswith("Luật 1/2020/QH14\n") for _, p in heading)
    assert heading_of("Luật X › Điều 5. Thời hạn nộp hồ sơ") == ("Thời hạn nộp hồ sơ", "Luật X")


@pytest.mark.integration
def test_tiny_model_learns_its_pairs_and_loads_as_sentence_transformer(tmp_path):
    from sentence_transformers import SentenceTransformer

    pieces, tokenizer = _tiny_tokenizer()
    queries, passages = [q for q, _ in PAIRS] * 10, [p for _, p in PAIRS] * 10
    config = TrainConfig(dim=32, epochs=40, batch_size=8, lr=0.05, seed=3)
    weights = train_vectors(tokenizer, pieces, list(zip(queries, passages, [""] * len(queries), strict=True)), config)
    assert weights.shape == (len(pieces), 32) and not weights[0].any()  # <unk> stays zero
    save_model(tmp_path / "tiny", tokenizer, weights, {"pairs": len(PAIRS)})
    model = SentenceTransformer(str(tmp_path / "tiny"), device="cpu")
    q = model.encode([q for q, _ in PAIRS], normalize_embeddings=True)
    p = model.encode([p for _, p in PAIRS], normalize_embeddings=True)
    assert q.shape == (len(PAIRS), 32)
    hits = (np.argmax(q @ p.T, axis=1) == np.arange(len(PAIRS))).mean()
    assert hits >= 0.875  # each question finds its own clause among the eight
    ids = token_ids(tokenizer, ["hoà giải"], aliases(pieces))[0]
    assert tokenizer.id_to_token(int(ids[0])) == "▁hòa▁giải" or tokenizer.id_to_token(int(ids[0])) == "▁hòa"
