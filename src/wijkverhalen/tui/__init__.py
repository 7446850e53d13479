"""The coding workbench (Textual TUI). Start it with ``wijkverhalen PROJECT``.

Import :func:`wijkverhalen.tui.app.make_app` to build the app; this package
itself imports nothing heavy, so the CLI stays fast.
"""
