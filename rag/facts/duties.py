"""Who must do what, and by when (pure): responsibilities (one per agency and role) and deadlines
(one per time expression, with the agency that must meet it) in one clause of a directive.

An agency acts when it opens the clause ('Sở Tài chính chủ trì …'), follows a word that assigns
('giao', 'đề nghị', 'yêu cầu', 'do … chủ trì'), or opens a clause after a comma with a verb of
its own. An agency that is only mentioned — reported to ('báo cáo Thủ tướng Chính phủ'), sent to
('gửi Sở Nội vụ'), or the issuer of the document ('Ủy ban nhân dân tỉnh ban hành …') — does not.
'chủ trì, phối hợp với Sở Y, Sở Z' splits into one lead and its co-operating agencies. When the
clause names nobody, the agency of the section heading it sits under acts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.facts.agencies import AgencySpan, canonical_agency, find_agencies
from rag.facts.times import TimeExpr, find_times

LEAD, COOP, DOER = "chủ trì", "phối hợp", "thực hiện"
_JOIN = re.compile(r"^[\s,;/*]*(?:(?:và|cùng|hoặc|cùng\s+với)[\s,*]*)?$", re.IGNORECASE)
_ASSIGN = re.compile(r"(?:^|[\s,:;(])(?<!hồ sơ )(?<!văn bản )(?<!tờ trình )(?<!theo )(?<!xét )(?<!được )(giao(?:\s+cho)?|đề\s+nghị|yêu\s+cầu|chỉ\s+đạo|khuyến\s+khích|ủy\s+quyền(?:\s+cho)?|"
                     r"uỷ\s+quyền(?:\s+cho)?|phân\s+công|do|cử)\s*$", re.IGNORECASE)
_OPENERS = re.compile(r"^(?:[\s\-–•+*#]|\(\d+\)|\d+(?:\.\d+)*[.)]|[a-zđ]\)|[IVX]+\.)*(?:(?:đồng\s+thời|theo\s+đó|trong\s+đó|"
                      r"bên\s+cạnh\s+đó|ngoài\s+ra|riêng|tiếp\s+theo|sau\s+đó|(?:định\s+kỳ\s+)?(?:hằng|hàng)\s+(?:năm|quý|tháng)|"
                      r"định\s+kỳ(?:\s+\d+\s+tháng(?:\s+(?:một|1)\s+lần)?)?)[\s,]+)?$",
                      re.IGNORECASE)
_ADVERBIAL = re.compile(r"^(?:[\s\-–•+*#]|\(\d+\)|\d+(?:\.\d+)*[.)]|[a-zđ]\))*(?:để|trên\s+cơ\s+sở|căn\s+cứ|sau\s+khi|"
                        r"khi|trong|đối\s+với|theo|với\s+vai\s+trò|đồng\s+thời|ngoài\s+ra|bên\s+cạnh\s+đó|trường\s+hợp|"
                        r"nếu|hằng\s+năm|hàng\s+năm|định\s+kỳ|về|trước|chậm\s+nhất|kết\s+thúc|sau)\b", re.IGNORECASE)
_WHICH_LEAD = re.compile(r"^[\s,*]*chủ\s+trì\s+(?:thực\s+hiện\s+)?(?:các\s+)?nhiệm\s+vụ", re.IGNORECASE)
_TOPIC = re.compile(r"^(?:[\s\-–•+*#]|\(\d+\)|\d+(?:\.\d+)*[.)]|[a-zđ]\))*(?:về|đối\s+với)\b[^:]{0,400}:\s*$", re.IGNORECASE)
_NOT_ACTOR_BEFORE = re.compile(r"(?:với|cho|của|về|tới|đến|gửi|trình|qua|báo\s+cáo|tại|theo|và|hoặc|thuộc|từ|"
                               r"kiến\s+nghị|đề\s+xuất|xin\s+ý\s+kiến|ý\s+kiến|hướng\s+dẫn\s+của|trên|giữa|"
                               r"đối\s+với|bởi|như|gồm|là)\s*[,(]?\s*$", re.IGNORECASE)
_NOT_ACTOR_AFTER = re.compile(r"^[\s,*]*(?:ban\s+hành|yêu\s+cầu|đề\s+nghị|giao|quyết\s+định|ghi\s+nhận|biểu\s+dương|"
                              r"thống\s+nhất|kết\s+luận|phê\s+duyệt|được|là(?!\s+(?:cơ\s+quan|đầu\s+mối|đơn\s+vị))|thuộc|"
                              r"về|của|tại|trên|theo|đã|có\s+ý\s+kiến|trân\s+trọng|thông\s+báo|nhận|và|hoặc|với|"
                              r"ngày|số|\(|[\d\"“]|$)", re.IGNORECASE)
_ROLE = re.compile(r"^[\s,*]*(?:(?:có|chịu)\s+trách\s+nhiệm(?:\s+chính)?(?:\s+(?:trong\s+việc\s+)?)?[\s,]*)?"
                   r"(?:(?:chủ\s+động|tích\s+cực|tiếp\s+tục|khẩn\s+trương)\s+(?=chủ\s+trì|phối\s+hợp))?"
                   r"(?P<lead>chủ\s+trì|là\s+(?:cơ\s+quan\s+|đơn\s+vị\s+)?(?:chủ\s+trì|đầu\s+mối|thường\s+trực)|"
                   r"làm\s+đầu\s+mối|là\s+cơ\s+quan\s+thường\s+trực)?(?P<coop>[\s,]*phối\s+hợp)?", re.IGNORECASE)
_PARTNERS = re.compile(r"phối\s+hợp(?:\s+chặt\s+chẽ)?(?:\s+với)?(?:\s+(?:các\s+)?(?:đồng\s+chí|đầu\s+mối))?[\s*]*$",
                       re.IGNORECASE)
_FIELD = re.compile(r"^[\s\-–•+*#]*(?P<label>(?:cơ\s+quan|đơn\s+vị)(?:,\s*(?:đơn\s+vị|cơ\s+quan))?\s+(?P<role>chủ\s+trì|"
                    r"thực\s+hiện|phối\s+hợp|chịu\s+trách\s+nhiệm|đầu\s+mối)(?:\s+thực\s+hiện)?|(?P<due>thời\s+gian"
                    r"(?:\s+\w+){0,4}|thời\s+hạn(?:\s+\w+){0,3}|tiến\s+độ(?:\s+\w+){0,3}|hạn\s+chót))[\s*]*:[\s*]*",
                    re.IGNORECASE)
_COMPLETION = re.compile(r"hoàn\s+thành|xong|ban\s+hành|trình|báo\s+cáo|gửi|nộp|đưa\s+vào|phê\s+duyệt|tổ\s+chức|"
                         r"triển\s+khai|thực\s+hiện|bàn\s+giao|giải\s+ngân|khởi\s+công", re.IGNORECASE)
_REPORTING = re.compile(r"báo\s+cáo|gửi|tổng\s+hợp|sơ\s+kết|tổng\s+kết|đánh\s+giá|kiểm\s+tra|rà\s+soát|cập\s+nhật|"
                        r"trình|công\s+bố|xây\s+dựng\s+kế\s+hoạch|tổ\s+chức|giao\s+ban|họp", re.IGNORECASE)
# how long something is valid or delegated, not by when it must be done
_VALIDITY = re.compile(r"thời\s+hạn\s+(?:ủy\s+quyền|hiệu\s+lực|sử\s+dụng|lưu\s+trữ|bảo\s+hành|thuê)|"
                       r"có\s+giá\s+trị\s+(?:sử\s+dụng\s+)?(?:trong|đến)|tiếp\s+tục\s+(?:hoạt\s+động|áp\s+dụng|có\s+hiệu\s+lực|được\s+"
                       r"(?:thực\s+hiện|áp\s+dụng|sử\s+dụng))", re.IGNORECASE)
# 'hồ sơ phát sinh trước ngày 01/01/2026 thì …': a transitional rule about what came before, not a deadline
_BEFORE_THEN = re.compile(r"(?:phát\s+sinh|được\s+cấp|đã\s+cấp|đã\s+được\s+\w+|tiếp\s+nhận|nộp)\s*$", re.IGNORECASE)
_SPENDING = re.compile(r"tổng\s+kinh\s+phí|mức\s+chi|nội\s+dung\s+chi", re.IGNORECASE)
_STRONG_CUES = ("trước", "chậm nhất", "không muộn hơn", "muộn nhất", "hạn", "thời hạn", "hạn cuối", "hoàn thành",
                "xong")


@dataclass(frozen=True)
class Duty:
    """An agency's part in a clause: text[start:end] is the clause that says so."""

    agency: AgencySpan
    role: str  # chủ trì | phối hợp | thực hiện
    start: int
    end: int
    task: str
    source: str  # sentence | heading | table | field
    item: int = 0  # the inline item '(2)' of its paragraph: one duty per agency, role and item
    group: int = -1  # the list item it belongs to (a paragraph, or the item a continuation paragraph follows)


@dataclass(frozen=True)
class Due:
    """A deadline: the time expression, the agency that must meet it (None when the text names none)."""

    time: TimeExpr
    agency: AgencySpan | None
    start: int
    end: int
    task: str
    source: str
    group: int = -1  # the list item it belongs to (see Duty.group)


def _shift(a: AgencySpan, offset: int) -> AgencySpan:
    return AgencySpan(a.start + offset, a.end + offset, a.text, a.canonical)


def agency_groups(text: str) -> list[list[AgencySpan]]:
    """Agencies of a text grouped into lists ('Sở A, Sở B và Sở C' is one group of three)."""
    groups: list[list[AgencySpan]] = []
    for agency in find_agencies(text):
        if groups and _JOIN.match(text[groups[-1][-1].end:agency.start]):
            groups[-1].append(agency)
        else:
            groups.append([agency])
    return groups


_TASK_LEAD = re.compile(r"(?:căn\s+cứ|trên\s+cơ\s+sở|trong\s+thời\s+hạn|chậm\s+nhất|trước\s+ngày)\b[^,;]{0,160},\s*",
                        re.IGNORECASE)


def short_task(text: str) -> str:
    """A task in a few words: the clause without its actors, cut at a clause end or ~16 words."""
    task = re.sub(r"^[\s,:;*\-–]+", "", text)
    task = re.sub(r"^(?:(?:có|chịu)\s+trách\s+nhiệm|chủ\s+trì|phối\s+hợp|với|thực\s+hiện\s+các\s+nội\s+dung\s+sau)[\s,:]*",
                  "", task, flags=re.IGNORECASE)
    task = re.sub(r"\s+", " ", task.replace("*", "")).strip(" ,;:.")
    while True:  # 'căn cứ Quyết định này, trong thời hạn 03 ngày làm việc, xây dựng …': the act comes after
        lead = _TASK_LEAD.match(task)
        if not lead or lead.end() >= len(task):
            break
        task = task[lead.end():]
    cut = re.search(r"[;.](?:\s|$)", task)
    if cut:
        task = task[:cut.start()]
    words = task.split()
    if len(words) > 18:
        task = " ".join(words[:16]) + " …"
    return task[:1].upper() + task[1:] if task else ""


def role_at(text: str) -> tuple[str, int]:
    """The role stated right after an actor ('chủ trì', 'phối hợp', else 'thực hiện') and where it ends."""
    m = _ROLE.match(text)
    if m and m.group("lead"):
        return LEAD, m.end()
    if m and m.group("coop"):
        return COOP, m.end()
    return DOER, m.end() if m else 0


def partners(clause: str, groups: list[list[AgencySpan]], after: int) -> tuple[list[AgencySpan], int]:
    """Co-operating agencies: the group right after 'phối hợp (với)' past position `after`."""
    for group in groups:
        if group[0].start < after:
            continue
        if _PARTNERS.search(clause[max(after, group[0].start - 60):group[0].start]):
            return group, group[-1].end
    loose = _LOOSE_PARTNER.search(clause, after)
    if loose and not any(loose.start(1) <= a.start < loose.end(1) for g in groups for a in g):
        name = loose.group(1)
        return [AgencySpan(loose.start(1), loose.end(1), name, canonical_agency(name))], loose.end(1)
    return [], after


# 'phối hợp với đơn vị cung cấp dịch vụ công nghệ thông tin căn cứ …': a partner named by what it does
_LOOSE_PARTNER = re.compile(r"phối\s+hợp\s+(?:chặt\s+chẽ\s+)?với\s+((?:các\s+)?(?:đơn\s+vị|cơ\s+quan)"
                            r"\s[^\W\d][^,;.:()\n]{2,70}?)(?=\s+(?:căn\s+cứ|để|trong|tổ\s+chức|thực\s+hiện|xây\s+dựng|"
                            r"triển\s+khai|theo|nghiên\s+cứu|rà\s+soát)\b|\s*[,;.:(]|\s*$)", re.IGNORECASE)


Act = tuple[list[AgencySpan], str, int, str]  # agencies, role, where their words end, how: subject | assigned | partner


_BOILERPLATE = re.compile(r"(?:chịu\s+trách\s+nhiệm\s+)?thi\s+hành\s+(?:Quyết\s+định|Nghị\s+định|Thông\s+tư|Nghị\s+quyết|"
                          r"Chỉ\s+thị)\s+này|(?:Quyết\s+định|Chỉ\s+thị|Nghị\s+quyết)\s+này\s+có\s+hiệu\s+lực|"
                          r"trả\s+lời\s+(?:để|cho)\s+[^.]{0,120}?biết|trả\s+lời\s+như\s+sau|"  # a reply letter
                          r"(?:tiếp\s+tục|chính\s+thức)\s+hoạt\s+động\s+(?:cho\s+)?(?:đến|từ|kể\s+từ)|"  # when a body exists
                          r"(?:thông\s+báo|hướng\s+dẫn)\s+(?:để|cho)\s+[^.]{0,120}?biết(?:\s+và\s+thực\s+hiện)?\W*$|"
                          r"căn\s+cứ\s+(?:Quyết\s+định|Nghị\s+quyết|Chỉ\s+thị)\s+(?:này\s+)?thi\s+hành", re.IGNORECASE)


def enforcement(sentence: str) -> bool:
    """Whether a sentence is the closing enforcement formula ('… chịu trách nhiệm thi hành Quyết định
    này'), whose agencies carry no register duty; clauses split at ';' need the whole sentence."""
    return bool(_BOILERPLATE.search(sentence))


def actors(clause: str, groups: list[list[AgencySpan]]) -> list[Act]:
    """The agency groups that act in a clause, each with its role, where its words end, and how it
    acts: as the clause's subject, assigned by a word ('giao', 'đề nghị', 'do … chủ trì'), or as a
    co-operating partner."""
    found: list[Act] = []
    if _BOILERPLATE.search(clause):  # 'Chánh Văn phòng …, Giám đốc các sở … chịu trách nhiệm thi hành Quyết định này'
        return found
    partner_starts: set[int] = set()
    for group in groups:
        if group[0].start in partner_starts:
            continue
        before = clause[:group[0].start]
        after = clause[group[-1].end:]
        assigned = _ASSIGN.search(before)
        opening = _OPENERS.match(before) or _TOPIC.match(before)
        # 'Để xác định vị trí …, Ủy ban nhân dân tỉnh phối hợp …': a subject after an adverbial phrase
        after_comma = (re.search(r",\s*$", before) and _ADVERBIAL.match(before)
                       and not _NOT_ACTOR_BEFORE.search(before.rstrip(", "))
                       and re.match(r"^[ \t\n*]+[^\W\d_]", after) and after.strip(" *\n")[:1].islower())
        if not (assigned or opening or after_comma):
            continue
        if not assigned and _NOT_ACTOR_AFTER.match(after):
            continue
        if _NOT_ACTOR_BEFORE.search(before) and not assigned:
            continue
        role, used = role_at(after)
        if assigned and assigned.group(1).lower() == "do" and role != LEAD and not re.match(
                r"^[\s,*]*(?:thực\s+hiện|đảm\s+nhiệm|phụ\s+trách)", after, re.IGNORECASE):
            continue  # 'giá … do Ủy ban nhân dân tỉnh ban hành' says who issued it, not who must act
        if role == LEAD and group[0].canonical.startswith("Các ") and _WHICH_LEAD.match(after):
            role = DOER  # 'các cơ quan, đơn vị chủ trì thực hiện các nhiệm vụ … gửi …': which agencies, not a role
        end = group[-1].end + used
        found.append((group, role, end, "assigned" if assigned and not opening else "subject"))
        if role in (LEAD, DOER):
            coop, p_end = partners(clause, groups, group[-1].end)
            if coop:
                partner_starts.add(coop[0].start)
                found.append((coop, COOP, p_end, "partner"))
    return found


def is_field(clause: str) -> re.Match[str] | None:
    """'Cơ quan chủ trì: Sở X', 'Thời gian hoàn thành: Tháng 12/2025' — a labelled field of a task."""
    return _FIELD.match(clause)


def deadline_times(clause: str, offset: int, year: int | None, target_clause: bool) -> list[TimeExpr]:
    """Time expressions of a clause that are deadlines (not cited dates, not the periods of targets)."""
    field = _FIELD.match(clause)
    due_field = bool(field and field.group("due"))
    out = []
    validity = _VALIDITY.search(clause)
    for t in find_times(clause, year):
        if t.citation or validity:
            continue
        strong = t.cue in _STRONG_CUES or t.cue.startswith(("trước", "chậm nhất", "hoàn thành", "xong", "hạn"))
        if t.kind == "ongoing":  # 'nhiệm vụ thường xuyên', 'Thời gian: Thường xuyên'; not 'thường xuyên kiểm tra'
            ok = "nhiệm vụ" in t.text.lower() or (due_field and t.start >= field.end() - 2) or bool(  # type: ignore[union-attr]
                re.match(r"^\W*(?:thực\s+hiện\s+)?thường\s+xuyên(?:,?\s+liên\s+tục)?\W*$", clause, re.I))
        elif t.kind == "recurring":
            ok = "định kỳ" in t.text.lower() or bool(t.cue) or (  # a report or meeting just before 'hằng năm'
                bool(_REPORTING.search(clause[max(0, t.start - 150):t.start])) and not target_clause
                and not _SPENDING.search(clause))
        elif t.kind == "relative":
            ok = bool(re.match(r"(?:trong\s+thời\s+hạn|chậm\s+nhất|trong\s+vòng)", t.text, re.IGNORECASE)) or (
                strong and bool(re.match(r"(?:không\s+quá|tối\s+đa)", t.text, re.IGNORECASE)))  # 'hoàn thành không quá 03 ngày'
        elif due_field and t.start >= field.end() - 2:  # type: ignore[union-attr]
            ok = True
        elif strong:
            ok = not (t.cue.startswith("trước") and _BEFORE_THEN.search(clause[:t.start])
                      and re.search(r"\bthì\b", clause[t.end:]))
        elif target_clause:
            ok = False
        elif t.cue in ("trong", "vào"):  # 'trình Thủ tướng Chính phủ trong năm 2026': the act is just before
            window = clause[max(0, t.start - 80):t.start]
            ok = t.kind != "years" and bool(_COMPLETION.search(window)) and not re.search(r"dịp\s*$", window)
        elif t.cue in ("đến", "tới", "đến hết"):
            ok = t.kind in ("date", "month", "quarter") and bool(_COMPLETION.search(clause)) and not re.search(
                r"tính\s*$", clause[:t.start])  # 'giải ngân tính đến hết ngày 31/10 đạt 72%': a cut-off of figures
        elif t.cue in ("từ",) and t.kind == "range":
            ok = bool(re.match(r"^\W*thời\s+gian", clause, re.IGNORECASE))
        elif not t.cue:  # 'Thời gian sơ kết đợt thi đua: Tháng 6 năm 2024' — right after the label
            ok = bool(re.match(r"^[\s\-–*]*(?:thời\s+gian|thời\s+hạn|tiến\s+độ|hạn)\b[^:]{0,60}:[\s*]*$",
                               clause[:t.start], re.IGNORECASE))
        else:
            ok = False
        if ok:
            out.append(TimeExpr(t.start + offset, t.end + offset, t.text, t.iso, t.rrule, t.cue, False, t.kind))
    return out
