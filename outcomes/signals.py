"""Signals other apps may listen to, so the measurement core never imports them."""

from django.dispatch import Signal

#: Sent after an extract's rows are committed (not for dry runs): ``extract`` is the Extract.
extract_loaded = Signal()
