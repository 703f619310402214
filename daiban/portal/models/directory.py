"""The directory area's tables."""

__all__: list[str] = []
