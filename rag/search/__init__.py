"""Search: question analysis (`query`), follow-up resolution (`followup`), hybrid retrieval
(`retrieval`) and citation lookup by reference (`lookup`)."""
