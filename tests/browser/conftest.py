"""Real pieces shared by the browser tests: one build, one server, one Chromium.

Each test gets its own server profile and a freshly reset extension storage, so tests share the
processes (the suite stays fast) but no state. Package scope, not session: Playwright's sync API
allows one instance at a time, and tests/sites starts its own.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support import missing_tool
from training.harness.browser import ExtensionBrowser, MissingTool, build_extension
from training.harness.server_process import ServerProcess, running_server

_profile_numbers = itertools.count(1)


@pytest.fixture(scope="package")
def extension_dir(tmp_path_factory: pytest.TempPathFactory):
    try:
        return build_extension(tmp_path_factory.mktemp("extension-build"))
    except MissingTool as error:
        missing_tool(str(error))


@pytest.fixture(scope="package")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with running_server(tmp_path_factory.mktemp("papersieve-data")) as running:
        yield running


@pytest.fixture(scope="package")
def playwright() -> Iterator[Any]:
    """The one Playwright instance (its sync API allows one); tests may launch more browsers in it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="package")
def browser(
    playwright: Any, extension_dir, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ExtensionBrowser]:
    try:
        launched = ExtensionBrowser(playwright, extension_dir, tmp_path_factory.mktemp("chromium-profile"))
    except MissingTool as error:
        missing_tool(str(error))
    yield launched
    launched.close()


@pytest.fixture
def profile(browser: ExtensionBrowser, server: ServerProcess) -> Iterator[str]:
    """A fresh server profile, active in a freshly reset extension; pages opened are closed after."""
    name = f"test-{next(_profile_numbers)}"
    status, reply = server.request("POST", "/profiles", {"name": name})
    assert status == 201, reply
    browser.reset(server, name)
    before = set(browser.context.pages)
    yield name
    for page in browser.context.pages:
        if page not in before and not page.is_closed():
            page.close()
