"""The requests area's tables."""

__all__: list[str] = []
