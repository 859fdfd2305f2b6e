"""Persona Mining: data-driven personas from customer behaviour.

Public API (the Streamlit pages, the CLI and the tests use only this)::

    from persona_mining import DiscoverConfig, discover, save_workspace, load_workspace
    ws = discover("customers.csv", DiscoverConfig(min_size=0.02, seed=42))
    for card in persona_cards(ws): ...

Heavy modules (UMAP, HDBSCAN) are imported lazily, on first use.
"""

from __future__ import annotations

from typing import Any

from .config import DiscoverConfig
from .errors import InputError, ModelError

__version__ = "0.1.0"

_LAZY = {
    "discover": ("pipeline", "discover"),
    "discover_frame": ("pipeline", "discover_frame"),
    "Workspace": ("workspace", "Workspace"),
    "save_workspace": ("workspace", "save"),
    "load_workspace": ("workspace", "load"),
    "persona_cards": ("cards", "persona_cards"),
    "cards_document": ("cards", "cards_document"),
    "assignments_frame": ("cards", "assignments_frame"),
    "read_table": ("ingest", "read_table"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(f".{module}", __name__), attr)
    raise AttributeError(name)


__all__ = ["DiscoverConfig", "InputError", "ModelError", "__version__", *_LAZY]
