"""`actorgraph rekey`: give an encrypted store a new key, proving the old one first.

Rotating the key is what an analyst does when a key may have been seen (a
colleague left, a laptop was out of sight at a checkpoint). The old key must
open the store (ACTORGRAPH_STORE_KEY or the prompt) before the new one
(ACTORGRAPH_NEW_STORE_KEY or asked twice) replaces it; neither is ever
printed.
"""

from __future__ import annotations

import typer

from graph.errors import InvalidRecords, NotPermitted, RowError
from ui.cli_support import ask_secret, info, state


def _new_key() -> str:
    key = ask_secret("ACTORGRAPH_NEW_STORE_KEY", "new store key", twice=True)
    if key is None:
        raise NotPermitted("no new key: set ACTORGRAPH_NEW_STORE_KEY (or run on a terminal)")
    return key


def rekey(ctx: typer.Context) -> None:
    """Re-encrypt a sqlcipher:/// store under a new key (the old key must open it first).

    The old key comes from ACTORGRAPH_STORE_KEY (or a prompt), the new one from
    ACTORGRAPH_NEW_STORE_KEY (or asked twice). On a store with accounts only an
    admin may rekey. Everyone who opens the store needs the new key afterwards.
    """
    # Loaded when the command runs: CLI start-up (tests/cli/test_startup_imports.py).
    from graph.stores.encrypted_store import EncryptedStore

    st = state(ctx)
    raw = st.raw_store()
    if not isinstance(raw, EncryptedStore):
        raw.close()
        raise InvalidRecords(
            [
                RowError(
                    field="store",
                    message="rekey works on an encrypted store only",
                    suggestion="use --store sqlcipher:///path.db",
                )
            ]
        )
    actor = st.requested.name
    if raw.list_users():
        st.store()  # signs in (and fails on a wrong password) before anything changes
        assert st.user is not None
        st.user.require_admin()
        actor = st.user.name
    new_key = _new_key()
    if st.settings.store_key is not None and new_key == st.settings.store_key.get_secret_value():
        raise NotPermitted("the new key is the old key; the store is unchanged")
    raw.rekey(new_key, actor=actor)
    raw.close()
    info(f"re-encrypted {raw.path} under the new key; the old key no longer opens it")


def register(app: typer.Typer) -> None:
    app.command()(rekey)
