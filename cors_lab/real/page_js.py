"""The page's side of a real-browser call: the JavaScript both bridges (Chromium, Firefox) run in their page.

Each script is one async arrow function taking one array argument and answering a JSON-able object, so Playwright
runs it as ``page.evaluate(FETCH_JS, args)`` and Marionette as ``(FETCH_JS)(arguments[0]).then(done)``
(see `marionette_wrapper`). Both keep the call's deadline in the page: when the time is up the request is aborted
(the browser stops following redirects and reading the body and closes the connection) and the answer is
``{timeout: true}``.

- `FETCH_JS` ``[url, init, timeoutMs]``: ``fetch(url, init)``; ``init.bodyBytes`` (a list of byte values) becomes a
  Uint8Array body. Answers ``{rejected}`` (the exception's text) or ``{type, status, headers: [[name, value]...],
  text, bodyError, url, redirected}``.
- `XHR_JS` ``[method, url, headers, body, bodyBytes, withCredentials, uploadListener, timeoutMs]``: one
  XMLHttpRequest, as axios and jQuery send it. Answers ``{thrown}`` when ``open()``/``setRequestHeader()``/
  ``send()`` threw, else ``{status, statusText, allHeaders (getAllResponseHeaders()), text (responseText, or
  the exception reading it threw), responseURL, readyState, events, uploadEvents}``: the names of the events
  that fired, in order, on the request and (with ``uploadListener``) on ``xhr.upload``. At the deadline:
  ``{timeout: true, readyState, events, uploadEvents}`` as they were just before the bridge aborted the request.
"""
from __future__ import annotations

FETCH_JS = """
async ([url, init, timeoutMs]) => {
  if (init.bodyBytes) { init.body = new Uint8Array(init.bodyBytes); delete init.bodyBytes; }
  const controller = new AbortController();
  init.signal = controller.signal;
  const run = async () => {
    let r;
    try { r = await fetch(url, init); } catch (e) { return {rejected: String(e)}; }
    const headers = [];
    for (const [k, v] of r.headers) headers.push([k, v]);
    let text = '', bodyError = null;
    try { text = await r.text(); } catch (e) { bodyError = String(e); }
    return {type: r.type, status: r.status, headers, text, bodyError, url: r.url, redirected: r.redirected};
  };
  let timer;
  // resolve before abort: the race is settled by the timer, not by the AbortError the abort causes
  const late = new Promise(resolve => {
    timer = setTimeout(() => { resolve({timeout: true}); controller.abort(); }, timeoutMs);
  });
  try { return await Promise.race([run(), late]); } finally { clearTimeout(timer); }
}
"""

XHR_EVENTS = ("loadstart", "progress", "abort", "error", "load", "timeout", "loadend")

XHR_JS = """
async ([method, url, headers, body, bodyBytes, withCredentials, uploadListener, timeoutMs]) => {
  const names = %s;
  return await new Promise(resolve => {
    const xhr = new XMLHttpRequest();
    const events = [], uploadEvents = [];
    let timer = null, settled = false;
    const settle = (answer) => { if (!settled) { settled = true; clearTimeout(timer); resolve(answer); } };
    const finish = () => {
      let text = '';
      try { text = xhr.responseText; } catch (e) { text = String(e); }
      settle({status: xhr.status, statusText: xhr.statusText, allHeaders: xhr.getAllResponseHeaders(), text,
              responseURL: xhr.responseURL, readyState: xhr.readyState, events, uploadEvents});
    };
    for (const name of names) {
      xhr.addEventListener(name, () => { events.push(name); if (name === 'loadend') finish(); });
      if (uploadListener) xhr.upload.addEventListener(name, () => uploadEvents.push(name));
    }
    try {
      xhr.open(method, url);
      for (const [k, v] of headers) xhr.setRequestHeader(k, v);
      xhr.withCredentials = withCredentials;
      // copies: abort() fires abort and loadend at once, and what the script saw is what came before the deadline
      timer = setTimeout(() => {
        settle({timeout: true, readyState: xhr.readyState, events: [...events], uploadEvents: [...uploadEvents]});
        xhr.abort();
      }, timeoutMs);
      xhr.send(bodyBytes ? new Uint8Array(bodyBytes) : body);
    } catch (e) {
      settle({thrown: String(e), readyState: xhr.readyState, events, uploadEvents});
    }
  });
}
""" % ("[" + ", ".join(f"'{name}'" for name in XHR_EVENTS) + "]")


def marionette_wrapper(function_js: str) -> str:
    """The body of a Marionette ``execute_async_script`` that runs one of these functions on ``arguments[0]``."""
    return (f"const done = arguments[arguments.length - 1];\n({function_js.strip()})(arguments[0])"
            ".then(done, e => done({rejected: 'bridge: ' + String(e)}));")
