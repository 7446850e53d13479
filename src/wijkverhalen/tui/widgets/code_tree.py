"""The codebook as a tree with a colour swatch and the number of codings per code.

A code with sub-codes also shows the codings of everything below it:
``Governance  2 (+40)`` is two codings of Governance itself and forty of its sub-codes.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from ...models import Code


def code_label(code: Code, count: int, below: int = 0) -> Text:
    label = Text()
    label.append("■ ", style=code.color)
    label.append(code.label)
    if count or below:
        label.append(f"  {count}", style="dim")
    if below:
        label.append(f" (+{below})", style="dim")
    return label


def counts_below(codes: list[Code], counts: dict[str, int]) -> dict[str, int]:
    """Per code, the codings of all its sub-codes (at any depth), not its own."""
    by_id = {c.id: c for c in codes}
    below: dict[str, int] = {}
    for code in codes:
        n = counts.get(code.id, 0)
        parent, steps = code.parent_id, 0
        while n and parent in by_id and steps < 100:  # steps: a cycle never hangs the screen
            below[parent] = below.get(parent, 0) + n  # type: ignore[index]
            parent, steps = by_id[parent].parent_id, steps + 1  # type: ignore[index]
    return below


class CodeTree(Tree[str]):
    """Codes in tree order; Enter chooses the highlighted code, Space folds a branch."""

    BINDINGS = [  # j/k as in every list (they win over the screen's while the tree has focus)
        Binding("j", "cursor_down", "Down", id="code_tree.down", show=False),
        Binding("k", "cursor_up", "Up", id="code_tree.up", show=False),
    ]

    class CodeHighlighted(Message):
        def __init__(self, tree: CodeTree, code_id: str | None) -> None:
            super().__init__()
            self.tree = tree
            self.code_id = code_id

        @property
        def control(self) -> CodeTree:
            return self.tree

    class CodeChosen(Message):
        def __init__(self, tree: CodeTree, code_id: str) -> None:
            super().__init__()
            self.tree = tree
            self.code_id = code_id

        @property
        def control(self) -> CodeTree:
            return self.tree

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("codes", id=id, classes=classes)
        self.show_root = False
        self.auto_expand = False
        self.guide_depth = 2
        self._code_nodes: dict[str, TreeNode[str]] = {}
        self._codes: dict[str, Code] = {}

    @property
    def highlighted_code_id(self) -> str | None:
        node = self.cursor_node
        return node.data if node is not None else None

    def load(self, codes: list[Code], counts: dict[str, int], keep: str | None = None) -> None:
        """(Re)build from codes in tree order, keeping folded branches and the cursor."""
        keep = keep or self.highlighted_code_id
        collapsed = {
            cid
            for cid, node in self._code_nodes.items()
            if node.allow_expand and not node.is_expanded
        }
        self.clear()
        self._code_nodes = {}
        self._codes = {c.id: c for c in codes}
        has_children = {c.parent_id for c in codes if c.parent_id}
        below = counts_below(codes, counts)
        for code in codes:
            parent = self._code_nodes.get(code.parent_id) if code.parent_id else self.root
            if parent is None:
                parent = self.root
            label = code_label(code, counts.get(code.id, 0), below.get(code.id, 0))
            if code.id in has_children:
                node = parent.add(label, data=code.id, expand=code.id not in collapsed)
            else:
                node = parent.add_leaf(label, data=code.id)
            self._code_nodes[code.id] = node
        self.root.expand()
        if keep in self._code_nodes:
            self.select_code(keep)
        elif codes:
            _ = self.last_line
            self.move_cursor(self._code_nodes[codes[0].id])

    def update_counts(self, counts: dict[str, int], code_ids: list[str] | None = None) -> None:
        """Repaint the labels of ``code_ids`` (all if None) and the codes above them."""
        below = counts_below(list(self._codes.values()), counts)
        wanted = list(self._code_nodes) if code_ids is None else list(code_ids)
        for code_id in list(wanted):
            parent = self._codes[code_id].parent_id if code_id in self._codes else None
            while parent in self._codes and parent not in wanted:
                wanted.append(parent)  # type: ignore[arg-type]
                parent = self._codes[parent].parent_id  # type: ignore[index]
        for code_id in wanted:
            node = self._code_nodes.get(code_id)
            code = self._codes.get(code_id)
            if node is not None and code is not None:
                node.set_label(code_label(code, counts.get(code_id, 0), below.get(code_id, 0)))

    def select_code(self, code_id: str) -> None:
        node = self._code_nodes.get(code_id)
        if node is None:
            return
        parent = node.parent
        while parent is not None:
            parent.expand()
            parent = parent.parent
        _ = self.last_line  # builds the tree lines now, so the node has its line number
        self.move_cursor(node)
        self.call_after_refresh(self.scroll_to_node, node, animate=False)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[str]) -> None:
        event.stop()
        self.post_message(self.CodeHighlighted(self, event.node.data))

    def on_tree_node_selected(self, event: Tree.NodeSelected[str]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.CodeChosen(self, event.node.data))
