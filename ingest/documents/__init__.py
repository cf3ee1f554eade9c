"""Printable documents built from already-computed figures (no database access here)."""

from ingest.documents.quote_document import QuoteDoc, QuoteLineDoc
from ingest.documents.quote_pdf import render_quote_pdf

__all__ = ["QuoteDoc", "QuoteLineDoc", "render_quote_pdf"]
