"""The one error of the vocabulary loader: names the file, the line and the term."""
from __future__ import annotations


class VocabularyError(ValueError):
    def __init__(self, file, line, term, message):
        self.file, self.line, self.term, self.message = str(file), line, term, message
        where = f"{self.file}:{line}" if line else self.file
        what = f" : terme « {term} »" if term else ""
        super().__init__(f"{where}{what} : {message}")
