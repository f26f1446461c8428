"""waitress as papersieve runs it: a request with both `Transfer-Encoding` and `Content-Length` is
refused (400) as soon as its headers arrive, and small requests are served before large ones.

waitress alone frames such a request by its chunks, as RFC 9112 allows; a client that framed the
body by its Content-Length then gets no answer until the channel times out. Such a request is
also the classic request-smuggling shape, and RFC 9112 (section 6.1) lets a server reject it."""

from __future__ import annotations

from typing import Any

from waitress import create_server
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser, ParsingError
from waitress.server import BaseWSGIServer

from server.task_queue import FairTaskDispatcher


class StrictRequestParser(HTTPRequestParser):
    def parse_header(self, header_plus: bytes) -> None:
        super().parse_header(header_plus)
        if self.chunked and "CONTENT_LENGTH" in self.headers:  # waitress pops TRANSFER_ENCODING
            self.connection_close = True
            raise ParsingError("a request must not have both Transfer-Encoding and Content-Length")


class StrictChannel(HTTPChannel):
    parser_class = StrictRequestParser


def create_wsgi_server(app: Any, **settings: Any) -> Any:
    """waitress's `create_server` with the strict parser on every connection and fair queuing of
    requests (server/task_queue.py) over its `threads` threads."""
    tasks = FairTaskDispatcher()
    tasks.set_thread_count(int(settings.get("threads", 4)))
    server = create_server(app, _dispatcher=tasks, **settings)
    listeners = (
        [server]
        if isinstance(server, BaseWSGIServer)
        else [dispatcher for dispatcher in server.map.values() if isinstance(dispatcher, BaseWSGIServer)]
    )  # a MultiSocketServer when the host name has several addresses
    for listener in listeners:
        listener.channel_class = StrictChannel
    return server
