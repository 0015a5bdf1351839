"""Text in, candidates out: article loading, spaCy model resolution, entity and claim extraction.

Never imports Textual or the review store (a test enforces it).
"""
