"""HTML of the шахматка's cells, written in Python because a big map has thousands of them.

Rendering 3,500 cells through the Jinja template spent most of its time escaping attributes, about
twenty per cell. Here only the label is escaped, because it is the one free text; numbers and fixed
class names are written as they are.
"""

from __future__ import annotations

from html import escape

from markupsafe import Markup

from backend.domain.buildings.unit_map_view import Cell, EntranceColumn


def cell_html(cell: Cell) -> str:
    classes = [f"unitmap-cell k-{cell.kind} o-{cell.occupancy}"]
    if cell.tickets:
        classes.append("t-open")
    if cell.emergency:
        classes.append("t-emergency")
    if cell.overdue:
        classes.append("t-overdue")
    if cell.has_access:
        classes.append("a-yes")
    area = "" if cell.area is None else str(cell.area)
    return (f'<button type="button" class="{" ".join(classes)}" '
            f'style="grid-area:{cell.row}/{cell.column + 1}/span {cell.floors_spanned}" data-id="{cell.id}" '
            f'data-floor="{cell.floor}" data-kind="{cell.kind}" data-tickets="{cell.tickets}" '
            f'data-owners="{cell.owners}" data-tenants="{cell.tenants}" '
            f'data-residents="{cell.residents + cell.representatives}" data-area="{area}" '
            f'data-span="{cell.floors_spanned}">{escape(cell.label)}</button>')


def cells_html(entrance: EntranceColumn) -> Markup:
    return Markup("".join(cell_html(cell) for cell in entrance.cells))  # noqa: S704 - the label is escaped
