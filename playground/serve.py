"""python playground/serve.py [--port 8000]: serve the playground on http://127.0.0.1:PORT only."""

import argparse
import functools
import http.server
import sys
from pathlib import Path
from typing import ClassVar

HERE = Path(__file__).resolve().parent


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".mjs": "text/javascript",
        ".js": "text/javascript",
    }

    def log_message(self, *args):  # quiet: the page's own status line says what happens
        pass


class Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):  # a browser that leaves mid-download is no error
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def server(port=8000):
    handler = functools.partial(Handler, directory=str(HERE))
    return Server(("127.0.0.1", port), handler)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    if not (HERE / "vendor" / "pyodide").is_dir():
        parser.error("playground/vendor/ is empty: run `make playground`, which builds it")
    with server(args.port) as httpd:
        print(f"playground: http://127.0.0.1:{args.port}/ (Ctrl-C stops it)")
        httpd.serve_forever()


if __name__ == "__main__":
    main()
