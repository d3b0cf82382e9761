"""Export formats: pure functions from plain records to text."""
