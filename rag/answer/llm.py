"""Optional LLM answerer (LangChain chat model, any OpenAI-compatible endpoint: Ollama, vLLM,
llama.cpp server, OpenAI).

The model answers from fenced passages (prompts/answer_vi.v2.txt) in a fixed format, parsed
strictly. Every quote must be one contiguous verbatim span of a passage (of the one it names, or
of one other: the citation is then re-pointed); every claim of the answer must be supported by
the quotes it cites (rag/answer/claims.py). Unsupported claims are removed; when the core claim
goes, or the reply cannot be used, the extractive answer is shown with a visible note saying why.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from rag.answer import claim_parts, names
from rag.answer.claims import Checked, Source, check_answer
from rag.answer.extractive import NOT_FOUND, ExtractiveAnswerer, clause_ref
from rag.answer.prompts import render
from rag.answer.verify import verify
from rag.config import Settings
from rag.search.query import QueryInfo
from rag.types import Answer, Chunk, Citation, Passage, page_at

PROMPT = "answer_vi.v2"
_NEUTRAL = str.maketrans({"<": "‹", ">": "›", "«": "“", "»": "”"})  # fence and reply-format look-alikes
_SAME_CHAR = {"<": "<‹", ">": ">›", "‹": "<‹", "›": ">›", "“": "“«\"", "”": "”»\"", '"': "\"“”«»",
              "'": "'‘’", "‘": "'‘", "’": "'’", "-": "-–—", "–": "-–", "—": "-—"}
_REPLY = re.compile(r"TRẢ LỜI:[ \t]*(?P<answer>.+?)\n(?P<quotes>[ \t]*TRÍCH DẪN \[\d+\]:.*)", re.S)
_QUOTE = re.compile(r"[ \t]*TRÍCH DẪN \[(\d+)\]:[ \t]*«([^«»]+)»[ \t]*(?:\n+|$)")
_MARKS = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")


def make_chat_model(settings: Settings) -> Any:
    """A LangChain chat model for the configured endpoint."""
    from langchain_openai import ChatOpenAI
    from pydantic import SecretStr

    key = settings.llm_api_key or SecretStr("not-needed")  # local servers (Ollama, llama.cpp) ignore the key
    return ChatOpenAI(base_url=settings.llm_base_url, model=settings.llm_model or "default", api_key=key,
                      timeout=settings.llm_timeout_s, temperature=0, max_retries=1)


# ------------------------------------------------------------------------------ prompt and reply
def neutralize(text: str) -> str:
    """Text from a document, made unable to close a fence or fake the reply format ('<', '«' → look-alikes)."""
    return text.translate(_NEUTRAL)


def format_passages(passages: Sequence[Passage], labels: Sequence[str]) -> str:
    """The passages, each fenced as <<<ĐOẠN n: label>>> … <<<HẾT ĐOẠN n>>>; nothing inside can fake a fence."""
    return "\n\n".join(f"<<<ĐOẠN {n}: {neutralize(label)}>>>\n{neutralize(p.chunk.text)}\n<<<HẾT ĐOẠN {n}>>>"
                       for n, (p, label) in enumerate(zip(passages, labels, strict=True), 1))


@dataclass(frozen=True)
class Reply:
    """A reply in the required format: the answer and its (passage number, quote) pairs."""

    answer: str
    quotes: tuple[tuple[int, str], ...]
    not_found: bool = False


def parse_reply(reply: str, passages: int) -> Reply | None:
    """The reply if it follows the format exactly (else None): 'KHÔNG TÌM THẤY' alone, or
    'TRẢ LỜI: …' with [n] marks, then one or more 'TRÍCH DẪN [n]: «…»' lines and nothing else;
    every n between 1 and `passages`."""
    text = unicodedata.normalize("NFC", reply).strip()
    if re.fullmatch(r"KHÔNG TÌM THẤY\.?", text):
        return Reply("", (), not_found=True)
    match = _REPLY.fullmatch(text)
    if not match:
        return None
    answer, block, quotes, at = match.group("answer").strip(), match.group("quotes"), [], 0
    while at < len(block):
        line = _QUOTE.match(block, at)
        if line is None:
            return None
        quotes.append((int(line.group(1)), line.group(2).strip()))
        at = line.end()
    marks = [int(n) for m in _MARKS.finditer(answer) for n in re.split(r"\s*[,;]\s*", m.group(1))]
    if not marks or "TRÍCH DẪN" in answer or any(not 1 <= n <= passages for n in marks + [q[0] for q in quotes]):
        return None
    return Reply(answer, tuple(quotes))


def _pattern(quote: str) -> re.Pattern[str]:
    """The quote as a pattern over the source: whitespace runs (and markdown marks) are flexible, and
    typographic look-alikes (the fence neutralised '<', '«') match their originals."""
    parts = []
    for run in re.findall(r"\s+|.", quote.strip(" \t\n*#")):
        if run.isspace():
            parts.append(r"[\s*#]+")
        else:
            parts.append("[" + re.escape(_SAME_CHAR[run]) + "]" if run in _SAME_CHAR else re.escape(run))
    return re.compile("".join(parts))


def locate(quote: str, texts: Sequence[str], named: int) -> tuple[int, int, int] | str:
    """(passage index, start, end) of the quote in passage `named` (1-based) or else in one other passage;
    or why it cannot be used (Vietnamese)."""
    quote = unicodedata.normalize("NFC", quote)
    if len(claim_parts.words(claim_parts.canonical(quote))) < 2:
        return f"trích dẫn [{named}] quá ngắn để làm căn cứ"
    pattern = _pattern(quote)
    order = [named - 1] + [i for i in range(len(texts)) if i != named - 1]
    for i in order:
        if m := pattern.search(texts[i]):
            end = m.start() + len(m.group(0).rstrip(" \t\n*#"))
            return i, m.start(), end
    if "…" in quote or "..." in quote:
        return f"trích dẫn [{named}] bị lược bớt hoặc ghép (có dấu …), không phải một đoạn nguyên văn liền mạch"
    pieces = [p for p in re.split(r"(?<=[.;:])\s+", quote) if len(p.strip()) >= 10]
    if len(pieces) >= 2 and all(any(_pattern(p).search(t) for t in texts) for p in pieces):
        return f"trích dẫn [{named}] ghép từ nhiều chỗ rời nhau, không phải một đoạn nguyên văn liền mạch"
    return f"trích dẫn [{named}] không có nguyên văn trong đoạn trích"


def headings(chunk: Chunk, offset: int) -> tuple[str, ...]:
    """Headings that scope a quote at `offset` in the chunk, nearest first ('1. Sở Nội vụ (…)', 'IV. …')."""
    found = []
    first_end = chunk.text.find("\n")
    if 0 < first_end < offset:
        found.append(chunk.text[:first_end].strip("#* "))
    found += [str(a[1]) for a in reversed(chunk.ancestors)]
    return tuple(found)


# ------------------------------------------------------------------------------------ answerer
@dataclass(frozen=True)
class Verification:
    """What happened to one model reply (for `python -m eval --answerer llm`).

    outcome: shown | repointed | stripped (claims removed, core kept) | refused (core claim
    unsupported) | format (reply not in the required format) | error (model not reachable) |
    not_found (the model found no answer) | skipped (retrieval problem: model not called).
    """

    outcome: str
    claims: int = 0
    stripped: int = 0
    repointed: int = 0
    problems: tuple[str, ...] = ()


class LLMAnswerer:
    """Writes answers with a chat model, shows only what the documents' quotes support."""

    def __init__(self, extractive: ExtractiveAnswerer, chat_model: Any, prompt: str = PROMPT):
        self.extractive = extractive
        self.chat = chat_model
        self.corpus = extractive.corpus
        self.prompt = prompt
        self._last = threading.local()

    @property
    def last_verification(self) -> Verification | None:
        """The verification of the last answer given on this thread."""
        return getattr(self._last, "value", None)

    def answer(self, info: QueryInfo, k: int, doc_filter: Sequence[str] | None = None) -> Answer:
        answer, verification = self.answer_verified(info, k, doc_filter)
        self._last.value = verification
        return answer

    def answer_verified(self, info: QueryInfo, k: int,
                        doc_filter: Sequence[str] | None = None) -> tuple[Answer, Verification]:
        """The answer shown, and what the verification did to the model's reply."""
        found = self.extractive.retriever.retrieve(info, k, doc_filter)
        if found.problem or not found.passages:
            return self.extractive.answer(info, k, doc_filter), Verification("skipped")
        passages = found.passages[:k]
        labels = [clause_ref(self.corpus.meta(p.chunk.doc_id), p.chunk.path) for p in passages]
        prompt = render(self.prompt, question=neutralize(info.text), passages=format_passages(passages, labels))
        try:
            raw = str(self.chat.invoke(prompt).content)
        except Exception as exc:  # noqa: BLE001 - any client or network failure is reported, not raised
            why = f"không gọi được mô hình ngôn ngữ ({type(exc).__name__})"
            return self._fallback(info, k, doc_filter, why), Verification("error", problems=(why,))
        reply = parse_reply(raw, len(passages))
        if reply is None:
            why = "câu trả lời của mô hình ngôn ngữ không đúng định dạng TRẢ LỜI / TRÍCH DẪN"
            return self._fallback(info, k, doc_filter, why), Verification("format", problems=(why,))
        if reply.not_found:
            why = "Mô hình ngôn ngữ không tìm thấy căn cứ trong các đoạn trích."
            return self.extractive.abstain(found, why), Verification("not_found")
        citations, sources, quote_problems = self._citations(reply, passages)
        checked = check_answer(reply.answer, info.text, sources)
        problems = tuple(quote_problems) + tuple(p for v in checked.verdicts for p in v.problems)
        report = Verification("refused", len(checked.verdicts), checked.stripped, checked.repointed, problems)
        if not checked.core_kept:
            core = checked.verdicts[checked.core].problems if checked.verdicts else ()
            why = "ý chính trong câu trả lời của mô hình ngôn ngữ không có căn cứ trong trích dẫn (" + \
                "; ".join((*quote_problems, *core)[:3]) + ")"
            return self._fallback(info, k, doc_filter, why), report
        answer = self._compose(checked, citations, found.passages, problems)
        if answer is None:  # the final number/quote guard disagreed with the claim check: never show it
            why = "câu trả lời của mô hình ngôn ngữ không qua được kiểm tra trích dẫn"
            return self._fallback(info, k, doc_filter, why), report
        outcome = "stripped" if checked.stripped else ("repointed" if checked.repointed else "shown")
        return answer, replace(report, outcome=outcome)

    def _citations(self, reply: Reply, passages: Sequence[Passage]) -> tuple[
            list[tuple[int, Citation]], list[Source], list[str]]:
        """Each quote located verbatim, as a citation of the passage that holds it."""
        texts = [p.chunk.text for p in passages]
        citations: list[tuple[int, Citation]] = []
        sources: list[Source] = []
        problems: list[str] = []
        for named, quote in reply.quotes:
            where = locate(quote, texts, named)
            if isinstance(where, str):
                problems.append(where)
                continue
            index, s, e = where
            chunk = passages[index].chunk
            start, end = chunk.start + s, chunk.start + e
            meta = self.corpus.meta(chunk.doc_id)
            original = self.corpus.chunk(chunk.chunk_id)
            path = self.corpus.clause_path_at(original, start) if original is not None and \
                original.path == chunk.path else chunk.path
            citation = Citation(chunk.doc_id, path, self.corpus.text(chunk.doc_id)[start:end], start, end,
                                page_at(self.corpus.pages(chunk.doc_id), start), meta.title or meta.label())
            if any(c == citation for _, c in citations):
                continue
            if index + 1 != named:
                problems.append(f"trích dẫn [{named}] nằm ở đoạn [{index + 1}]: đã sửa số đoạn")
            citations.append((index + 1, citation))
            sources.append(Source(index + 1, citation.quote, clause_ref(meta, path), meta.title or "", path,
                                  meta.number or "", meta.issuer or "", headings(chunk, s)))
        return citations, sources, problems

    def _compose(self, checked: Checked, citations: Sequence[tuple[int, Citation]], retrieved: Sequence[Passage],
                 problems: Sequence[str]) -> Answer | None:
        """The kept claims, their marks renumbered to the citations shown, and a note when some were removed."""
        shown: list[Citation] = []
        parts: list[str] = []
        facts: list[str] = []
        for verdict in checked.verdicts:
            if verdict.kept is None:
                continue
            marks = []
            for passage, citation in citations:
                if passage in verdict.passages:
                    if citation not in shown:
                        shown.append(citation)
                    marks.append(f"[{shown.index(citation) + 1}]")
            body = verdict.kept[:1].upper() + verdict.kept[1:]
            end = verdict.claim.end if verdict.kept == verdict.claim.body else "."
            parts.append(("" if not parts else verdict.claim.lead) + body + (f" {''.join(marks)}" if marks else "") + end)
            facts.append(_without_references(verdict.kept))
        kept, verify_problems = verify(" ".join(facts), shown, self.corpus.text)
        if not kept or len(kept) != len(shown):
            return None
        text = "".join(parts)
        if checked.stripped:
            text += f" (Đã lược bỏ {checked.stripped} ý không có căn cứ trong trích dẫn.)"
        return Answer(text=text, citations=tuple(shown), abstained=False, passages=tuple(retrieved),
                      notes=tuple(problems) + tuple(verify_problems))

    def _fallback(self, info: QueryInfo, k: int, doc_filter: Sequence[str] | None, why: str) -> Answer:
        answer = self.extractive.answer(info, k, doc_filter)
        if answer.abstained and answer.text.startswith(NOT_FOUND):  # an abstention still opens with NOT_FOUND
            text = f"{NOT_FOUND} (Lưu ý: {why}.){answer.text[len(NOT_FOUND):]}"
        else:
            text = f"(Lưu ý: {why}; hiển thị câu trả lời trích nguyên văn.) {answer.text}"
        return replace(answer, text=text, notes=(*answer.notes, why))


def _without_references(text: str) -> str:
    """A claim without its document/clause references, whose numbers ('33/KH-UBND') are not values."""
    for _, _, start, end in sorted(names.references(text), key=lambda r: r[2], reverse=True):
        text = text[:start] + " " + text[end:]
    return text
