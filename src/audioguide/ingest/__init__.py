"""Stage 1, ingest: articles (plain text, Markdown, HTML) and episode scripts in, typed
:class:`~audioguide.models.Article` and :class:`~audioguide.models.Script` values out."""
