"""MkDocs hook: pages show what the code says, generated at build time.

A page asks for generated text with an HTML comment on a line of its own, ``<!-- generated: NAME [ARG] -->``:

- ``state-diagram``: the Mermaid diagram of `icws_state.state_diagram()`, drawn from the lifecycle table;
- ``server-transitions``: the state changes a server may report (``SERVER_TRANSITIONS``), as a table;
- ``schema-table``: the rows of `icws_state.default_schema()` but the configuration lists;
- ``configuration-table``: the configuration-list rows of `icws_state.default_schema()` (``schemas.md`` 6.4);
- ``cli-help COMMAND``: ``icws-state COMMAND --help`` as the installed CLI prints it (a note if the command is
  not in this build);
- ``changelog``: the repository's ``CHANGELOG.md`` (found beside ``mkdocs.yml``, wherever the build runs from).

An unknown name fails the build, so a typo cannot silently leave a page without its generated part.
"""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

from icws_state import Collection, _cli, default_schema, state_diagram
from icws_state._configuration import CONFIGURATION_ROWS
from icws_state._subscriptions import SERVER_TRANSITIONS

_MARKER = re.compile(r"^<!-- generated: ([a-z-]+)(?: ([a-z-]+))? -->$", re.MULTILINE)


def state_diagram_block() -> str:
    return f"```mermaid\n{state_diagram()}\n```"


def server_transitions_table() -> str:
    rows = ["| from | to |", "|---|---|"]
    for before, after in sorted(SERVER_TRANSITIONS):
        if before != after:
            rows.append(f"| `{before.name.lower()}` | `{after.name.lower()}` |")
    return "\n".join(rows)


def schema_table() -> str:
    rows = ["| message type | subscription path | what it holds |", "|---|---|---|"]
    for row in default_schema():
        if row.type in _CONFIGURATION_TYPES:
            continue
        if row.state:
            holds = "subscription state and error (lifecycle)"
        else:
            parts = [_collection_text(c) for c in row.collections]
            parts += [f"id set `{s.name}`" for s in row.id_sets]
            parts += [f"append list `{a.name}`" for a in row.appends]
            if row.scalars:
                parts.append("scalars " + ", ".join(f"`{s}`" for s in row.scalars))
            holds = "; ".join(parts)
        rows.append(f"| `{row.type}` | `{row.path}` | {holds} |")
    return "\n".join(rows)


_CONFIGURATION_TYPES = frozenset(row.type for row in CONFIGURATION_ROWS)


def _collection_text(c: Collection) -> str:
    """How a collection is keyed, linking the contract-v2 rules that change what a key is."""
    kind = "upsert list" if c.upsert is not None else "collection"
    text = f"{kind} `{c.name}` keyed by `{c.key}`"
    if c.case_insensitive:
        text += " ignoring case ([R16](rules.md#r16-case-insensitive-status-ids))"
    if c.object_key:
        text += " (an object: [R17](rules.md#r17-object-keys-statistic-values))"
    return text


def configuration_table() -> str:
    rows = ["| message type | subscription path | collection (keyed by `configurationId.id`) |", "|---|---|---|"]
    for row in default_schema():
        if row.type in _CONFIGURATION_TYPES:
            rows.append(f"| `{row.type}` | `{row.path}` | `{row.collections[0].name}` |")
    return "\n".join(rows)


def cli_help(command: str | None) -> str:
    if command is None:
        raise PluginError("cli-help needs a command name")
    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "100"  # argparse wraps to the terminal; pages should not depend on the builder's
    try:
        parser = _cli.build_parser()
        subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        choices: dict[str, argparse.ArgumentParser] = subparsers[0].choices if subparsers else {}
        if command not in choices:
            return (f'!!! note "Not in this build"\n    This installation of icws_state has no `{command}` '
                    "command; the text above describes it as shipped with the full package.")
        return "```text\n" + choices[command].format_help().rstrip() + "\n```"
    finally:
        if old is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = old


def changelog(root: Path) -> str:
    text = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    # The file links to the snapshot page by its repository path; on the site that is a page link.
    return text.replace("`docs/snapshot.md`", "[the snapshot page](snapshot.md#versioning-policy)")


def render(name: str, arg: str | None, root: Path = Path()) -> str:
    if name == "state-diagram":
        return state_diagram_block()
    if name == "server-transitions":
        return server_transitions_table()
    if name == "schema-table":
        return schema_table()
    if name == "configuration-table":
        return configuration_table()
    if name == "cli-help":
        return cli_help(arg)
    if name == "changelog":
        return changelog(root)
    raise PluginError(f"unknown generated block {name!r}")


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Replace every ``<!-- generated: ... -->`` marker of a page with its generated Markdown."""
    root = Path(config["config_file_path"]).parent if config is not None else Path()
    return _MARKER.sub(lambda m: render(m.group(1), m.group(2), root), markdown)
