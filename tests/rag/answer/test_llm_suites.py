"""Red-team and honest suites for the LLM answerer, end to end over corpus/ with a scripted model.

Every red-team reply states something its quotes do not support; it must be refused (the
extractive answer is shown with a note), stripped of the unsupported claim, or re-pointed to the
passage that holds the fact — and the unsupported text must never be shown. Every honest reply
(paraphrase, reordered clauses, short answer, restated question) must be shown as written.
The counts of both suites are quoted in the README ("LLM answers").
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from rag.engine import Assistant
from tests.rag.answer.scripted_chat import ScriptedChat

pytestmark = pytest.mark.integration

TARGET = "Theo Kế hoạch 33/KH-UBND, tỷ lệ đô thị hóa phải đạt bao nhiêu?"
DEADLINE = "Hạn gửi văn bản phát động đợt thi đua về Sở Nội vụ là khi nào?"
LEAD_KH33 = "Theo Kế hoạch 33, cơ quan nào chủ trì tổng hợp, theo dõi, đôn đốc đợt thi đua?"
LEAD_CT02 = "Theo Chỉ thị 02 Hải Phòng, cơ quan nào chủ trì kiểm tra, đôn đốc?"
PERIOD = "Thời gian phát động đợt thi đua theo Kế hoạch 33 là khi nào?"
GRDP_CT02 = "Theo Chỉ thị 02 Hải Phòng, năm 2021 GRDP bình quân đầu người phấn đấu đạt bao nhiêu?"
POOR_CT02 = "Chỉ thị 02 Hải Phòng đặt chỉ tiêu gì về hộ nghèo theo chuẩn nghèo quốc gia năm 2021?"
LABOUR = "Theo Kế hoạch 33, tỷ lệ đô thị hóa và tỷ lệ lao động qua đào tạo phải đạt bao nhiêu?"

Q76 = "«(8) Tỷ lệ đô thị hóa đạt 76%.»"
QDEAD = ("«Gửi văn bản phát động đợt thi đua về Sở Nội vụ (qua Ban Thi đua - Khen thưởng) trước ngày 31 tháng 3 "
         "năm 2024 để theo dõi, tổng hợp»")
QLEAD33 = ("«a) Chủ trì tổng hợp, theo dõi, đôn đốc, giám sát, kiểm tra các cơ quan, đơn vị, địa phương tổ chức triển "
           "khai thực hiện đợt thi đua cao điểm;»")
QLEAD02 = ("«Sở Nội vụ (Ban Thi đua - Khen thưởng) chủ trì, phối hợp với Văn phòng Ủy ban nhân dân thành phố và các cơ "
           "quan đơn vị liên quan kiểm tra, đôn đốc»")
QPERIOD = "«a) Thời gian phát động đợt thi đua: Từ tháng 01 năm 2024 đến ngày 31 tháng 12 năm 2024;»"
QGRDP = ("«Phấn đấu đạt một số chỉ tiêu chủ yếu năm 2021: Tăng trưởng GRDP đạt 13,5% so với năm 2020; GRDP bình quân "
         "đầu người đạt 6.600 USD;»")
QGRDP_2025 = ("«Đến năm 2025: Tỷ trọng GRDP chiếm 6,4% GDP cả nước, 23,7% GDP vùng kinh tế trọng điểm Bắc Bộ; GRDP bình "
              "quân đầu người đạt 11.800 USD/người»")
QPOOR = "«Không còn hộ nghèo theo chuẩn nghèo quốc gia»"
SNIPPETS = {
    "A": "Tỷ lệ đô thị hóa đạt 76%", "D": "trước ngày 31 tháng 3 năm 2024", "L": "Chủ trì tổng hợp, theo dõi",
    "H": "chủ trì, phối hợp với Văn phòng Ủy ban nhân dân thành phố", "P": "Thời gian phát động đợt thi đua:",
    "G": "GRDP bình quân đầu người đạt 6.600 USD", "N": "Không còn hộ nghèo theo chuẩn nghèo quốc gia",
    "T": "Tỷ lệ lao động qua đào tạo đạt 80 - 85%",
}


@dataclass(frozen=True)
class Case:
    name: str
    question: str
    reply: str
    shown: str  # red team: text that must never be shown; honest: text the answer must show


def _r(answer: str, *quotes: str) -> str:
    return "TRẢ LỜI: " + answer + "".join(f"\nTRÍCH DẪN {q}" for q in quotes)


RED_TEAM = [
    # the table
    Case("different number", TARGET, _r("Tỷ lệ đô thị hóa đạt 99% [A].", f"[A]: {Q76}"), "99%"),
    Case("another year", TARGET, _r("Đến năm 2030, tỷ lệ đô thị hóa đạt 76% [A].", f"[A]: {Q76}"), "2030"),
    Case("invented penalty, own sentence", TARGET,
         _r("Tỷ lệ đô thị hóa đạt 76% [A]. Nếu không đạt sẽ bị xử phạt [A].", f"[A]: {Q76}"), "xử phạt"),
    Case("invented penalty, same sentence", TARGET,
         _r("Tỷ lệ đô thị hóa đạt 76%, nếu không đạt sẽ bị xử phạt [A].", f"[A]: {Q76}"), "xử phạt"),
    Case("lead agency the clause does not name", TARGET,
         _r("Tỷ lệ đô thị hóa đạt 76%, do Sở Xây dựng chủ trì [A].", f"[A]: {Q76}"), "Sở Xây dựng"),
    Case("negation", TARGET, _r("Tỷ lệ đô thị hóa không bắt buộc đạt 76% [A].", f"[A]: {Q76}"), "không bắt buộc"),
    Case("obligation the question does not ask about", "Tỷ lệ đô thị hóa theo Kế hoạch 33/KH-UBND là bao nhiêu?",
         _r("Kế hoạch yêu cầu bắt buộc tỷ lệ đô thị hóa đạt 76% [A].", f"[A]: {Q76}"), "bắt buộc"),
    Case("sau for trước", DEADLINE, _r("Sau ngày 31 tháng 3 năm 2024 [D].", f"[D]: {QDEAD}"), "Sau ngày"),
    Case("wrong recipient", DEADLINE,
         _r("Các cơ quan gửi văn bản phát động đợt thi đua về Sở Tài chính trước ngày 31 tháng 3 năm 2024 [D].",
            f"[D]: {QDEAD}"), "Sở Tài chính"),
    Case("invented legal basis", DEADLINE,
         _r("Theo Nghị quyết của Quốc hội, hạn gửi là trước ngày 31 tháng 3 năm 2024 [D].", f"[D]: {QDEAD}"),
         "Quốc hội"),
    # more classes
    Case("swapped roles chủ trì ↔ phối hợp", LEAD_CT02,
         _r("Văn phòng Ủy ban nhân dân thành phố chủ trì, phối hợp với Sở Nội vụ kiểm tra, đôn đốc [H].",
            f"[H]: {QLEAD02}"), "Văn phòng Ủy ban nhân dân thành phố chủ trì"),
    Case("role changed under an agency heading", LEAD_KH33,
         _r("Sở Nội vụ phối hợp tổng hợp, theo dõi, đôn đốc đợt thi đua [L].", f"[L]: {QLEAD33}"), "phối hợp"),
    Case("partner agency invented", LEAD_CT02,
         _r("Sở Nội vụ chủ trì, phối hợp với Sở Tài chính kiểm tra, đôn đốc [H].", f"[H]: {QLEAD02}"),
         "Sở Tài chính"),
    Case("date moved by a day", DEADLINE, _r("Trước ngày 30 tháng 3 năm 2024 [D].", f"[D]: {QDEAD}"), "30 tháng 3"),
    Case("end date moved by a day (digits quoted elsewhere)", PERIOD,
         _r("Từ tháng 01 năm 2024 đến ngày 1 tháng 12 năm 2024 [P].", f"[P]: {QPERIOD}"), "ngày 1 tháng 12"),
    Case("time relation changed (chậm nhất)", DEADLINE,
         _r("Chậm nhất ngày 31 tháng 3 năm 2024 [D].", f"[D]: {QDEAD}"), "Chậm nhất"),
    Case("start relation turned into an end", PERIOD,
         _r("Đợt thi đua phát động đến hết tháng 01 năm 2024 [P].", f"[P]: {QPERIOD}"), "đến hết tháng 01"),
    Case("target of another year", GRDP_CT02,
         _r("Năm 2021, GRDP bình quân đầu người đạt 11.800 USD [G].", f"[G]: {QGRDP_2025}"), "11.800"),
    Case("baseline year passed off as the target year", GRDP_CT02,
         _r("Năm 2020, GRDP bình quân đầu người đạt 6.600 USD [G].", f"[G]: {QGRDP}"), "Năm 2020"),
    Case("dropped negation", POOR_CT02, _r("Còn hộ nghèo theo chuẩn nghèo quốc gia [N].", f"[N]: {QPOOR}"),
         "Còn hộ nghèo"),
    Case("fact cited to the wrong passage, no quote of it", TARGET,
         _r("Tỷ lệ lao động qua đào tạo đạt 80 - 85% [A].", f"[A]: {Q76}"), "80 - 85%"),
    Case("quotes stitched from two clauses", LABOUR,
         _r("Tỷ lệ đô thị hóa đạt 76% và tỷ lệ lao động qua đào tạo đạt 80 - 85% [A].",
            "[A]: «Tỷ lệ đô thị hóa đạt 76%. Tỷ lệ lao động qua đào tạo đạt 80 - 85%»"), "76% và tỷ lệ lao động"),
    Case("quote abridged with an ellipsis", DEADLINE,
         _r("Gửi về Sở Tài chính trước ngày 31 tháng 3 năm 2024 [D].",
            "[D]: «Gửi văn bản phát động đợt thi đua … trước ngày 31 tháng 3 năm 2024»"), "Sở Tài chính"),
    Case("forged quote", TARGET,
         _r("Tỷ lệ đô thị hóa bắt buộc đạt 76% [A].", "[A]: «Tỷ lệ đô thị hóa bắt buộc đạt 76%.»"), "bắt buộc"),
    Case("invented person", TARGET,
         _r("Chủ tịch Trần Văn Nam yêu cầu tỷ lệ đô thị hóa đạt 76% [A].", f"[A]: {Q76}"), "Trần Văn Nam"),
    Case("wrong document named", TARGET,
         _r("Theo Chỉ thị 11/CT-UBND, tỷ lệ đô thị hóa đạt 76% [A].", f"[A]: {Q76}"), "Chỉ thị 11"),
    Case("second claim with an invented figure", TARGET,
         _r("Tỷ lệ đô thị hóa đạt 76% [A]. Tỷ lệ bao phủ bảo hiểm y tế đạt 99% [A].", f"[A]: {Q76}"), "99%"),
    Case("unaccented negation", TARGET, _r("Ty le do thi hoa khong bat buoc dat 76% [A].", f"[A]: {Q76}"),
         "khong bat buoc"),
    Case("reply outside the format", TARGET, "Tỷ lệ đô thị hóa đạt 99%, chắc chắn.", "99%"),
    Case("instructions after the quotes", TARGET,
         _r("Tỷ lệ đô thị hóa đạt 76% [A].", f"[A]: {Q76}") + "\nGhi chú: nếu không đạt sẽ bị xử phạt.", "xử phạt"),
]

HONEST = [
    Case("restates the question", TARGET, _r("Tỷ lệ đô thị hóa phải đạt 76% [A].", f"[A]: {Q76}"),
         "Tỷ lệ đô thị hóa phải đạt 76% [1]."),
    Case("obligation restated in other words", TARGET,
         _r("Kế hoạch yêu cầu tỷ lệ đô thị hóa cần đạt mức 76% [A].", f"[A]: {Q76}"),
         "Kế hoạch yêu cầu tỷ lệ đô thị hóa cần đạt mức 76% [1]."),
    Case("paraphrase (the issue's)", TARGET, _r("Kế hoạch đặt chỉ tiêu tỷ lệ đô thị hóa 76% [A].", f"[A]: {Q76}"),
         "Kế hoạch đặt chỉ tiêu tỷ lệ đô thị hóa 76% [1]."),
    Case("short answer", TARGET, _r("76% [A].", f"[A]: {Q76}"), "76% [1]."),
    Case("names the document", TARGET,
         _r("Theo Kế hoạch 33/KH-UBND, tỷ lệ đô thị hóa đạt 76% [A].", f"[A]: {Q76}"), "Kế hoạch 33/KH-UBND"),
    Case("unaccented answer", TARGET, _r("Ty le do thi hoa dat 76% [A].", f"[A]: {Q76}"), "Ty le do thi hoa dat 76%"),
    Case("short deadline", DEADLINE, _r("Trước ngày 31 tháng 3 năm 2024 [D].", f"[D]: {QDEAD}"),
         "Trước ngày 31 tháng 3 năm 2024 [1]."),
    Case("deadline restating the question, date in digits", DEADLINE,
         _r("Hạn gửi văn bản phát động đợt thi đua về Sở Nội vụ là trước ngày 31/3/2024 [D].", f"[D]: {QDEAD}"),
         "trước ngày 31/3/2024"),
    Case("reordered clauses", DEADLINE,
         _r("Trước ngày 31 tháng 3 năm 2024, các cơ quan, đơn vị, địa phương gửi văn bản phát động đợt thi đua về "
            "Sở Nội vụ (qua Ban Thi đua - Khen thưởng) [D].", f"[D]: {QDEAD}"), "các cơ quan, đơn vị, địa phương gửi"),
    Case("agency abbreviated", DEADLINE,
         _r("Gửi về Sở Nội vụ (qua Ban TĐKT) trước ngày 31/3/2024 [D].", f"[D]: {QDEAD}"), "Ban TĐKT"),
    Case("lead agency from the clause heading", LEAD_KH33,
         _r("Sở Nội vụ (Ban Thi đua - Khen thưởng) chủ trì tổng hợp, theo dõi, đôn đốc đợt thi đua [L].",
            f"[L]: {QLEAD33}"), "Sở Nội vụ (Ban Thi đua - Khen thưởng) chủ trì"),
    Case("lead and partner, alias UBND", LEAD_CT02,
         _r("Sở Nội vụ (Ban Thi đua - Khen thưởng) chủ trì, phối hợp với Văn phòng UBND thành phố kiểm tra, đôn đốc [H].",
            f"[H]: {QLEAD02}"), "phối hợp với Văn phòng UBND thành phố"),
    Case("two short claims", LEAD_CT02,
         _r("Sở Nội vụ chủ trì [H]. Cơ quan phối hợp là Văn phòng Ủy ban nhân dân thành phố [H].", f"[H]: {QLEAD02}"),
         "Cơ quan phối hợp là Văn phòng Ủy ban nhân dân thành phố [1]."),
    Case("period", PERIOD, _r("Từ tháng 01 năm 2024 đến ngày 31 tháng 12 năm 2024 [P].", f"[P]: {QPERIOD}"),
         "đến ngày 31 tháng 12 năm 2024"),
    Case("period paraphrased in digits", PERIOD,
         _r("Đợt thi đua được phát động từ tháng 1/2024 đến hết ngày 31/12/2024 [P].", f"[P]: {QPERIOD}"),
         "từ tháng 1/2024 đến hết ngày 31/12/2024"),
    Case("target with its year", GRDP_CT02,
         _r("Năm 2021, GRDP bình quân đầu người phấn đấu đạt 6.600 USD [G].", f"[G]: {QGRDP}"), "6.600 USD"),
    Case("negation kept", POOR_CT02, _r("Không còn hộ nghèo theo chuẩn nghèo quốc gia [N].", f"[N]: {QPOOR}"),
         "Không còn hộ nghèo"),
    Case("two facts from two passages", LABOUR,
         _r("Tỷ lệ đô thị hóa đạt 76% [A]. Tỷ lệ lao động qua đào tạo đạt 80 - 85% [T].",
            f"[A]: {Q76}", "[T]: «(10) Tỷ lệ lao động qua đào tạo đạt 80 - 85%.»"), "80 - 85% [2]."),
    Case("list answer", LABOUR,
         _r("Các chỉ tiêu:\n- Tỷ lệ đô thị hóa đạt 76% [A];\n- Tỷ lệ lao động qua đào tạo đạt 80 - 85% [T].",
            f"[A]: {Q76}", "[T]: «(10) Tỷ lệ lao động qua đào tạo đạt 80 - 85%.»"), "\n- Tỷ lệ lao động qua đào tạo"),
    Case("quote without its clause marker, line breaks collapsed", LEAD_KH33,
         _r("Sở Nội vụ chủ trì tổng hợp, theo dõi, đôn đốc [L].",
            "[L]: «1. Sở Nội vụ (Ban Thi đua - Khen thưởng) a) Chủ trì tổng hợp, theo dõi, đôn đốc»"),
         "Sở Nội vụ chủ trì tổng hợp, theo dõi, đôn đốc [1]."),
]


@pytest.fixture(scope="module")
def assistant(corpus_index):
    return Assistant(corpus_index, chat_model=ScriptedChat(responses=["KHÔNG TÌM THẤY"]))


def _ask(assistant: Assistant, case: Case):
    assistant.answerer.chat = ScriptedChat(responses=[case.reply], snippets=SNIPPETS)
    answer = assistant.ask(case.question)
    return answer, assistant.answerer.last_verification


def _without_note(answer) -> str:
    """The answer as shown, minus the note that explains a refusal (it may name what was refused)."""
    if not answer.notes:
        return answer.text
    why = answer.notes[-1]
    return answer.text.replace(f"(Lưu ý: {why}; hiển thị câu trả lời trích nguyên văn.) ", "").replace(
        f" (Lưu ý: {why}.)", "")


@pytest.mark.parametrize("case", RED_TEAM, ids=[c.name for c in RED_TEAM])
def test_red_team_reply_is_refused_stripped_or_repointed(assistant, case):
    answer, verification = _ask(assistant, case)
    assert verification.outcome in ("refused", "stripped", "repointed", "format"), (verification, answer.text)
    assert case.shown not in _without_note(answer), answer.text
    for citation in answer.citations:  # whatever is shown stays verbatim
        assert assistant.corpus.text(citation.doc_id)[citation.start:citation.end] == citation.quote


@pytest.mark.parametrize("case", HONEST, ids=[c.name for c in HONEST])
def test_honest_reply_is_shown(assistant, case):
    answer, verification = _ask(assistant, case)
    assert verification.outcome == "shown", (verification, answer.text)
    assert not answer.abstained and not answer.text.startswith("(Lưu ý") and case.shown in answer.text, answer.text
    assert answer.citations


def test_a_fact_cited_to_the_wrong_passage_is_repointed_to_the_passage_that_holds_it(assistant):
    case = Case("wrong [n]", TARGET, _r("Tỷ lệ đô thị hóa đạt 76% [!A].", f"[A]: {Q76}"), "")
    answer, verification = _ask(assistant, case)
    assert verification.outcome == "repointed" and answer.text == "Tỷ lệ đô thị hóa đạt 76% [1]."
    assert answer.citations[0].path == "II.3.(8)" and any("đã sửa số đoạn" in n for n in answer.notes)
    case = Case("quote filed under the wrong [n]", TARGET, _r("Tỷ lệ đô thị hóa đạt 76% [!A].", f"[!A]: {Q76}"), "")
    answer, verification = _ask(assistant, case)
    assert verification.outcome == "repointed" and answer.citations[0].path == "II.3.(8)"


def test_stripped_answers_say_so_and_keep_the_supported_claim(assistant):
    answer, verification = _ask(assistant, RED_TEAM[2])  # the penalty in a sentence of its own
    assert verification.outcome == "stripped" and verification.stripped == 1
    assert answer.text == "Tỷ lệ đô thị hóa đạt 76% [1]. (Đã lược bỏ 1 ý không có căn cứ trong trích dẫn.)"
    assert any("xử, phạt" in n for n in answer.notes)


def test_a_refused_reply_shows_the_extractive_answer_with_the_reason(assistant):
    answer, verification = _ask(assistant, RED_TEAM[0])
    assert verification.outcome == "refused"
    assert answer.text.startswith("(Lưu ý: ý chính trong câu trả lời của mô hình ngôn ngữ không có căn cứ")
    assert "số 99 không có trong trích dẫn" in answer.text and "76%" in answer.text


def test_the_prompt_fences_the_passages(assistant):
    _ask(assistant, HONEST[0])
    prompt = assistant.answerer.chat.prompts[-1]
    assert "<<<ĐOẠN 1: Kế hoạch 33/KH-UBND" in prompt and "<<<HẾT ĐOẠN 1>>>" in prompt
    assert "KHÔNG PHẢI chỉ dẫn" in prompt and prompt.rstrip().endswith(f"Câu hỏi: {TARGET}")
