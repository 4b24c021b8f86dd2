"""What a client asked for below a field, read from the document itself."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
)


def selected_fields(info: Any, *path: str) -> set[str]:
    """Return the names of fields selected at `path` below the current field.

    `selected_fields(info, "edges", "node")` on a connection tells which
    relations of the nodes will be resolved, so they can be loaded for the
    whole page at once. Fragments are followed; @skip/@include are not
    evaluated, so a skipped field may cause one unneeded batch query.
    """
    raw = info._raw_info
    fragments: dict[str, FragmentDefinitionNode] = raw.fragments
    sets = [node.selection_set for node in raw.field_nodes if node.selection_set]
    for name in path:
        sets = [
            field.selection_set
            for field in _fields(sets, fragments)
            if field.name.value == name and field.selection_set
        ]
    return {field.name.value for field in _fields(sets, fragments)}


def _fields(
    sets: list[SelectionSetNode], fragments: dict[str, FragmentDefinitionNode]
) -> Iterator[FieldNode]:
    for selection_set in sets:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                yield selection
            elif isinstance(selection, InlineFragmentNode):
                yield from _fields([selection.selection_set], fragments)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = fragments.get(selection.name.value)
                if fragment is not None:
                    yield from _fields([fragment.selection_set], fragments)
