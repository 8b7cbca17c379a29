"""Render `docs/schema.md` from `SCHEMA.to_dict()`.

`python -m graph.schema_doc --check` fails when the committed file has drifted
from the code (FollowTheMoney's drift check); `.ci/run` calls it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from graph.schema import SCHEMA

DOC = Path(__file__).resolve().parent.parent / "docs" / "schema.md"


def _field_rows(fields: dict[str, Any]) -> list[str]:
    rows = ["| field | type | required | default | allowed values |", "|---|---|---|---|---|"]
    for name, spec in fields.items():
        choices = ", ".join(f"`{c}`" for c in spec.get("choices", []))
        default = spec.get("default", "")
        default_text = f"`{default}`" if default not in ("", None) else ""
        rows.append(
            f"| `{name}` | {spec['type']} | {'yes' if spec['required'] else ''} | "
            f"{default_text} | {choices} |"
        )
    return rows


def render() -> str:
    data = SCHEMA.to_dict()
    lines = [
        "# actorgraph schema",
        "",
        "Generated from `graph/schema.py` by `python -m graph.schema_doc`; do not edit by hand.",
        "",
        "Every record carries the envelope fields (`id`, `valid_from`, `valid_to`, "
        "`first_cited`, `last_cited`, `basis`, `evidence_count`, `confidence`, `sources`, "
        "`sensitivity`, `notes`, `recorded_at`, `recorded_by`). Dates may be partial: "
        "`2021`, `2021-03` or `2021-03-14`; a partial start means the first day of its "
        "period, a partial end the last day (intervals include both ends).",
        "",
        "## Node kinds",
        "",
    ]
    for kind, spec in data["nodes"].items():
        lines += [f"### {kind}", "", spec["description"], "", *_field_rows(spec["fields"]), ""]
    lines += ["## Relationship types", ""]
    for rel_type, spec in data["relationships"].items():
        flags = [
            f
            for f, on in (
                ("carries influence", spec["influence"]),
                ("symmetric", spec["symmetric"]),
            )
            if on
        ]
        pairs = ", ".join(f"{a} → {b}" for a, b in spec["patterns"])
        lines += [
            f"### {rel_type}",
            "",
            spec["description"] + (f" ({'; '.join(flags)})" if flags else ""),
            "",
            f"Allowed: {pairs}",
            "",
            *_field_rows(spec["fields"]),
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if docs/schema.md drifted")
    args = parser.parse_args(argv)
    # The registry against the models too: at import it checks only itself.
    SCHEMA.check_self()
    text = render()
    if args.check:
        current = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
        if current != text:
            print(f"{DOC} is out of date: run python -m graph.schema_doc", file=sys.stderr)
            return 1
        return 0
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
