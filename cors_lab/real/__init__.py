"""The real browsers: the same `fetch()` contract as the engine (`cors_lab.Browser`), answered by a real browser.

`binaries` finds Debian's browsers; `chromium` drives headless Chromium through Playwright; `devtools` runs the
"Allow CORS" extension and `--disable-web-security` for real. Learners reach them through `cors_lab`
(`ChromiumBrowser`, `chromium_available`, `fetch_with_extension`)."""
