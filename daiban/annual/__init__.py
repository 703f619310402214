"""The annual report of the petition office (art. 41), per level and year, as DOCX and PDF."""
