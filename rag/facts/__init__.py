"""The register: every target (chỉ tiêu), deadline (thời hạn) and responsibility (chủ trì / phối
hợp / thực hiện) of a document, per agency, as Facts anchored to verbatim quotes.

agencies — canonical_agency, find_agencies, same_agency: agencies as entities (names in agencies.json)
times    — find_times: time expressions with ISO 8601 dates and RFC 5545 recurrence rules
blocks   — read_body: paragraphs under their headings, table rows under their column headers
targets  — find_targets: one record per value, with indicator, unit, comparison word, period
duties   — actors, deadline_times: who acts in a clause, in which role, by when
extract  — extract_facts: the register of one parsed document (pure; run at ingest)
store    — record_facts, load_facts: the register stored with each document in Chroma
register — select, fact_record: the register across documents, filtered and ordered
export   — to_csv, to_xlsx, to_ics
"""
