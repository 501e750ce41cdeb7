"""The handoff: one zip that a recipient can trust, reproduce and read.

``bundle`` builds it (the synthetic table as CSV and, where it fits, .xlsx; the report; a
manifest of how it was made, without any real value; a README in plain words), ``verify``
checks it, ``generation`` makes the rows the way ``sample`` does, so that the manifest's
settings give the same bytes again.
"""
