"""Headless Chromium for the browser tests: Playwright for Python driving Debian's Chromium
(chromium.launch(executable_path=...)), so no browser is downloaded. The flags keep Chromium off
a closed network: no background requests, updates, sync or first-run pages."""

import shutil
from contextlib import contextmanager

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--hide-scrollbars",
]


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    return None


@contextmanager
def open_browser():
    """A fresh headless Chromium, closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser, width=1200, height=900, service_workers="block"):
    """A page in a context of its own (its own cache and storage). Service workers are blocked unless asked for,
    since Playwright's routing (only_local) does not see the requests a service worker answers."""
    context = browser.new_context(viewport={"width": width, "height": height}, service_workers=service_workers)
    return context.new_page()


@contextmanager
def open_page(width=1200, height=900, service_workers="block"):
    """A Playwright page in a fresh headless Chromium, closed afterwards."""
    with open_browser() as browser:
        yield new_page(browser, width, height, service_workers)


@contextmanager
def serve_playground(folder):
    """playground/serve.py's server on a free port of 127.0.0.1, in a thread: yields the site's address."""
    import importlib.util
    import threading

    spec = importlib.util.spec_from_file_location("playground_serve", folder / "serve.py")
    serve = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(serve)
    httpd = serve.server(port=0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()


def only_local(page, site):
    """Abort every request that leaves the site; the list the page gets as page.outside names them."""
    page.outside = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(site) or url.startswith("data:") or url.startswith("blob:"):
            request_route.continue_()
        else:
            page.outside.append(url)
            request_route.abort()

    page.route("**/*", route)
    return page
