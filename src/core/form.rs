//! Form-elicitation schemas (placeholder; being written).
