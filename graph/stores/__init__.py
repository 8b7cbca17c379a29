"""Store backends and `open_store`, which picks one from a URL.

`sqlite:///path/to/file.db` opens the embedded store (the default);
`sqlcipher:///path/to/file.db` the same store encrypted at rest, with the key
from `settings.store_key` (ACTORGRAPH_STORE_KEY, or the CLI's prompt);
`bolt://`, `bolt+s://`, `neo4j://`, `neo4j+s://` (and `+ssc`) open Neo4j, so a
team can point actorgraph at a single server, a cluster or Aura.
`https://host:port` (or `http://127.0.0.1:port`) is a team's actorgraph server
(team mode, `actorgraph serve-api`): the user signs in with their own
`settings.user` / `settings.password`, and never holds the database password.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from graph.errors import NotFound, NotPermitted, StoreUnavailable

if TYPE_CHECKING:
    # Annotations only: `redact_url` and the scheme names serve `--help` and the
    # CLI's global options, which need neither the store module nor settings.
    from graph.settings import Settings
    from graph.store import GraphStore

SQLCIPHER_SCHEME = "sqlcipher:///"
REMOTE_SCHEMES = ("https://", "http://")
NEO4J_SCHEMES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")


def open_store(url: str, settings: Settings, *, create: bool = True) -> GraphStore:
    """Open the store named by `url`; credentials for Neo4j come from `settings`.

    With `create=False` a missing embedded store file is an error (NotFound)
    rather than a new empty store: a read on a mistyped path must not answer
    "nothing found" from a store it just made.
    """
    if url.startswith(("sqlite:///", SQLCIPHER_SCHEME)):
        path = Path(url.split(":///", 1)[1])
        if not create and not path.is_file():
            raise NotFound(
                f"no store at {path}: check --store (or ACTORGRAPH_EMBEDDED_PATH); "
                "`actorgraph init` or `actorgraph import` creates one"
            )
        if url.startswith(SQLCIPHER_SCHEME):
            return _open_encrypted(path, settings)
        # Only the store the URL names is loaded, with its driver: start-up time.
        from graph.stores.embedded_store import EmbeddedStore

        return EmbeddedStore(path, busy_timeout=settings.busy_timeout)
    if url.startswith(REMOTE_SCHEMES):
        # Only the store the URL names is loaded, with its driver: start-up time.
        from graph.stores.remote_store import RemoteStore

        if not settings.user or settings.password is None:
            raise NotPermitted(
                "a team server signs you in: set ACTORGRAPH_USER and ACTORGRAPH_PASSWORD "
                "(or run the command on a terminal)"
            )
        return RemoteStore(
            url,
            user=settings.user,
            password=settings.password.get_secret_value(),
            tls_ca=settings.tls_ca,
        )
    if url.startswith(NEO4J_SCHEMES):
        # Only the store the URL names is loaded, with its driver: start-up time.
        from graph.stores.neo4j_store import Neo4jStore

        if settings.neo4j_password is None:
            raise StoreUnavailable(
                "no Neo4j password: set ACTORGRAPH_NEO4J_PASSWORD (or NEO4J_PASSWORD)"
            )
        return Neo4jStore(
            url,
            user=settings.neo4j_user,
            password=settings.neo4j_password.get_secret_value(),
            database=settings.neo4j_database,
        )
    raise StoreUnavailable(
        f"unknown store URL {redact_url(url)!r}: use sqlite:///path.db, "
        "sqlcipher:///path.db, a bolt:// / neo4j:// URI or a team server's https://"
    )


def _open_encrypted(path: Path, settings: Settings) -> GraphStore:
    # Only the store the URL names is loaded, with its driver: start-up time.
    from graph.stores.encrypted_store import EncryptedStore

    if settings.store_key is None:
        raise NotPermitted(
            f"{path} is encrypted: set ACTORGRAPH_STORE_KEY (or run the command on a terminal)"
        )
    return EncryptedStore(
        path, key=settings.store_key.get_secret_value(), busy_timeout=settings.busy_timeout
    )


def redact_url(url: str) -> str:
    """Hide credentials embedded in a URI (`bolt://user:pw@host` -> `bolt://***@host`)."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"
    return url
