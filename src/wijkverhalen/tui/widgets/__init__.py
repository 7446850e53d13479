"""Widgets of the workbench: transcript view, code tree, code card, code picker, passage list."""
