"""The real browsers: the same `fetch()` contract as the engine (`cors_lab.Browser`), answered by a real browser.

`binaries` finds Debian's browsers; `chromium` drives headless Chromium through Playwright; `firefox` drives headless
Firefox ESR through Marionette (Mozilla's own client, no geckodriver); `page_js` is the page script both run;
`bridge` holds what both bridges share (deadlines, the worker thread, results built from the page script's answer);
`footprint` keeps one real browser per kernel at a time, closed when idle and by `stop_all()`;
`devtools` runs the "Allow CORS" extension and `--disable-web-security` for real. Learners reach them through
`cors_lab` (`ChromiumBrowser`, `chromium_available`, `FirefoxBrowser`, `firefox_available`, `fetch_with_extension`)."""
