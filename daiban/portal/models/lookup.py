"""The lookup area's tables."""

__all__: list[str] = []
