//! URL-elicitation rules (placeholder; being written).
