"""Free text: extraction of findings and question answering."""
