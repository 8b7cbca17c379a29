"""Settings read once at the edges (CLI `main`, `ui/app.py`) and passed down.

Library functions never read the environment themselves. Neo4j credentials
come only from the environment (`ACTORGRAPH_NEO4J_USER` / `_PASSWORD`, or the
plain `NEO4J_USER` / `NEO4J_PASSWORD` that `scripts/neo4j-local start` prints);
there is no default password anywhere.

`Settings()` reads the environment the way pydantic-settings' `BaseSettings`
did (prefix `ACTORGRAPH_`, names case-insensitive, a field's
`validation_alias` choices instead of the prefixed name, keyword arguments
winning over the environment), but on a plain pydantic model: importing
pydantic-settings cost every CLI command about 0.15 s of CPU before it could
print a line (it imports asyncio and its cloud secret providers), more than a
quarter of `actorgraph --help` (issue 13).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr, model_validator

ENV_PREFIX = "ACTORGRAPH_"


class Settings(BaseModel):
    # Built on first use: `--help` never reads settings.
    model_config = ConfigDict(extra="ignore", defer_build=True)

    store: Literal["embedded", "neo4j"] = "embedded"
    # A full store URL wins over `store`/`embedded_path` (sqlite:///… or a Neo4j URI).
    url: str | None = Field(default=None, validation_alias=AliasChoices("ACTORGRAPH_STORE_URL"))
    embedded_path: Path = Path("actorgraph.db")
    neo4j_uri: str | None = Field(
        default=None, validation_alias=AliasChoices("ACTORGRAPH_NEO4J_URI", "NEO4J_URI")
    )
    neo4j_user: str = Field(
        default="neo4j", validation_alias=AliasChoices("ACTORGRAPH_NEO4J_USER", "NEO4J_USER")
    )
    neo4j_password: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("ACTORGRAPH_NEO4J_PASSWORD", "NEO4J_PASSWORD"),
    )
    neo4j_database: str = Field(
        default="neo4j",
        validation_alias=AliasChoices("ACTORGRAPH_NEO4J_DATABASE", "NEO4J_DATABASE"),
    )
    # Seconds a write waits for another process's write to finish before giving
    # up with "busy: try again" (embedded store; reads never wait).
    busy_timeout: float = Field(default=30.0, gt=0)
    # Opens a sqlcipher:/// store; the CLI asks on a terminal when it is unset.
    store_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("ACTORGRAPH_STORE_KEY")
    )
    # The account the CLI acts as when the store has accounts (no default password).
    user: str | None = Field(default=None, validation_alias=AliasChoices("ACTORGRAPH_USER"))
    password: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("ACTORGRAPH_PASSWORD")
    )
    # The CA certificate (PEM) a team server's certificate is checked against,
    # for a team that made its own (team mode, `--store https://…`).
    tls_ca: Path | None = Field(default=None, validation_alias=AliasChoices("ACTORGRAPH_TLS_CA"))
    # An app session signs in again after this long without a rerun (a laptop
    # left open in a shared office).
    session_idle_minutes: int = Field(default=30, gt=0)
    # The app computes what first page loads need (projections, gaps) in the
    # background as soon as it opens a store for a clearance (ui.warmup).
    warm_up: bool = True
    # The map draws boundaries only, offline. A team that hosts its own raster
    # tile server may set its URL ({z}/{x}/{y}) to draw a basemap under them.
    map_tile_url: str | None = Field(
        default=None, validation_alias=AliasChoices("ACTORGRAPH_MAP_TILE_URL")
    )

    @model_validator(mode="before")
    @classmethod
    def _from_environment(cls, data: Any) -> Any:
        """Fill every field not given as a keyword from the environment."""
        if not isinstance(data, dict):
            return data
        env = {k.upper(): v for k, v in os.environ.items()}
        merged = dict(data)
        for name, info in cls.model_fields.items():
            alias = info.validation_alias
            keys = list(alias.choices) if isinstance(alias, AliasChoices) else []
            names = [str(k) for k in keys] or [ENV_PREFIX + name.upper()]
            if name in data or any(k in data for k in names):
                continue
            found = next((n for n in names if n.upper() in env), None)
            if found is not None:
                # Keyed as validation expects it: the alias when there is one.
                merged[found if keys else name] = env[found.upper()]
        return merged

    def store_url(self) -> str:
        if self.url:
            return self.url
        if self.store == "neo4j":
            if not self.neo4j_uri:
                return "neo4j://127.0.0.1:7687"
            return self.neo4j_uri
        return f"sqlite:///{self.embedded_path}"
