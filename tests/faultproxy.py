"""A fault-injecting HTTP proxy between drcheck and moto's server (AWS_ENDPOINT_URL points here).

Each request is matched against the rules in order; the first that matches (and fires, for a
probability below 1) decides what the client gets instead of, or made from, the real answer:

    malformed   200 with the real answer cut in half
    html        200 with an HTML page (a captive portal, a proxy's error page)
    surrogate   the real answer with a lone surrogate escape ("\\ud800") added to every name in it
    empty       200 with an empty JSON object: every member missing
    stall       nothing at all, until the proxy stops (a silent connection)
    trickle     the real answer's headers, then one byte every `interval` seconds
    reset       the connection reset (TCP RST) before any answer
    deny        403 AccessDenied in the protocol's own error format
    throttle    400 ThrottlingException (503 SlowDown for S3)

A request is described as "<signing service> <operation> <METHOD> <path>" (the operation from
X-Amz-Target or the Action= parameter when the protocol names it), and a rule's `match` is a
regular expression searched in that description. Every request is logged with its time.
"""

from __future__ import annotations

import http.client
import json
import random
import re
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

KINDS = ("malformed", "html", "surrogate", "stall", "trickle", "reset", "deny", "throttle", "empty")
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "te", "trailer", "upgrade"}


@dataclass
class Fault:
    kind: str
    match: str = ".*"
    probability: float = 1.0
    interval: float = 1.0  # trickle: seconds between bytes

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}")


@dataclass
class Logged:
    at: float
    description: str
    fault: str | None


@dataclass
class FaultProxy:
    upstream: str  # http://127.0.0.1:PORT of moto's server
    faults: list[Fault] = field(default_factory=list)
    seed: int = 14
    log: list[Logged] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> str:
        proxy = self

        class Handler(_Handler):
            owner = proxy

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True, name="fault-proxy").start()
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    # -- decisions -------------------------------------------------------------------------------

    def decide(self, description: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if re.search(fault.match, description) and (
                        fault.probability >= 1 or self._random.random() < fault.probability):
                    self.log.append(Logged(time.monotonic(), description, fault.kind))
                    return fault
            self.log.append(Logged(time.monotonic(), description, None))
            return None

    def faulted(self, kind: str | None = None) -> list[Logged]:
        return [entry for entry in self.log if entry.fault and (kind is None or entry.fault == kind)]


class _Handler(BaseHTTPRequestHandler):
    owner: FaultProxy
    protocol_version = "HTTP/1.1"  # keep-alive, as botocore's pool expects

    def log_message(self, *_: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_GET

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        service = _signing_service(self.headers.get("Authorization", ""))
        description = f"{service} {_operation(self.headers, body)} {self.command} {self.path}"
        fault = self.owner.decide(description)
        kind = fault.kind if fault else None
        if kind == "stall":
            self.owner._stopping.wait()
            self.close_connection = True
            return
        if kind == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        if kind == "html":
            self._answer(200, {"Content-Type": "text/html"},
                         b"<html><head><title>Gateway</title></head><body><h1>Please sign in</h1></body></html>")
            return
        if kind == "empty":
            self._answer(200, {"Content-Type": "application/x-amz-json-1.1"}, b"{}")
            return
        if kind == "deny":
            self._error(service, 403, "AccessDenied", "User is not authorized to perform this action (fault proxy)")
            return
        if kind == "throttle":
            if service == "s3":
                self._error(service, 503, "SlowDown", "Please reduce your request rate (fault proxy)")
            else:
                self._error(service, 400, "ThrottlingException", "Rate exceeded (fault proxy)")
            return
        status, headers, answer = self._forward(body)
        if kind == "malformed":
            answer = answer[: max(1, len(answer) // 2)]
        elif kind == "surrogate":
            answer = _with_surrogates(answer)
        if kind == "trickle":
            self._trickle(status, headers, answer, fault.interval if fault else 1.0)
            return
        self._answer(status, headers, answer)

    def _forward(self, body: bytes) -> tuple[int, dict[str, str], bytes]:
        target = urlsplit(self.owner.upstream)
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            connection.request(self.command, self.path, body=body or None, headers=headers)
            response = connection.getresponse()
            answer = response.read()
            kept = {k: v for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP}
            return response.status, kept, answer
        finally:
            connection.close()

    def _answer(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _trickle(self, status: int, headers: dict[str, str], body: bytes, interval: float) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.flush()
        for index in range(len(body)):
            if self.owner._stopping.wait(interval):
                break
            try:
                self.wfile.write(body[index:index + 1])
                self.wfile.flush()
            except OSError:
                break
        self.close_connection = True

    def _error(self, service: str, status: int, code: str, message: str) -> None:
        """The error in the format the service's protocol uses (what botocore's parser reads)."""
        headers = {"x-amzn-RequestId": "fault-proxy", "x-amzn-ErrorType": code}
        if self.headers.get("X-Amz-Target") or service in REST_JSON:
            headers["Content-Type"] = "application/x-amz-json-1.1"
            body = json.dumps({"__type": code, "message": message, "Message": message}).encode()
        elif service == "ec2":
            headers["Content-Type"] = "text/xml"
            body = (f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors>"
                    "<RequestID>fault-proxy</RequestID></Response>").encode()
        elif service == "s3":
            headers["Content-Type"] = "application/xml"
            body = f"<Error><Code>{code}</Code><Message>{message}</Message></Error>".encode()
        else:
            headers["Content-Type"] = "text/xml"
            body = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message>"
                    "</Error><RequestId>fault-proxy</RequestId></ErrorResponse>").encode()
        self._answer(status, headers, body)


# Signing names of rest-json services drcheck reads (their errors are JSON, but no X-Amz-Target says so).
REST_JSON = {"backup", "elasticfilesystem", "lambda", "eks", "dlm", "drs", "apigateway", "kafka", "mq",
             "glacier", "elasticmapreduce", "opensearch", "es", "memorydb", "appsync", "batch", "route53resolver"}


def _signing_service(authorization: str) -> str:
    match = re.search(r"Credential=[^/]+/\d+/[^/]+/([^/]+)/", authorization)
    return match.group(1) if match else "unknown"


def _operation(headers, body: bytes) -> str:
    target = headers.get("X-Amz-Target")
    if target:
        return target.rsplit(".", 1)[-1]
    if body and "x-www-form-urlencoded" in (headers.get("Content-Type") or ""):
        action = parse_qs(body.decode("utf-8", "replace")).get("Action")
        if action:
            return action[0]
    return "-"


_NAME_KEY = re.compile(r"(Name|Names|Identifier|Id|Key|Value)$")


def _with_surrogates(answer: bytes) -> bytes:
    """Every name in a JSON answer (keys ending Name, Id, Identifier, Key, Value, and lists of names)
    gains a lone surrogate escape; XML cannot carry one, so XML answers pass as they are."""
    try:
        data = json.loads(answer)
    except ValueError:
        return answer

    def walk(value, named=False):
        if isinstance(value, str):
            return value + "\ud800" if named else value
        if isinstance(value, list):
            return [walk(v, named) for v in value]
        if isinstance(value, dict):
            return {k: walk(v, bool(_NAME_KEY.search(k))) for k, v in value.items()}
        return value

    return json.dumps(walk(data)).encode("ascii")  # ensure_ascii writes the escape "\ud800"
