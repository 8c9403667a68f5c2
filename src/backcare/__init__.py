"""backcare: triage, recovery estimate, care plan and diary for acute back pain."""
