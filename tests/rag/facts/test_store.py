"""The register is stored with each document at ingest and read back, not recomputed, while fresh."""

import pytest

from rag.engine import Assistant
from rag.facts.extract import EXTRACTOR_VERSION
from rag.facts.store import facts_from_json, facts_to_json, load_facts, save_facts
from rag.index.chroma import Store
from rag.ingest.pipeline import ingest
from rag.types import Fact

pytestmark = pytest.mark.integration
KH33 = "ke-hoach-33-KH-UBND-can-tho-2024-02-21.txt"


def test_json_round_trip_keeps_every_field():
    fact = Fact("deadline", "Gửi", None, None, None, "trước ngày 31/3/2024", "Sở Nội vụ", None, "Gửi …", "d", "IV.2.a",
                due_iso="2024-03-31", start=5, end=12, page=2, source="heading")
    assert facts_from_json(facts_to_json([fact])) == [fact]
    assert facts_from_json('[{"kind": "target", "subject": "x", "value": "1", "unit": "%", "period": null, "due": null, '
                           '"agency": null, "role": null, "quote": "x", "doc_id": "d", "path": "1", "future": 1}]')[0].value == "1"


def test_ingest_stores_each_register_and_the_assistant_reads_it(settings, corpus_copy):
    assert ingest([corpus_copy], settings).ok
    store = Store(settings)
    stored = load_facts(store)
    assert set(stored) == set(store.manifest())
    assert all(r.version == EXTRACTOR_VERSION and r.fresh(store.manifest()[d]["sha256"]) for d, r in stored.items())
    assert len(stored[KH33].facts) >= 50 and any(f.value == "76" for f in stored[KH33].facts)
    # the assistant reads what is stored: a record written here is what it answers with
    sentinel = Fact("target", "Chỉ tiêu ghi tay", "1", "%", None, None, None, None, "x", KH33, "1", start=0, end=1)
    save_facts(store, KH33, store.manifest()[KH33]["sha256"], [sentinel])
    assert Assistant(settings, use_model=False).facts(KH33) == [sentinel]


def test_a_stale_register_is_recomputed(settings, corpus_copy):
    assert ingest([corpus_copy], settings).ok
    store = Store(settings)
    sentinel = Fact("target", "cũ", "1", "%", None, None, None, None, "x", KH33, "1", start=0, end=1)
    save_facts(store, KH33, "another-sha256", [sentinel])  # computed for other content
    facts = Assistant(settings, use_model=False).facts(KH33)
    assert sentinel not in facts and any(f.value == "76" for f in facts)


def test_reingest_replaces_only_the_changed_document(settings, corpus_copy):
    assert ingest([corpus_copy], settings).ok
    before = load_facts(Store(settings))
    path = corpus_copy / KH33
    path.write_text(path.read_text(encoding="utf-8").replace("trước ngày 31 tháng 3 năm 2024",
                                                              "trước ngày 15 tháng 4 năm 2024"), encoding="utf-8")
    report = ingest([corpus_copy], settings)
    assert report.updated == [KH33] and len(report.unchanged) == 4
    after = load_facts(Store(settings))
    assert after[KH33].sha256 != before[KH33].sha256
    assert any(f.due_iso == "2024-04-15" for f in after[KH33].facts)
    assert all(after[d] == before[d] for d in before if d != KH33)
