"""Check a question set against the crawled documents (EVAL_CONTRACT normalization).

usage: python check.py FILE.jsonl   (documents are read from ../../shared/data/directives_vn/)
"""
import json, re, sys, unicodedata, collections
from pathlib import Path

DOCS = Path("/work/shared/data/directives_vn")
QA = set(Path("/work/shared/data/directives_vn_qa/DOCS.txt").read_text().split())

def norm(t):
    t = unicodedata.normalize("NFC", t).lower().replace("*", "")
    t = t.replace("\u2013", "-").replace("\u2014", "-")
    t = re.sub(r"\s*-\s*", " - ", t)
    t = re.sub(r"\s+%", "%", t)
    return re.sub(r"\s+", " ", t).strip()

ok = True
seen = set()
types = collections.Counter()
docs = collections.Counter()
for n, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    if not line.strip():
        continue
    q = json.loads(line)
    where = f"line {n} ({q.get('id')})"
    for f in ("id", "type", "question", "answers", "evidence", "doc"):
        if f not in q:
            print(where, "missing", f); ok = False
    if q["id"] in seen:
        print(where, "duplicate id"); ok = False
    seen.add(q["id"])
    types[q["type"]] += 1
    docs[q["doc"]] += 1
    if q["doc"] in QA:
        print(where, "uses a document of directives_vn_qa (forbidden)"); ok = False
    text = norm((DOCS / q["doc"]).read_text(encoding="utf-8"))
    for e in q["evidence"]:
        if norm(e) not in text:
            print(where, "evidence not verbatim:", e[:80]); ok = False
    if q["answers"]:
        if not q["evidence"]:
            print(where, "answerable but no evidence"); ok = False
        ev = " ".join(norm(e) for e in q["evidence"])
        if not any(norm(a) in ev for a in q["answers"]) and q["type"] not in ("lookup",):
            print(where, "no answer string inside the evidence:", q["answers"][:2]); ok = False
        if not any(norm(a) in text for a in q["answers"]):
            print(where, "no answer string in the document:", q["answers"][:2]); ok = False
    else:
        if q["evidence"]:
            print(where, "unanswerable with evidence"); ok = False
    for it in q.get("items", []):
        if norm(it) not in text:
            print(where, "item not in document:", it); ok = False
    if q["type"] == "list" and not q.get("items"):
        print(where, "list without items"); ok = False
    if q["type"] == "followup" and not q.get("turns"):
        print(where, "followup without turns"); ok = False
print(dict(types))
print(len(docs), "documents;", sum(docs.values()), "questions")
print("OK" if ok else "PROBLEMS FOUND")
sys.exit(0 if ok else 1)
