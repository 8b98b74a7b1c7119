"""Signals of the dashboards app.

``board_pack_requested`` is sent (on commit) when a board pack is requested; ``dashboards.tasks`` queues its
generation. The action announces, the task module listens: actions never import tasks, so the two modules do not
import each other.
"""

from django.dispatch import Signal

#: Sent with ``pack`` (a BoardPack) once its request row is committed.
board_pack_requested = Signal()
