"""PDFs: council packets (content → inspection of appended files → layout → merge)."""
