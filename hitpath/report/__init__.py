"""Renderers of an Assessment: text (rich), markdown, json, html. They only show; never compute."""
