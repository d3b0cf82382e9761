"""Opening links from paper text: web pages only, in the system browser."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QDesktopServices

if TYPE_CHECKING:
    from PySide6.QtCore import QUrl

WEB_SCHEMES = frozenset({"http", "https"})


def is_web_url(url: QUrl) -> bool:
    """True for a well-formed http(s) URL with a host: never file:, javascript:, smb:..."""
    return url.isValid() and url.scheme().lower() in WEB_SCHEMES and bool(url.host())


def open_web_url(url: QUrl) -> bool:
    """Open ``url`` in the system browser if it is a web address; False when refused."""
    if not is_web_url(url):
        return False
    return QDesktopServices.openUrl(url)
