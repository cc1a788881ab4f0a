"""studykit: the pure machinery behind the study-site hooks.

Nothing in this package knows about MkDocs events; the files in ``hooks/``
wire it into the build. Nothing here is specific to one book.
"""
