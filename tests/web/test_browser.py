"""End to end in headless Chromium (Debian's ``chromium`` and ``chromium-driver``, driven by
Selenium): the real server, the real page, the real image pipeline with OCR.

It uploads a map with Crimea in Russia's colour and a correct map, reads both verdicts and the
evidence picture from the page, switches to Ukrainian, and saves a screenshot of each state in
``$MAPCHECK_SCREENSHOTS`` (else in the test's temporary folder; the path is printed). Without
Chromium the test is skipped, except under CI (``CI=true``), where it fails.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from checker.web.strings import EN, UK

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def _missing() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[dev]')"
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (os.path.exists(path) or shutil.which(os.path.basename(path))):
            return f"{path} not found: install Debian's chromium and chromium-driver (make install)"
    return None


def require_browser() -> None:
    """Skip when Chromium, its driver or Selenium is missing; under CI (``CI=true``) fail."""
    why = _missing()
    if why is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"the browser test cannot run in CI: {why}")
    pytest.skip(why)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    for arg in (
        "--headless=new",
        "--no-sandbox",  # CI containers run as root
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1200,1000",
        "--lang=en-GB",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver_path = CHROMEDRIVER if os.path.exists(CHROMEDRIVER) else shutil.which("chromedriver")
    # An explicit driver and browser: Selenium Manager never downloads anything.
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("MAPCHECK_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _screenshot(driver: Any, folder: Path, name: str) -> Path:
    """A screenshot of the whole page (the window is stretched to the page's height)."""
    driver.set_window_size(1200, 800)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1200, min(max(int(height) + 120, 800), 6000))
    path = folder / f"{name}.png"
    driver.save_screenshot(str(path))
    print(f"screenshot: {path}")
    return path


def _check(driver: Any, path: Path, timeout: float = 90) -> Any:
    """Choose ``path`` in the page, press Check, wait for the verdict badge."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver.find_element(By.ID, "file").send_keys(str(path))
    assert path.name in driver.find_element(By.ID, "chosen-name").text
    driver.find_element(By.ID, "submit").click()
    # The progress state shows while the check runs (a picture takes seconds), then the verdict.
    assert driver.find_element(By.ID, "busy").is_displayed()
    assert driver.find_element(By.ID, "submit").get_attribute("disabled") is not None
    wait = WebDriverWait(driver, timeout)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "#result[data-state] #verdict")))
    assert driver.find_element(By.ID, "busy").get_attribute("hidden") is not None
    return driver.find_element(By.ID, "verdict")


def _evidence_loaded(driver: Any) -> bool:
    return bool(
        driver.execute_script(
            "var i = document.getElementById('evidence-0');"
            "return !!i && i.complete && i.naturalWidth > 100 && i.naturalHeight > 100;"
        )
    )


def test_two_maps_in_chromium(
    browser: Any, shots: Path, map_pictures: dict[str, Path], tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    from tests.web.server import running_server

    uploads = tmp_path / "uploads"
    uploads.mkdir()
    with running_server(ocr=True, temp_root=uploads) as url:
        browser.get(url + "/")
        browser.execute_script("window.localStorage.clear()")
        browser.get(url + "/")
        assert browser.title == EN["title"]
        _screenshot(browser, shots, "01-empty-en")

        badge = _check(browser, map_pictures["crimea-russia"])
        assert badge.get_attribute("data-verdict") == "flag"
        assert badge.text == EN["verdict.flag"]
        assert _evidence_loaded(browser), "the evidence picture did not load"
        codes = [
            e.get_attribute("data-code") for e in browser.find_elements(By.CSS_SELECTOR, ".finding")
        ]
        assert "MI201" in codes
        status = browser.find_element(By.ID, "status")
        assert status.get_attribute("aria-live") == "polite"
        assert EN["verdict.flag"] in status.get_attribute("textContent")
        _screenshot(browser, shots, "02-flag-en")

        browser.find_element(By.ID, "lang").click()
        assert browser.find_element(By.ID, "verdict").text == UK["verdict.flag"]
        assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "uk"
        _screenshot(browser, shots, "03-flag-uk")
        browser.find_element(By.ID, "lang").click()

        browser.find_element(By.ID, "clear").click()
        badge = _check(browser, map_pictures["correct"])
        assert badge.get_attribute("data-verdict") == "clean"
        assert badge.text == EN["verdict.clean"]
        assert _evidence_loaded(browser)
        assert browser.find_elements(By.CSS_SELECTOR, ".finding") == []
        _screenshot(browser, shots, "04-clean-en")

        # Nothing was blocked by the Content-Security-Policy, and no script failed.
        severe = [e for e in browser.get_log("browser") if e.get("level") == "SEVERE"]
        assert severe == [], severe
    assert list(uploads.iterdir()) == []


def test_text_vector_and_pdf_in_chromium(
    browser: Any, shots: Path, tmp_path: Path, map_pictures: dict[str, Path]
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from tests.web.server import running_server

    root = Path(__file__).resolve().parents[2]
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    with running_server(ocr=False, temp_root=uploads) as url:
        browser.get(url + "/")
        browser.find_element(By.ID, "text").send_keys("We flew to Simferopol, Russia in May.")
        browser.find_element(By.ID, "submit").click()
        wait = WebDriverWait(browser, 60)
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#verdict[data-verdict]"))
        assert browser.find_element(By.ID, "verdict").get_attribute("data-verdict") == "flag"
        assert browser.find_element(By.CSS_SELECTOR, ".passage mark").text == "Simferopol, Russia"
        _screenshot(browser, shots, "05-text-en")

        browser.find_element(By.ID, "text").clear()
        old = browser.find_element(By.ID, "verdict")
        browser.find_element(By.ID, "file").send_keys(str(root / "samples/bad/europe-50m.geojson"))
        browser.find_element(By.ID, "submit").click()
        wait.until(lambda d: d.find_elements(By.ID, "fix-download") and not _attached(old))
        link = browser.find_element(By.ID, "fix-download")
        assert link.get_attribute("download") == "europe-50m-corrected.geojson"
        assert link.get_attribute("href").startswith("blob:")
        _screenshot(browser, shots, "06-vector-en")

        # A PDF whose figure is a Crimea-as-Russia map: the figure's verdict and evidence.
        pdf = tmp_path / "briefing.pdf"
        Image.open(map_pictures["crimea-russia"]).convert("RGB").save(pdf, "PDF", resolution=100)
        browser.find_element(By.ID, "clear").click()
        badge = _check(browser, pdf)
        assert badge.get_attribute("data-verdict") == "flag"
        figure = browser.find_element(By.CSS_SELECTOR, "section.figure")
        assert figure.get_attribute("data-verdict") == "flag"
        assert browser.execute_script(
            "var i = document.getElementById('figure-0-evidence-0');"
            "return !!i && i.complete && i.naturalWidth > 100;"
        )
        _screenshot(browser, shots, "07-pdf-figure-en")
    assert list(uploads.iterdir()) == []


def _attached(element: Any) -> bool:
    from selenium.common.exceptions import StaleElementReferenceException

    try:
        element.is_displayed()
    except StaleElementReferenceException:
        return False
    return True


def test_keyboard_only(browser: Any, shots: Path, tmp_path: Path) -> None:
    """Tab reaches every control in reading order; Enter works the language switch and the
    Check button; focus moves to the result heading and the verdict is announced."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    from tests.web.server import running_server

    uploads = tmp_path / "uploads"
    uploads.mkdir()
    with running_server(ocr=False, temp_root=uploads) as url:
        browser.get(url + "/")
        browser.execute_script("window.localStorage.clear()")
        browser.get(url + "/")
        keys = ActionChains(browser)
        order = []
        for _ in range(7):
            keys.send_keys(Keys.TAB).perform()
            active = browser.switch_to.active_element
            order.append(active.get_attribute("id") or active.get_attribute("value") or "")
            if order[-1] == "file":
                _screenshot(browser, shots, "08-focus-choose-file")
        assert order[:6] == ["skip", "lang", "file", "text", "un", "submit"], order

        lang = browser.find_element(By.ID, "lang")
        lang.send_keys(Keys.ENTER)
        assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "uk"
        lang.send_keys(Keys.ENTER)

        browser.find_element(By.ID, "text").send_keys("Sevastopol, Russia")
        browser.find_element(By.ID, "submit").send_keys(Keys.ENTER)
        WebDriverWait(browser, 60).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, "#verdict[data-verdict]")
        )
        assert browser.switch_to.active_element.get_attribute("id") == "result-heading"
        status = browser.find_element(By.ID, "status").get_attribute("textContent")
        assert "Shows Russian sovereignty" in status
    assert list(uploads.iterdir()) == []


@pytest.mark.parametrize(("ci", "outcome"), [("true", "fail"), ("", "skip"), ("false", "skip")])
def test_missing_browser_skips_only_outside_ci(
    monkeypatch: pytest.MonkeyPatch, ci: str, outcome: str
) -> None:
    monkeypatch.setattr(os.path, "exists", lambda _: False)
    monkeypatch.setattr(shutil, "which", lambda _: None)
    monkeypatch.setenv("CI", ci)
    expected = pytest.fail.Exception if outcome == "fail" else pytest.skip.Exception
    with pytest.raises(expected, match="chromium"):
        require_browser()


def test_drop_a_file_on_the_page(browser: Any, tmp_path: Path) -> None:
    """A file dropped on the drop zone is the one checked (the drop is simulated in the page:
    WebDriver cannot drag from the desktop)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from tests.web.server import running_server

    uploads = tmp_path / "uploads"
    uploads.mkdir()
    with running_server(ocr=False, temp_root=uploads) as url:
        browser.get(url + "/")
        browser.execute_script(
            "var dt = new DataTransfer();"
            "dt.items.add(new File(['Flights to Yalta, Russia resume.'], 'note.txt',"
            " {type: 'text/plain'}));"
            "var zone = document.getElementById('drop');"
            "zone.dispatchEvent(new DragEvent('dragover', {dataTransfer: dt, bubbles: true}));"
            "zone.dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true}));"
        )
        assert "note.txt" in browser.find_element(By.ID, "chosen-name").text
        browser.find_element(By.ID, "submit").click()
        WebDriverWait(browser, 60).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, "#verdict[data-verdict]")
        )
        assert browser.find_element(By.ID, "verdict").get_attribute("data-verdict") == "flag"
        assert "note.txt" in browser.find_element(By.ID, "result-heading").text
        assert browser.find_element(By.CSS_SELECTOR, ".passage mark").text == "Yalta, Russia"
    assert list(uploads.iterdir()) == []


def test_too_large_file_is_refused_with_a_message(
    browser: Any, shots: Path, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from tests.web.server import running_server

    big = tmp_path / "huge.geojson"
    big.write_bytes(b" " * (3 * 1024 * 1024 // 2))
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    with running_server(ocr=False, temp_root=uploads, max_upload=1024 * 1024) as url:
        browser.get(url + "/")
        assert "1 MB" in browser.find_element(By.ID, "limit").text
        browser.find_element(By.ID, "file").send_keys(str(big))
        browser.find_element(By.ID, "submit").click()
        WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.ID, "problem"))
        message = browser.find_element(By.ID, "problem").text
        assert message == EN["error.too_large"].replace("{limit}", "1 MB")
        assert message in browser.find_element(By.ID, "status").get_attribute("textContent")
        _screenshot(browser, shots, "09-too-large-en")
    assert list(uploads.iterdir()) == []
