"""The gold-register scorer: what matches, one to one, inside the scope; and KH 33 scored for real."""

import json

import pytest

from eval.facts.score import GoldError, score_document, summarize
from rag.config import PROJECT_ROOT
from rag.types import Fact

TEXT = ("1. Sở Nội vụ chủ trì, phối hợp với Sở Y tế tổng hợp, gửi trước ngày 31 tháng 3 năm 2024.\n"
        "2. Tỷ lệ đô thị hóa đạt 76%.\n3. Ngoài phạm vi: Sở Tài chính chủ trì.\n")


def _fact(kind, anchor, **kw):
    start = TEXT.index(anchor)
    base = {"subject": "", "value": None, "unit": None, "period": None, "due": None, "agency": None, "role": None}
    base.update(kw)
    return Fact(kind, base["subject"], base["value"], base["unit"], base["period"], base["due"], base["agency"],
                base["role"], anchor, "d", "1", start=start, end=start + len(anchor))


GOLD = {"doc": "d", "split": "tune", "scope": [["1. Sở Nội vụ", "3. Ngoài phạm vi"]],
        "targets": [{"value": "76", "unit": "%", "period": None, "anchor": "đạt 76%"}],
        "deadlines": [{"due": "31 tháng 3 năm 2024", "agency": "Sở Nội vụ", "anchor": "trước ngày 31 tháng 3"}],
        "responsibilities": [{"agency": "Sở Nội vụ", "role": "chủ trì", "anchor": "Sở Nội vụ chủ trì"},
                             {"agency": "Sở Y tế", "role": "phối hợp", "anchor": "phối hợp với Sở Y tế"}]}


@pytest.mark.unit
def test_matching_rules_scope_and_precision():
    facts = [
        _fact("target", "Tỷ lệ đô thị hóa đạt 76%.", value="76", unit="%"),
        _fact("deadline", "gửi trước ngày 31 tháng 3 năm 2024", due="trước ngày 31 tháng 3 năm 2024", agency="Sở Y tế"),
        _fact("responsibility", "Sở Nội vụ chủ trì, phối hợp với Sở Y tế tổng hợp", agency="Sở Nội vụ", role="chủ trì"),
        _fact("responsibility", "Sở Nội vụ chủ trì, phối hợp với Sở Y tế tổng hợp", agency="Sở Y tế", role="chủ trì"),
        _fact("responsibility", "Sở Tài chính chủ trì", agency="Sở Tài chính", role="chủ trì"),  # outside the scope
    ]
    row = score_document(GOLD, TEXT, facts)
    assert row["target"] == {"gold": 1, "found": 1, "matched": 1, "gold_with_period": 0, "matched_with_period": 0}
    assert row["deadline"]["matched"] == 1 and row["deadline"]["matched_with_agency"] == 0  # wrong agency
    assert row["responsibility"] == {"gold": 2, "found": 2, "matched": 1}  # Sở Y tế's role is wrong
    summary = summarize([row])
    assert summary["recall_responsibilities"] == 0.5 and summary["precision"] == 0.75


@pytest.mark.unit
def test_an_anchor_found_twice_needs_nth():
    gold = dict(GOLD, scope=None, targets=[], deadlines=[],
                responsibilities=[{"agency": "Sở Nội vụ", "role": "chủ trì", "anchor": "chủ trì"}])
    with pytest.raises(GoldError):
        score_document(gold, TEXT, [])
    gold["responsibilities"][0]["nth"] = 2
    assert score_document(gold, TEXT, [])["responsibility"]["gold"] == 1


@pytest.mark.integration
def test_the_seed_plan_scores_on_its_gold_register():
    from rag.config import load_settings
    from rag.facts.extract import extract_facts
    from rag.ingest.loaders import load_document
    from rag.ingest.pipeline import parse_document

    gold = json.loads((PROJECT_ROOT / "eval" / "facts" / "gold" / "kh-33-UBND-can-tho.json").read_text(encoding="utf-8"))
    path = PROJECT_ROOT / gold["doc"]
    settings = load_settings(embedding_model="none", _env_file=None)
    doc = load_document(path, settings, path.parent)
    meta, chunks = parse_document(doc, settings)
    summary = summarize([score_document(gold, doc.text, extract_facts(doc.doc_id, doc.text, chunks, meta=meta))])
    assert summary["recall_targets"] >= 0.9 and summary["recall_deadlines"] >= 0.9
    assert summary["recall_responsibilities"] >= 0.85 and summary["precision"] >= 0.8
