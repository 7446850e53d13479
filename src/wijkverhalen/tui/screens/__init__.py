"""One screen per task: documents, coding, retrieval, search, codebook, help, dialogs.

The registry of main screens (keys, command palette) is ``SCREENS`` in ``..app``.
"""
