"""A real browser for the tests: Debian's ``chromium``, headless, driven over its DevTools pipe.

One browser is started for many pages (``--remote-debugging-pipe``: DevTools protocol messages as JSON
separated by NUL bytes, commands on the browser's file descriptor 3 and answers on 4, so no port is
opened and no websocket library is needed). Each page is opened from a file, printed with
``Page.printToPDF`` using the page's own CSS page size and margins (``@page``), and closed.

The browser runs with a fresh profile in a temporary folder and everything that would reach the
network, sync or update switched off. :func:`find_chromium` says whether one is installed;
``REVOLVE_CHROMIUM`` names another binary.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def find_chromium() -> str | None:
    """The chromium binary: ``$REVOLVE_CHROMIUM``, else ``chromium`` (Debian) or ``chromium-browser``."""
    named = os.environ.get("REVOLVE_CHROMIUM")
    if named:
        return shutil.which(named)
    return shutil.which("chromium") or shutil.which("chromium-browser")


class BrowserError(RuntimeError):
    """The browser answered a command with an error, or went away."""


class Chromium:
    """A headless chromium, as a context manager: ``with Chromium(binary) as browser: browser.pdf(page)``."""

    def __init__(self, binary: str, *, timeout: float = 60.0) -> None:
        """Args: binary: the chromium to run; timeout: seconds to wait for any one answer."""
        self._binary = binary
        self._timeout = timeout
        self._profile = tempfile.TemporaryDirectory(prefix="revolve-chromium-")
        self._next_id = 0
        self._buffer = b""
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Chromium:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def fds() -> None:
            # in the child, before exec: the pipe's ends on descriptors 3 and 4 (moved above 10 first,
            # so that neither is overwritten if it already is 3 or 4); dup2 makes them inheritable
            read_end = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 10)
            write_end = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 10)
            os.dup2(read_end, 3)
            os.dup2(write_end, 4)

        # close_fds=False keeps 3 and 4 open across exec; every other descriptor Python opened is
        # close-on-exec (PEP 446), so nothing else leaks into the browser
        self._process = subprocess.Popen(
            [
                self._binary,
                *FLAGS,
                f"--user-data-dir={self._profile.name}",
                "--remote-debugging-pipe",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=fds,  # noqa: PLW1509  (descriptor moves only)
            close_fds=False,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if self._process is not None and self._process.poll() is None:
                with contextlib.suppress(BrowserError):  # it may go before it answers
                    self._send("Browser.close")
                try:
                    self._process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self._process.kill()
                    self._process.wait()
        finally:
            os.close(self._to_browser)
            os.close(self._from_browser)
            self._profile.cleanup()

    # ---- the protocol ----------------------------------------------------------------------------
    def _read_message(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._from_browser], [], [], self._timeout)
            if not ready:
                raise BrowserError(f"chromium did not answer within {self._timeout:.0f} s")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise BrowserError("chromium closed its DevTools pipe")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        parsed: dict[str, Any] = json.loads(message)
        return parsed

    def _send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Send one command and wait for its answer (events that arrive meanwhile are dropped)."""
        self._next_id += 1
        command: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session is not None:
            command["sessionId"] = session
        os.write(self._to_browser, json.dumps(command).encode() + b"\0")
        while True:
            message = self._read_message()
            if message.get("id") == self._next_id:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result

    def _wait_for(self, event: str, session: str) -> None:
        while True:
            message = self._read_message()
            if message.get("method") == event and message.get("sessionId") == session:
                return

    # ---- what the tests use ----------------------------------------------------------------------
    def pdf(self, page: Path) -> bytes:
        """Open the HTML file ``page`` in a new tab, print it as the page's CSS asks (``@page`` size and
        margins, backgrounds, no browser header or footer), close the tab, and return the PDF."""
        return self.print(page).pdf

    def print(self, page: Path, *, printable_mm: float | None = None) -> Printed:
        """Print ``page`` to PDF as :meth:`pdf` does and, if ``printable_mm`` is given, lay it out again
        for print on a screen as wide as the page's printable width and measure how wide it is: a page
        wider than the paper is shrunk to fit, or cut, by the browser when printed.

        Returns:
            The PDF, and the page's laid-out width in millimetres (None when not measured).
        """
        target = self._send("Target.createTarget", url="about:blank")["targetId"]
        session = self._send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        try:
            self._send("Page.enable", session)
            self._send("Page.navigate", session, url=page.resolve().as_uri())
            self._wait_for("Page.loadEventFired", session)
            printed = self._send(
                "Page.printToPDF",
                session,
                preferCSSPageSize=True,
                printBackground=True,
                displayHeaderFooter=False,
            )
            width = None
            if printable_mm is not None:
                self._send("Emulation.setEmulatedMedia", session, media="print")
                self._send(
                    "Emulation.setDeviceMetricsOverride",
                    session,
                    width=round(printable_mm * PX_PER_MM),
                    height=round(297 * PX_PER_MM),
                    deviceScaleFactor=1,
                    mobile=False,
                )
                measured = self._send(
                    "Runtime.evaluate",
                    session,
                    expression="document.documentElement.scrollWidth",
                    returnByValue=True,
                )
                width = float(measured["result"]["value"]) / PX_PER_MM
        finally:
            self._send("Target.closeTarget", targetId=target)
        return Printed(base64.b64decode(printed["data"]), width)


PX_PER_MM = 96 / 25.4
"""CSS pixels in a millimetre."""


@dataclass(frozen=True, slots=True)
class Printed:
    """A page as the browser printed it: the PDF, and (if measured) its laid-out width in mm."""

    pdf: bytes
    width_mm: float | None
