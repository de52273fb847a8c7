"""Claim-level verification (rag/answer/claims.py and its parts claim_parts.py, names.py), pure.

Two corpus-wide checks stand beside the unit tests: every sentence of corpus/ supports itself
(no false refusal of a verbatim claim), and mutations of those sentences (a number, a year, a
date, a negation, an obligation, an agency, a role, a time relation changed; a penalty added)
are caught. Their counts are quoted in the README ("LLM answers").
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator

import pytest

from rag.answer import claim_parts as cp
from rag.answer import names as nm
from rag.answer.claims import Source, check_answer, core_index, main_clause, problems, split_claims
from rag.config import PROJECT_ROOT

pytestmark = pytest.mark.unit

Q76 = Source(1, "(8) Tỷ lệ đô thị hóa đạt 76%.", "Kế hoạch 33/KH-UBND, mục II.3.(8)", path="II.3.(8)",
             doc_number="33/KH-UBND", headings=("3. Chỉ tiêu thi đua",))
TARGET = "Theo Kế hoạch 33/KH-UBND, tỷ lệ đô thị hóa phải đạt bao nhiêu?"


def _kept(answer: str, question: str, *sources: Source) -> list[str | None]:
    return [v.kept for v in check_answer(answer, question, sources).verdicts]


# ------------------------------------------------------------------------------------ splitting
def test_claims_are_sentences_and_list_lines_with_their_marks():
    claims = split_claims("Sở Nội vụ chủ trì [1]. UBND TP. Cần Thơ phối hợp [2, 3].\n- Hạn: 31/3/2024 [1];\n- Xong.")
    assert [c.body for c in claims] == ["Sở Nội vụ chủ trì", "UBND TP. Cần Thơ phối hợp", "- Hạn: 31/3/2024", "- Xong"]
    assert [c.cites for c in claims] == [(1,), (2, 3), (1,), ()]
    assert [c.lead for c in claims] == ["", " ", "\n", "\n"] and claims[2].end == ";"
    assert split_claims("Tỷ lệ đạt 76%. [1]")[0].cites == (1,)  # a mark after the full stop belongs to the sentence


def test_main_clause_drops_attachments():
    assert main_clause("Tỷ lệ đô thị hóa đạt 76%, nếu không đạt sẽ bị xử phạt") == "Tỷ lệ đô thị hóa đạt 76%"
    assert main_clause("Theo Nghị quyết của Quốc hội, tỷ lệ đạt 76%") == "tỷ lệ đạt 76%"
    assert main_clause("Tỷ lệ đô thị hóa đạt 76%") is None


def test_the_core_claim_is_the_one_that_answers():
    claims = split_claims("Kế hoạch do Ủy ban nhân dân thành phố ban hành [1]. Tỷ lệ đô thị hóa đạt 76% [1].")
    assert core_index(claims, TARGET) == 1
    claims = split_claims("Các cơ quan gửi văn bản [1]. Hạn là trước ngày 31/3/2024 [1].")
    assert core_index(claims, "Hạn gửi văn bản là khi nào?") == 1


# ------------------------------------------------------------------------------------ the parts
def test_aliases_tone_placement_and_case_give_one_key():
    assert cp.canonical("Sở KH&CN") == cp.canonical("Sở Khoa học và Công nghệ")
    assert cp.canonical("UBND TP Cần Thơ") == cp.canonical("Ủy ban nhân dân thành phố Cần Thơ")
    assert cp.canonical("Tỷ lệ đô thị hoá") == cp.canonical("tỷ lệ đô thị hóa")
    assert cp.canonical("76 phần trăm") == cp.canonical("76 %")


def test_names_stop_where_the_name_ends():
    def names(text: str) -> list[str]:
        return [e.text for e in nm.entities(text)]

    assert names("Sở Nội vụ chủ trì, phối hợp với Văn phòng UBND thành phố") == [
        "Sở Nội vụ", "Văn phòng UBND thành phố"]
    assert names("Chủ tịch Trần Văn Nam yêu cầu Sở Khoa học và Công nghệ báo cáo") == [
        "Chủ tịch Trần Văn Nam", "Sở Khoa học và Công nghệ"]
    assert names("Tỷ lệ đô thị hóa đạt 76%") == [] and names("Ban hành ngày 21/02/2024") == []
    assert names("Theo Nghị quyết của Quốc hội") == ["Nghị quyết", "Quốc hội"]


def test_role_holders():
    quote = "Sở Nội vụ (Ban Thi đua - Khen thưởng) chủ trì, phối hợp với Văn phòng Ủy ban nhân dân thành phố kiểm tra"
    pairs = dict(nm.role_pairs(quote, nm.entities(quote)))
    assert pairs[("chủ", "trì")] == {("sở", "nội", "vụ"), ("ban", "thi", "đua", "khen", "thưởng")}
    assert pairs[("phối", "hợp")] == {("văn", "phòng", "ủy", "ban", "nhân", "dân", "thành", "phố")}
    heading = (("sở", "nội", "vụ"),)
    assert nm.role_pairs("a) Chủ trì tổng hợp", [], heading) == [(("chủ", "trì"), frozenset(heading))]


def test_dates_and_relations():
    found = cp.values(cp.canonical("Từ tháng 01 năm 2024 đến hết ngày 31/12/2024, đạt 75% trở lên"))
    assert [(v.key, set(v.relations)) for v in found] == [
        (("d", None, 1, 2024), {"từ"}), (("d", 31, 12, 2024), {"đến"}), (("n", "75"), {"trở lên"})]


def test_the_year_a_figure_belongs_to():
    key = cp.canonical("Phấn đấu năm 2021: tăng 13,5% so với năm 2020; đạt 6.600 USD. Đến năm 2025: đạt 11.800 USD")
    years = {v.key[1]: cp.governing_years(key, v.start, v.end) for v in cp.values(key) if not cp.is_year(v)}
    assert years == {"13,5": {"2021"}, "6.600": {"2021"}, "11.800": {"2025"}}


# ----------------------------------------------------------------------- support, beyond corpus/
ENCOURAGED = Source(1, "Khuyến khích các doanh nghiệp tham gia phong trào; nghiêm cấm lợi dụng thi đua để trục lợi.")
ROLES = Source(1, "Giao Sở Y tế chủ trì, phối hợp với Sở Tài chính tổ chức kiểm tra.")
DEADLINE = Source(2, "Báo cáo gửi Sở Nội vụ chậm nhất ngày 15 tháng 6 năm 2024.")
TWO_YEARS = (Source(1, "(8) Tỷ lệ đô thị hóa đạt 76%."), Source(2, "Năm 2021 là năm đầu tiên thực hiện Nghị quyết."))


@pytest.mark.parametrize("answer, sources", [
    ("Các doanh nghiệp bắt buộc tham gia phong trào [1].", (ENCOURAGED,)),  # khuyến khích → bắt buộc
    ("Doanh nghiệp có thể lợi dụng thi đua để trục lợi [1].", (ENCOURAGED,)),  # prohibition turned into leave
    ("Lợi dụng thi đua để trục lợi [1].", (ENCOURAGED,)),  # nghiêm cấm dropped
    ("Không khuyến khích các doanh nghiệp tham gia phong trào [1].", (ENCOURAGED,)),
    ("Sở Tài chính chủ trì, phối hợp với Sở Y tế tổ chức kiểm tra [1].", (ROLES,)),  # swapped roles
    ("Kiểm tra do Sở Tài chính chủ trì [1].", (ROLES,)),
    ("Báo cáo gửi Sở Nội vụ trước ngày 15 tháng 6 năm 2024 [2].", (DEADLINE,)),  # chậm nhất → trước
    ("Báo cáo gửi Sở Nội vụ chậm nhất ngày 16 tháng 6 năm 2024 [2].", (DEADLINE,)),
    ("Báo cáo gửi Sở Nội vụ chậm nhất ngày 15 tháng 6 năm 2025 [2].", (DEADLINE,)),
    ("Báo cáo gửi Sở KH&CN chậm nhất ngày 15 tháng 6 năm 2024 [2].", (DEADLINE,)),
    ("Năm 2021, tỷ lệ đô thị hóa đạt 76% [1][2].", TWO_YEARS),  # year from one quote, figure from another
    ("Tỷ lệ đô thị hóa đất 76% [1].", TWO_YEARS),  # 'đất' is not 'đạt': accents only ignored when absent
])
def test_unsupported_claims_are_removed(answer, sources):
    assert _kept(answer, "", *sources) == [None]


@pytest.mark.parametrize("answer, sources", [
    ("Doanh nghiệp được khuyến khích tham gia phong trào [1].", (ENCOURAGED,)),
    ("Nghiêm cấm lợi dụng thi đua để trục lợi [1].", (ENCOURAGED,)),
    ("Sở Y tế chủ trì kiểm tra, Sở Tài chính phối hợp [1].", (ROLES,)),
    ("Báo cáo gửi Sở Nội vụ chậm nhất ngày 15/6/2024 [2].", (DEADLINE,)),
    ("Tỷ lệ đô thị hóa dat 76% [1].", TWO_YEARS),  # written without accents: matched accent-insensitively
])
def test_supported_claims_are_kept(answer, sources):
    kept = _kept(answer, "", *sources)
    assert kept == [split_claims(answer)[0].body]


def test_a_wrong_mark_is_repointed_only_to_a_passage_whose_quote_holds_the_fact():
    checked = check_answer("Báo cáo gửi Sở Nội vụ chậm nhất ngày 15 tháng 6 năm 2024 [1].", "", [Q76, DEADLINE])
    assert checked.verdicts[0].passages == (2,) and checked.repointed == 1
    checked = check_answer("Báo cáo gửi Sở Tài chính chậm nhất ngày 15 tháng 6 năm 2024 [1].", "", [Q76, DEADLINE])
    assert checked.verdicts[0].kept is None and checked.repointed == 0


def test_question_words_may_be_echoed_but_not_its_negations():
    assert _kept("Tỷ lệ đô thị hóa phải đạt 76% [1].", TARGET, Q76) == ["Tỷ lệ đô thị hóa phải đạt 76%"]
    assert _kept("Tỷ lệ đô thị hóa không phải đạt 76% [1].", "Tỷ lệ đô thị hóa có không phải đạt 76%?", Q76) == [None]
    assert problems("Kế hoạch đặt chỉ tiêu tỷ lệ đô thị hóa 76%", TARGET, [Q76]) == []


# ----------------------------------------------------------------------------- corpus-wide checks
def corpus_sentences() -> Iterator[str]:
    for path in sorted((PROJECT_ROOT / "corpus").glob("*.txt")):
        text = unicodedata.normalize("NFC", path.read_text(encoding="utf-8"))
        for sentence in re.split(r"(?<=[.;])\s+|\n+", text):
            sentence = sentence.strip().strip("#* ").strip()
            if len(sentence) >= 15 and re.search(r"\w{3}", sentence):
                yield sentence


def mutations(sentence: str) -> Iterator[tuple[str, str, str | None]]:
    """(class, mutated sentence, text the kept claim must not contain — None: the claim must go)."""
    number = re.search(r"(?<![\d/.,])(\d+)(?![\d/])", sentence)
    if number and not nm.references(sentence[max(0, number.start() - 20):number.end() + 10]):
        new = str(int(number.group(1)) + 1).zfill(len(number.group(1)))
        yield "number", sentence[:number.start()] + new + sentence[number.end():], new
    year = re.search(r"\b(20[0-4]\d)\b", sentence)
    key = cp.canonical(sentence)
    if year and any(v.key[0] == "n" and not cp.is_year(v) for v in cp.values(key)):
        new = str(int(year.group(1)) + 3)
        yield "year", sentence[:year.start()] + new + sentence[year.end():], new
    for verb in ("đạt", "thực hiện", "tổ chức", "triển khai", "phát động"):
        if re.search(rf"\b{verb}\b", sentence) and not re.search(rf"không {verb}", sentence):
            yield "negation added", re.sub(rf"\b{verb}\b", f"không {verb}", sentence, count=1), f"không {verb}"
            yield "obligation added", re.sub(rf"\b{verb}\b", f"bắt buộc {verb}", sentence, count=1), f"bắt buộc {verb}"
            break
    if re.search(r"\b[Kk]hông (?!gian|khí)", sentence):
        yield "negation dropped", re.sub(r"\b[Kk]hông (?!gian|khí)", "", sentence, count=1), None
    for name in nm.entities(sentence):
        if name.words[0] in ("sở", "ban", "ủy", "văn", "phòng", "hội", "bộ", "công", "trung", "đài", "báo"):
            other = next(a for a in ("Sở Tài chính", "Sở Xây dựng", "Sở Y tế") if cp.canonical(a) not in key)
            yield "agency swapped", sentence[:name.start] + other + sentence[name.end:], other
            break
    for old, new in (("trước", "sau"), ("Trước", "Sau"), ("từ", "đến"), ("Từ", "Đến")):
        if re.search(rf"\b{old} (?:ngày|tháng|năm)", sentence):
            yield "relation changed", re.sub(rf"\b{old} (ngày|tháng|năm)", rf"{new} \1", sentence, count=1), None
            break
    for old, new in (("chủ trì", "phối hợp"), ("Chủ trì", "Phối hợp"), ("phối hợp", "chủ trì")):
        if old in sentence:
            yield "role swapped", sentence.replace(old, new, 1), None
            break
    day = re.search(r"ngày (\d{1,2}) tháng", sentence)
    if day:
        moved = str(int(day.group(1)) + 1 if int(day.group(1)) < 28 else int(day.group(1)) - 1)
        yield "date moved", sentence[:day.start(1)] + moved + sentence[day.end(1):], f"ngày {moved} tháng"
    yield "penalty added", sentence.rstrip(".;") + ", nếu không thực hiện sẽ bị xử lý kỷ luật", "xử lý kỷ luật"


def test_every_corpus_sentence_supports_itself():
    refused = [s for s in corpus_sentences()
               if any(v.kept != v.claim.body for v in check_answer(s + " [1].", "", [Source(1, s)]).verdicts)]
    assert not refused and sum(1 for _ in corpus_sentences()) > 300


def test_mutated_corpus_sentences_are_caught():
    caught: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for sentence in corpus_sentences():
        for kind, mutated, mark in mutations(sentence):
            if mutated == sentence:
                continue
            total[kind] += 1
            verdicts = check_answer(mutated + " [1].", "", [Source(1, sentence)]).verdicts
            if not any(v.kept is not None and (v.kept == v.claim.body or bool(mark and mark in v.kept))
                       for v in verdicts):
                caught[kind] += 1
    assert sum(total.values()) > 800
    # Known misses (2): a figure changed into another number of the same sentence that counts nothing
    # ('3ABCD': 'ABCD' is a name), a year changed into another year of the same sentence ('năm 2020' →
    # 'năm 2021' beside 'năm 2021') with no figure tied to it.
    assert all(caught[k] == total[k] for k in total if k != "number"), (caught, total)
    assert caught["number"] >= total["number"] - 2, (caught, total)
