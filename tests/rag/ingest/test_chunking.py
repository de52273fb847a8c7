import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.ingest.chunking import CLOSING_PATH, HEADER_PATH, build_chunks, split_sentences
from rag.ingest.header import parse_meta_and_layout
from rag.ingest.normalize import normalize_text
from rag.ingest.structure import iter_clauses, parse_clauses
from tests.conftest import SEEDS

pytestmark = pytest.mark.unit


def _chunks(text: str, max_chars: int = 1200):
    meta, layout = parse_meta_and_layout(text)
    return build_chunks("doc", "sha", text, meta, layout, (), max_chars), meta, layout


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_every_chunk_reproduces_its_span(key):
    text = normalize_text(SEEDS[key].read_text(encoding="utf-8"))
    chunks, _, _ = _chunks(text)
    assert chunks
    for c in chunks:
        assert text[c.start:c.end] == c.text and c.text.strip() == c.text
    assert len({c.chunk_id for c in chunks}) == len(chunks)


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_no_chunk_straddles_two_sections(key):
    text = normalize_text(SEEDS[key].read_text(encoding="utf-8"))
    chunks, _, layout = _chunks(text, max_chars=400)
    clauses = iter_clauses(parse_clauses(text, layout.body_start, layout.body_end))
    tops = [c for c in clauses if c.path.count(".") == 0 and not c.path.startswith("Điều")]
    for chunk in chunks:
        assert chunk.end - chunk.start <= 400 * 1.5
        inside = [t for t in tops if t.start <= chunk.start < t.end]
        for top in inside:
            assert chunk.end <= top.end, (chunk.path, top.path)


def test_plan_chunks_carry_paths_breadcrumbs_header_and_signature():
    text = normalize_text(SEEDS["kh33"].read_text(encoding="utf-8"))
    chunks, _, _ = _chunks(text)
    by_path = {c.path: c for c in chunks}
    target = by_path["II.3.(8)"]
    assert target.text == "- (8) Tỷ lệ đô thị hóa đạt 76%."
    assert target.breadcrumb == "Kế hoạch 33/KH-UBND › II. ĐỐI TƯỢNG, NỘI DUNG, CHỈ TIÊU THI ĐUA › 3. Chỉ tiêu thi đua"
    assert "Số: 33 /KH-UBND" in by_path[HEADER_PATH].text
    assert "Trần Việt Trường" in by_path[CLOSING_PATH].text
    assert by_path["IV.1"].text.startswith("#### **1. Sở Nội vụ")
    assert [a[0] for a in by_path["IV.2.a"].ancestors] == ["IV", "IV.2"]


def test_unstructured_news_is_chunked_by_paragraph():
    text = normalize_text(SEEDS["news10"].read_text(encoding="utf-8"))
    chunks, meta, _ = _chunks(text)
    assert meta.kind == "news"
    assert [c.path for c in chunks if c.section == "body"][:3] == ["đoạn 1", "đoạn 2", "đoạn 3"]


sentence = st.text(alphabet=st.sampled_from(list("abcđêơ xyz0123")), min_size=1, max_size=90).map(lambda s: s.strip() + ".")


@settings(max_examples=150, deadline=None)
@given(st.lists(sentence, min_size=1, max_size=40), st.integers(min_value=30, max_value=400))
def test_sentence_split_covers_text_within_limit(sentences, limit):
    text = " ".join(sentences)
    spans = split_sentences(text, 0, len(text), limit)
    assert "".join(text[s:e] for s, e in spans).replace(" ", "") == text.replace(" ", "")
    for (_, e1), (s2, _) in zip(spans, spans[1:], strict=False):
        assert e1 <= s2
    assert all(e - s <= limit * 1.5 for s, e in spans)


clause_line = st.one_of(
    st.sampled_from(["I. MỤC TIÊU", "II. TỔ CHỨC", "1. Sở Nội vụ", "2. Các sở", "2.1. Nội dung", "a) Chủ trì;",
                     "b) Phối hợp;", "- (1) Tỷ lệ đạt 76%.", "(2) Đạt 17 bác sĩ.", "- Tổ chức tốt.", "Thứ nhất, quán triệt.",
                     "Điều 5. Quyền", "Chương II", "### **III. KHEN THƯỞNG**"]),
    st.text(alphabet=st.sampled_from(list("abcdeđơư ,;.0123")), min_size=1, max_size=300),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(clause_line, min_size=1, max_size=60), st.booleans())
def test_random_documents_chunk_spans_are_exact(lines, blank):
    text = normalize_text(("\n\n" if blank else "\n").join(lines))
    chunks, _, _ = _chunks(text, max_chars=200)
    for c in chunks:
        assert text[c.start:c.end] == c.text


def test_chunk_ids_belong_to_their_document():
    text = normalize_text(SEEDS["ct02"].read_text(encoding="utf-8"))
    meta, layout = parse_meta_and_layout(text)
    first = build_chunks("a/ct02.txt", "sha", text, meta, layout)
    again = build_chunks("a/ct02.txt", "sha", text, meta, layout)
    copy = build_chunks("b/ban-sao.txt", "sha", text, meta, layout)
    assert [c.chunk_id for c in first] == [c.chunk_id for c in again]  # deterministic
    assert [c.text for c in copy] == [c.text for c in first]
    assert not {c.chunk_id for c in copy} & {c.chunk_id for c in first}  # identical copies never collide
