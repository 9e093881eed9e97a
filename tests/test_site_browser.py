"""Built pages in a real browser (Debian's chromium + chromedriver) served over HTTP on 127.0.0.1."""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "data" / "site"))

from sitekit import make_project, tagged, write_catalog  # noqa: E402

from conftest import require_tool  # noqa: E402
from localize.site import build_site  # noqa: E402

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

_MEASURE_CJK = """
const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
const run = /[\\u4e00-\\u9fff]{4,}/;
let node;
while ((node = walker.nextNode())) {
  const m = run.exec(node.data);
  if (!m) continue;
  const range = document.createRange();
  range.setStart(node, m.index);
  range.setEnd(node, m.index + m[0].length);
  const rects = range.getClientRects();
  if (rects.length !== 1) continue;
  const size = parseFloat(getComputedStyle(node.parentElement).fontSize);
  return {chars: m[0].length, width: rects[0].width, fontSize: size, text: m[0]};
}
return null;
"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    out = tmp_path_factory.mktemp("served")
    handler = functools.partial(_QuietHandler, directory=str(out))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    project = make_project(tmp_path_factory.mktemp("proj") / "p", base_url=base)
    for slug in ("gemma", "guide"):
        write_catalog(project, slug, "en", tagged("EN"))
        write_catalog(project, slug, "ar-XB", tagged("XB"), state="machine")
    write_catalog(project, "gemma", "ja", lambda s: f"日本語訳{s.text}", state="machine")
    build_site(project, out=out)
    try:
        yield base, out
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    chromium = require_tool("chromium")
    chromedriver = require_tool("chromedriver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage", "--window-size=1000,900",
                 f"--user-data-dir={tmp_path_factory.mktemp('chrome-profile')}"):
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service(chromedriver), options=options)
    try:
        yield browser
    finally:
        browser.quit()


def screenshot(driver, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    assert driver.save_screenshot(str(ARTIFACTS / name))


def test_lang_and_hreflang_from_the_live_page(server, driver) -> None:  # type: ignore[no-untyped-def]
    base, _ = server
    driver.get(f"{base}/en/gemma/")
    assert driver.execute_script("return document.documentElement.lang") == "en"
    links = driver.execute_script(
        "return Array.from(document.querySelectorAll('link[rel=alternate][hreflang]'))"
        ".map(l => [l.hreflang, l.href]);")
    assert dict(links) == {"zh-TW": f"{base}/zh-hant-tw/gemma/", "en": f"{base}/en/gemma/",
                           "ja": f"{base}/ja/gemma/", "x-default": f"{base}/en/gemma/"}
    screenshot(driver, "site-latin-en.png")


def test_ar_xb_is_right_to_left(server, driver) -> None:  # type: ignore[no-untyped-def]
    base, _ = server
    driver.get(f"{base}/ar-xb/gemma/")
    assert driver.execute_script("return getComputedStyle(document.documentElement).direction") == "rtl"
    assert driver.execute_script("return getComputedStyle(document.querySelector('main p')).direction") == "rtl"
    assert driver.execute_script("return document.querySelectorAll('link[hreflang]').length") == 0
    screenshot(driver, "site-arabic-pseudo-ar-xb.png")


def test_switcher_leads_to_the_right_page(server, driver) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    base, _ = server
    driver.get(f"{base}/ja/gemma/")
    labels = [a.get_attribute("lang") for a in driver.find_elements(By.CSS_SELECTOR, "nav.languages a")]
    assert labels == ["zh-Hant-TW", "en", "ja"]
    driver.find_element(By.CSS_SELECTOR, "nav.languages a[lang='en']").click()
    assert driver.current_url == f"{base}/en/gemma/"
    assert driver.execute_script("return document.documentElement.lang") == "en"
    driver.find_element(By.CSS_SELECTOR, "nav.languages a[lang='zh-Hant-TW']").click()
    assert driver.current_url == f"{base}/zh-hant-tw/gemma/"
    assert driver.execute_script("return document.documentElement.lang") == "zh-Hant-TW"


def test_cjk_ideographs_are_about_one_em_wide(server, driver) -> None:  # type: ignore[no-untyped-def]
    base, _ = server
    for path in ("ja/gemma/", "zh-hant-tw/gemma/"):
        driver.get(f"{base}/{path}")
        measured = driver.execute_script(_MEASURE_CJK)
        assert measured is not None, path
        per_char = measured["width"] / measured["chars"] / measured["fontSize"]
        assert 0.9 <= per_char <= 1.1, (path, measured)
    driver.get(f"{base}/ja/gemma/")
    screenshot(driver, "site-cjk-ja.png")
