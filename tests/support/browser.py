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
    page = context.new_page()
    page.errors = []  # what the page threw and nobody caught: a test can ask that there is none
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


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


READY = "window.playground && window.playground.ready === true"

# Every long task of the page's main thread (over 50 ms, as Chromium reports them), from its first script on,
# for page.add_init_script; TASKS_AFTER_READY is the durations of those that began once the page was ready.
LONG_TASKS = """window.longTasks = [];
new PerformanceObserver((list) => { for (const e of list.getEntries()) window.longTasks.push({start: e.startTime,
  duration: e.duration}); }).observe({type: "longtask", buffered: true});"""
TASKS_AFTER_READY = "window.longTasks.filter((t) => t.start > window.playground.readyAt).map((t) => t.duration)"


def open_view(page, site, hash_, timeout=120_000):
    """Load the playground at site + hash_ (a new hash alone does not load the page again) and wait until it is
    ready; returns the page's own load time in ms."""
    page.goto(site + hash_)
    page.reload()
    page.wait_for_function(READY, timeout=timeout)
    return page.evaluate("window.loadMilliseconds")
