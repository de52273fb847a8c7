"""Answer: quotable units of retrieved clauses (`units`), the extractive answerer (`extractive`),
quote verification (`verify`) and the optional LLM answerer (`llm`, prompts from `prompts/`)."""
