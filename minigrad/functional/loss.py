"""loss ops (being written; see CONTRIBUTING.md)."""
__all__ = []
