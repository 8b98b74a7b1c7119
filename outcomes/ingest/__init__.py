"""Extract ingestion: file -> sniffed table -> a reader's normalised frame -> validation -> one atomic load.

Nothing is written unless every row of a file passes; every problem names its line, column, code and reason.
"""
