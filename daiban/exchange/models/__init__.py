from daiban.exchange.models.exports import ExportJob
from daiban.exchange.models.imports import ImportRun

__all__ = ["ExportJob", "ImportRun"]
