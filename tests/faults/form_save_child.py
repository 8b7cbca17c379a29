"""Child process of tests/faults/test_kill_during_form_save.py: save the Data page's
"new armed actor" form through the real app script (Streamlit's AppTest), as a
user's click does.

With `--kill`, the process SIGKILLs itself from inside the store's write
transaction: right after the write's records, history rows and audit entry are
written (`step_audit` runs next, inside the same transaction) and before the
commit. The kill point is a place in the code, not a moment on a clock, so a
busy machine cannot move it. Run as `python -m tests.faults.form_save_child
NAME [--kill]`, with ACTORGRAPH_STORE_URL naming the store.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from typing import Any

from streamlit.testing.v1 import AppTest

from graph.stores import embedded_store, neo4j_store
from tests.ui.conftest import APP, HANG_LIMIT_S
from ui.components import data_view, forms

NEW_ACTOR = data_view.form_id("entity", "ArmedActor", None, gen=0)


def _then_die(inner: Callable[..., Any]) -> Callable[..., Any]:
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        inner(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGKILL)
        raise AssertionError("unreachable: SIGKILL cannot be caught")

    return wrapped


def main(argv: list[str]) -> int:
    name, kill = argv[0], "--kill" in argv[1:]
    if kill:
        embedded_store.step_audit = _then_die(embedded_store.step_audit)  # type: ignore[assignment]
        neo4j_store.step_audit = _then_die(neo4j_store.step_audit)  # type: ignore[assignment]
    at = AppTest.from_file(str(APP), default_timeout=HANG_LIMIT_S)
    at.run()
    at.switch_page("views/data.py").run()
    at.text_input(key=forms.key(NEW_ACTOR, "name")).input(name)
    at.selectbox(key=forms.key(NEW_ACTOR, "actor_kind")).set_value("community_militia")
    at.selectbox(key=forms.key(NEW_ACTOR, "structure")).set_value("community_embedded")
    at.text_input(key=forms.key(NEW_ACTOR, "valid_from")).input("2021-03")
    at.button(key=f"{NEW_ACTOR}.submit").click().run()
    if at.exception or at.error:
        print([e.value for e in [*at.exception, *at.error]], file=sys.stderr)
        return 1
    print(at.success[0].value if at.success else "no confirmation shown")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
