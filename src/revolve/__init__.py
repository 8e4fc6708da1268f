"""revolve: double-entry books for revolving loan funds such as 幸福工程 (the Happiness Project)."""

from revolve.errors import RevolveError
from revolve.money import Money, fen, yuan

__all__ = ["Money", "RevolveError", "fen", "yuan"]
