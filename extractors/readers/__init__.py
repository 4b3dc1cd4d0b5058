"""One reader per format; each turns bytes into `extractors.model.Document`.
Callers use `extractors.read.read_document`, which sniffs the format and picks the reader."""
