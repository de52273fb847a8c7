"""Targets, deadlines and responsibilities extracted from the plan, each anchored to a verbatim quote."""

import pytest

pytestmark = pytest.mark.integration
KH33 = "ke-hoach-33-KH-UBND-can-tho-2024-02-21.txt"


def test_plan_facts(assistant):
    facts = assistant.facts(KH33)
    text = assistant.corpus.text(KH33)
    assert all(f.quote in text for f in facts)
    targets = {f.path: f for f in facts if f.kind == "target"}
    assert (targets["II.3.(8)"].value, targets["II.3.(8)"].unit) == ("76", "%")
    assert targets["II.3.(14)"].value == "24" and targets["II.3.(14)"].unit == "xã"
    assert sum(1 for p in targets if p.startswith("II.3.(")) >= 19
    assert not any("1519" in (f.value or "") for f in facts)  # a document number is not a target
    deadlines = [f for f in facts if f.kind == "deadline"]
    assert any(f.due == "trước ngày 31 tháng 3 năm 2024" and f.path == "IV.2.a" for f in deadlines)
    assert {f.path for f in deadlines} >= {"III.1.a", "III.1.b", "III.1.c"}
    duties = [f for f in facts if f.kind == "responsibility" and f.path.startswith("IV.1.")]
    assert duties and duties[0].agency == "Sở Nội vụ (Ban Thi đua - Khen thưởng)" and duties[0].role == "chủ trì"


def test_news_article_targets_without_verbs(assistant):
    doc = "tin-bai-chi-thi-10-CT-UBND-can-tho-2022-12-13.txt"
    values = {(f.value, f.unit, f.period) for f in assistant.facts(doc) if f.kind == "target"}
    assert ("74", "%", "2023") in values and ("43.000", "tỷ đồng", "2023") in values
