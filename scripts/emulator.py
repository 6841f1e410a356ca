"""Run moto's AWS emulator in server mode on 127.0.0.1 for hipcloud's tests.

Run it with the Python of the venv that scripts/emulator installs:

    .cache/moto-venv/bin/python scripts/emulator.py --port 5000 [--exit-with-parent]

Once the server responds to HTTP requests, the program prints exactly one line,
`ready http://127.0.0.1:PORT`, on stdout and flushes it. With `--port 0` the
operating system picks a free port, and the ready line carries that port.
All other output, including one log line per request unless
`--no-request-log` is given, goes to stderr. A parent that pipes stderr must
read it, or the emulator blocks once the pipe buffer is full. SIGTERM and SIGINT stop the server and exit
with status 0.

State lives in memory only. `POST /moto-api/reset` clears it between tests.
"""

import argparse
import http.client
import logging
import os
import signal
import socket
import sys
import threading
import time

ALLOWED_HOSTS = ("127.0.0.1", "localhost")
BIND_ADDRESS = "127.0.0.1"
DEFAULT_PORT = 5000
READY_TIMEOUT_SECONDS = 30.0
PARENT_POLL_SECONDS = 0.5


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Run moto's AWS emulator on 127.0.0.1 until SIGTERM or SIGINT."
    )
    parser.add_argument(
        "--host",
        default=BIND_ADDRESS,
        help="address to listen on; only 127.0.0.1 or localhost is accepted (default: %(default)s)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help="TCP port to listen on, or 0 to let the OS pick a free one (default: %(default)s)",
    )
    parser.add_argument(
        "--exit-with-parent",
        action="store_true",
        help="exit when the process that started this one exits (checked every 0.5 s)",
    )
    parser.add_argument(
        "--latency-ms",
        type=int,
        default=0,
        help="delay every response by this many milliseconds, to measure how a "
        "client behaves with cloud latency (default: 0)",
    )
    parser.add_argument(
        "--no-request-log",
        action="store_true",
        help="do not log one stderr line per HTTP request",
    )
    args = parser.parse_args(argv)

    if args.host not in ALLOWED_HOSTS:
        parser.error(
            f"invalid --host {args.host!r}: the emulator listens only on 127.0.0.1 "
            "(use 127.0.0.1 or localhost)"
        )
    if not 0 <= args.latency_ms <= 10_000:
        parser.error(f"invalid --latency-ms {args.latency_ms}: expected 0 to 10000")
    if not 0 <= args.port <= 65535:
        parser.error(f"invalid --port {args.port}: expected 0 to 65535")
    return args


def check_port_free(port):
    """Exit with a message if another process already listens on the port.

    ThreadedMotoServer.start() waits forever when its server thread fails to
    bind, so the port is checked before the server starts. SO_REUSEADDR
    matches Werkzeug's BaseWSGIServer, which sets allow_reuse_address.
    """
    if port == 0:
        return
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        probe.bind((BIND_ADDRESS, port))
    except OSError as error:
        sys.exit(
            f"emulator: cannot listen on {BIND_ADDRESS}:{port}: {error.strerror}. "
            "Stop the process that uses the port or pass another --port."
        )
    finally:
        probe.close()


# moto 5.2.5 wraps some S3 responses in `<OperationResponse>`, because botocore's
# model lacks their XML root names and botocore does not check roots. The AWS SDK
# for Rust checks them and rejects such a response ("expected
# VersioningConfiguration"). The roots below are those of the S3 API reference.
S3_XML_ROOTS = {
    "GetBucketVersioning": "VersioningConfiguration",
    "GetBucketLogging": "BucketLoggingStatus",
    "GetBucketLifecycleConfiguration": "LifecycleConfiguration",
    "GetBucketTagging": "Tagging",
    "GetBucketAcl": "AccessControlPolicy",
    "ListObjectVersions": "ListVersionsResult",
    "ListObjectsV2": "ListBucketResult",
    "ListBuckets": "ListAllMyBucketsResult",
    "DeleteObjects": "DeleteResult",
}


def fix_s3_xml_roots():
    """Make moto's S3 responses use the XML roots the S3 API documents."""
    from moto.core import serialize

    original = serialize.S3Serializer._serialize_body

    def serialize_body(self, body):
        root = S3_XML_ROOTS.get(self.operation_model.name)
        wrapper = f"{self.operation_model.name}Response"
        if root and isinstance(body, dict) and list(body) == [wrapper]:
            body = {root: body[wrapper]}
        return original(self, body)

    serialize.S3Serializer._serialize_body = serialize_body


def fix_glue_connection_type():
    """Make moto's GetConnection return ConnectionType, as AWS Glue does.

    moto 5.2.5 stores the type but leaves it out of the response, so every
    connection would read back as having no type.
    """
    from moto.glue import models

    original = models.FakeConnection.as_dict

    def as_dict(self, hide_password=False):
        result = original(self, hide_password=hide_password)
        result.setdefault("ConnectionType", self.connection_input.get("ConnectionType"))
        return result

    models.FakeConnection.as_dict = as_dict


def add_latency(milliseconds):
    """Delay every response of the emulator by a fixed time, as a region's
    round trip would. Requests are served on threads, so delays overlap."""
    from moto.moto_server import werkzeug_app

    original = werkzeug_app.DomainDispatcherApplication.__call__

    def delayed(self, environ, start_response):
        time.sleep(milliseconds / 1000)
        return original(self, environ, start_response)

    werkzeug_app.DomainDispatcherApplication.__call__ = delayed


def start_server(port):
    """Start moto in a background thread and return the server and its bound port."""
    # Imported here so that `--help` and argument errors do not pay for importing moto.
    from moto.server import ThreadedMotoServer

    fix_s3_xml_roots()
    fix_glue_connection_type()

    server = ThreadedMotoServer(ip_address=BIND_ADDRESS, port=port, verbose=False)
    starter = threading.Thread(target=server.start, daemon=True)
    starter.start()
    starter.join(READY_TIMEOUT_SECONDS)
    if starter.is_alive():
        sys.exit(
            f"emulator: moto did not start on {BIND_ADDRESS}:{port} within "
            f"{READY_TIMEOUT_SECONDS:.0f} s; see the errors above"
        )
    _, bound_port = server.get_host_and_port()
    return server, bound_port


def wait_until_answering(port):
    """Send HTTP requests until the server returns any response, or exit on timeout."""
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    last_error = None
    while time.monotonic() < deadline:
        connection = http.client.HTTPConnection(BIND_ADDRESS, port, timeout=2)
        try:
            connection.request("GET", "/moto-api/")
            connection.getresponse().read()
            return
        except OSError as error:
            last_error = error
            time.sleep(0.1)
        finally:
            connection.close()
    sys.exit(
        f"emulator: no HTTP response from {BIND_ADDRESS}:{port} within "
        f"{READY_TIMEOUT_SECONDS:.0f} s (last error: {last_error})"
    )


def main(argv=None):
    args = parse_args(argv)
    parent_pid = os.getppid()

    stop_requested = threading.Event()

    def request_stop(signum, _frame):
        print(f"emulator: received {signal.Signals(signum).name}, stopping", file=sys.stderr)
        stop_requested.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)

    if args.no_request_log:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)

    check_port_free(args.port)
    if args.latency_ms:
        add_latency(args.latency_ms)
    server, port = start_server(args.port)
    wait_until_answering(port)
    print(f"ready http://{BIND_ADDRESS}:{port}", flush=True)
    print(f"emulator: moto listening on {BIND_ADDRESS}:{port}, pid {os.getpid()}", file=sys.stderr)

    # The main thread must stay in Python code so that signal handlers run,
    # so it waits in short steps rather than joining the server thread.
    while not stop_requested.wait(PARENT_POLL_SECONDS):
        # A child whose parent exits is re-parented to init or a subreaper,
        # so a changed parent pid means the parent is gone.
        if args.exit_with_parent and os.getppid() != parent_pid:
            print(
                f"emulator: parent process {parent_pid} exited, stopping", file=sys.stderr
            )
            break

    server.stop()
    print("emulator: stopped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
