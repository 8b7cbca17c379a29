"""Take the README's screenshots with the real app on the FICTIONAL demo data.

Run by `scripts/screenshots` (or `python -m tests.browser.screenshots`). It uses
the browser tests' own machinery: the demo scenario in a fresh embedded store,
the app started exactly as `actorgraph ui` starts it on a free 127.0.0.1 port,
and Debian's headless Chromium driven by Playwright. Each page is opened by its
URL (the view lives in the query string), the script waits until the app is
idle, and the visible window is saved as a PNG under docs/screenshots/.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.stores.embedded_store import EmbeddedStore
from ingest.snapshot import load_snapshot
from tests.browser.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DEMO,
    READY_LIMIT_MS,
    ROOT,
    network_frame,
    settle,
    start_server,
    stop_server,
)

OUT = ROOT / "docs" / "screenshots"
VIEWPORT = {"width": 1440, "height": 900}


@dataclass(frozen=True)
class Shot:
    """One screenshot: the file, the app URL that shows it, and what to wait for."""

    name: str
    path: str
    wait_for: str  # text on the page once the view is drawn
    drawing: bool = False  # a vis-network drawing to wait for as well
    scroll_to: str | None = None  # text to bring to the top of the window first


SHOTS = (
    Shot("overview", "/", "Overview"),
    Shot(
        "network",
        "/network?centre=act_askel&depth=2&node=act_askel",
        "Askel Pass Brigade",
        drawing=True,
        scroll_to="Centre on (ego network)",
    ),
    Shot(
        "paths",
        "/paths?target=per_ebberlay&paths=3",
        "Paths to Rusten Ebberlay",
        drawing=True,
        scroll_to="Paths to Rusten Ebberlay",
    ),
    Shot("profile", "/profile?actor=act_askel", "Askel Pass Brigade"),
    Shot(
        "coverage",
        "/coverage",
        "Engagers × armed actors",
        scroll_to="Click a score to open the leverage paths",
    ),
    Shot("data", "/data?tab=Relationship", "Relationship"),
)


def demo_store(folder: Path) -> Path:
    """The fictional demo scenario in a fresh embedded store file."""
    path = folder / "demo.db"
    store = EmbeddedStore(path)
    store.ensure_schema()
    load_snapshot(store, DEMO, actor="demo")
    store.close()
    return path


def take(page: Any, base_url: str, shot: Shot, out: Path) -> Path:
    page.goto(base_url + shot.path)
    settle(page)
    page.get_by_text(shot.wait_for).first.wait_for(timeout=READY_LIMIT_MS)
    if shot.drawing:
        network_frame(page)
    if shot.scroll_to:
        page.get_by_text(shot.scroll_to).first.evaluate("e => e.scrollIntoView({block: 'start'})")
    settle(page)
    # Widgets draw a grey placeholder until their code has loaded: wait them out.
    page.wait_for_function("() => !document.querySelector('[data-testid=stSkeleton]')")
    page.wait_for_timeout(500)  # let the last placeholder's widget paint
    target = out / f"{shot.name}.png"
    page.screenshot(path=str(target))
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the PNG files")
    parser.add_argument("names", nargs="*", help="only these shots (default: all)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: run scripts/install-browser", file=sys.stderr)
        return 1
    wanted = [s for s in SHOTS if not args.names or s.name in args.names]
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="actorgraph-shots-") as folder:
        server = start_server(demo_store(Path(folder)), "screenshots")
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                page = browser.new_context(viewport=VIEWPORT).new_page()
                page.set_default_timeout(READY_LIMIT_MS)
                for shot in wanted:
                    saved = take(page, server.url, shot, args.out)
                    print(f"{saved.relative_to(ROOT) if saved.is_relative_to(ROOT) else saved}")
                browser.close()
        finally:
            stop_server(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
