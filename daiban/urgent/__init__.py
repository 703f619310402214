"""重大紧急事项 (art. 25): marking, immediate reporting up to the city, the pinned queue."""
