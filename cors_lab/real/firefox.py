"""Ask real Firefox: the same fetch() contract as `cors_lab.Browser`, run in headless Firefox ESR.

    >>> from cors_lab import FirefoxBrowser
    >>> real = FirefoxBrowser(origin="http://localhost:8001")
    >>> r = real.fetch("http://localhost:8002/api/public")
    >>> r.exception, r.reason_code
    ('TypeError: NetworkError when attempting to fetch resource.', 'CORSMissingAllowOrigin')

How it works, and why:
- Debian's ``firefox-esr --headless --marionette --remote-allow-system-access --no-remote --profile <tmp>``, driven
  with Mozilla's own Marionette client (the ``marionette-driver`` package; no geckodriver, nothing downloaded). One
  dedicated worker thread owns the Marionette connection and every call is handed to it, so the bridge is
  thread-safe (a Jupyter kernel calls it from its main thread, pytest from its own). Firefox starts on first use,
  is shared by every FirefoxBrowser and closes when idle, at `stop_all()`, when another real browser starts, and
  at exit (`cors_lab.real.footprint`: one real browser per kernel at a time); the next call starts a fresh one.
- Each FirefoxBrowser is one tab in a container of its own (a ``userContextId``): cookies, and the CORS preflight
  cache, whose key includes the container, are never shared between two of them.
- Firefox talks to loopback only: it runs with ``MOZ_DISABLE_NONLOCAL_CONNECTIONS=1`` (its own test switch: a
  connection to any address but loopback fails) and a profile whose prefs (`BACKGROUND_PREFS`) switch off every
  background service that would call home: updates, telemetry, studies, captive-portal and connectivity checks,
  safe browsing, remote settings (pointed at a dead loopback URL), push, prefetching and speculative connections,
  the new-tab page, the default-browser check, first-run pages, DNS over HTTPS. Every host but loopback goes through
  a proxy on a dead loopback port (``network.proxy.*``): without it Firefox would still ask the system's resolver
  for a non-loopback name (checked: the switch refuses the connection, not the DNS query before it); loopback hosts
  (localhost, ``*.localhost``, 127.0.0.0/8, ::1) are reached directly. HTTPS-First is off, so the lessons'
  ``http://localhost`` pages stay http (HTTPS-First only upgrades top-level pages; fetch() never goes through it).
  Marionette's own "recommended preferences" are switched off (``remote.prefs.recommended``): they would change
  privacy defaults (tracking protection). Every CORS, cookie and privacy default is the one a fresh Firefox has:
  Total Cookie Protection (``network.cookie.cookieBehavior`` 5), Enhanced Tracking Protection, Local Network Access.
- The page: its URL (``origin + "/"``) is answered once, inside Firefox, with an empty HTML page
  (``nsIHttpChannelInternal.setResponseOverride``, what WebDriver BiDi's ``network.provideResponse`` uses), and only
  for that one navigation of that one tab: later requests to the origin reach whatever really listens there. So
  any origin works, a non-loopback one too (``https://shop.example.com``: nothing is sent anywhere). Such a page
  has no IP address; Firefox 153's Local Network Access check lets it reach loopback (a page really served from a
  public address would be asked about). ``route_page=False`` loads ``page_url`` from the server there instead.
- A page on a port Firefox refuses (6000, 6667, 10080, ...: its bad-port list) cannot be loaded at all: that origin
  is refused with an `InputError`.
- A sandboxed frame (``origin="null"``): the top-level page is answered inside Firefox on page_url's origin
  (`cors_lab.real.bridge.SANDBOX_TOP_PATH`) and holds one ``<iframe sandbox="allow-scripts">`` of ``page_url``;
  Marionette runs the page scripts (and the console listener) in that frame, whose origin is opaque.
- ``preflight`` and ``exchanges`` come from observers in Firefox's parent process (chrome context): the channels
  of this tab (its top browsing context, so a frame's requests count), the request head as written on the wire
  and the response head as read (``nsIHttpActivityDistributor``: Cookie, Origin, every Set-Cookie line), statuses from
  ``http-on-examine-response``. A preflight is the OPTIONS request carrying ``Access-Control-Request-Method`` (a
  script cannot set that header itself).
- Console messages: a listener on Firefox's console service in the tab's content process forwards the messages of
  the tab's window (``nsIScriptError.innerWindowID``) to the parent process. ``error`` is the call's CORS sentence,
  word for word ("Cross-Origin Request Blocked: ... (Reason: ...). Status code: 200."), ``reason_code`` its
  category without Firefox's version suffix ("CORSMissingAllowOrigin2" -> "CORSMissingAllowOrigin": the name of
  MDN's page about it), ``console`` every message of the call. The page's own ``console.log()`` lines are not
  collected.
- `set_cookie(url, cookie)` is a real top-level visit of ``url`` (in a second tab of the same container) whose
  answer carries ``Set-Cookie: <cookie>``, so Firefox applies its own rules.
- One deadline per call (``timeout``): the page's script aborts its request when the time is up, and the calling
  thread never waits more than `DEADLINE_MARGIN` past it: a call that ran out of time returns a blocked result
  with ``timed_out`` True. A Firefox that stops answering is killed (a `FirefoxError` for the calls that were
  waiting on it; the next call starts a fresh one).
- Tabs do not outlive their object: a FirefoxBrowser that is garbage-collected closes its tab. `close_all()` (also
  at exit) is bounded by `CLOSE_GRACE`: a Firefox that does not quit in time is killed, with all its processes.
"""
from __future__ import annotations

import atexit
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import warnings
import weakref
from typing import Any, Callable
from urllib.parse import urlsplit

from cors_lab.browser.origin import OpaqueOrigin, Origin, URLError, origin_of, parse_url
from cors_lab.browser.result import Exchange, FetchResult, XhrResult
from cors_lab.errors import CorsLabError, FirefoxError, FirefoxNotFoundError, InputError
from cors_lab.headers import Headers
from cors_lab.real import bridge, footprint
from cors_lab.real.binaries import FIREFOX, find_firefox
from cors_lab.real.bridge import seconds as _seconds
from cors_lab.real.chromium import _BLANK_PAGE
from cors_lab.real.page_js import FETCH_JS, XHR_JS

FIREFOX_ARGS = ["--headless", "--marionette", "--remote-allow-system-access", "--no-remote"]
#: the environment Firefox runs in: its own switch that makes every connection to a non-loopback address fail
FIREFOX_ENV = {"MOZ_DISABLE_NONLOCAL_CONNECTIONS": "1", "MOZ_HEADLESS": "1", "MOZ_CRASHREPORTER_DISABLE": "1"}
DEAD_URL = "http://127.0.0.1:1/"  # where a background service that still asks something is sent: nothing listens
#: prefs written to the profile's user.js: background services off, nothing else changed (see the module docstring)
BACKGROUND_PREFS: dict[str, Any] = {
    # Marionette's "recommended preferences" change privacy defaults too: the bridge sets its own list instead
    "remote.prefs.recommended": False,
    # updates: the application, add-ons, system add-ons, search engines, plugins (GMP)
    "app.update.disabledForTesting": True,
    "app.update.auto": False,
    "app.update.checkInstallTime": False,
    "app.update.url": DEAD_URL,
    "extensions.update.enabled": False,
    "extensions.update.autoUpdateDefault": False,
    "extensions.systemAddon.update.enabled": False,
    "extensions.getAddons.cache.enabled": False,
    "extensions.getAddons.discovery.api_url": "data:, ",
    "extensions.blocklist.enabled": False,
    "browser.search.update": False,
    "media.gmp-manager.updateEnabled": False,
    "media.gmp-manager.url": DEAD_URL,
    "media.gmp-gmpopenh264.enabled": False,
    # telemetry, data reporting, Normandy and Shield studies, Nimbus experiments
    "toolkit.telemetry.enabled": False,
    "toolkit.telemetry.unified": False,
    "toolkit.telemetry.archive.enabled": False,
    "toolkit.telemetry.server": DEAD_URL,
    "toolkit.telemetry.shutdownPingSender.enabled": False,
    "toolkit.telemetry.firstShutdownPing.enabled": False,
    "toolkit.telemetry.newProfilePing.enabled": False,
    "toolkit.telemetry.updatePing.enabled": False,
    "toolkit.telemetry.bhrPing.enabled": False,
    "datareporting.healthreport.uploadEnabled": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "datareporting.policy.dataSubmissionPolicyBypassNotification": True,
    "datareporting.usage.uploadEnabled": False,
    "app.normandy.enabled": False,
    "app.normandy.api_url": "",
    "app.shield.optoutstudies.enabled": False,
    "messaging-system.rsexperimentloader.enabled": False,
    "browser.ping-centre.telemetry": False,
    "browser.newtabpage.activity-stream.telemetry": False,
    "browser.newtabpage.activity-stream.feeds.telemetry": False,
    # captive portal and connectivity checks
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "captivedetect.canonicalURL": DEAD_URL,
    # safe browsing (its list downloads) and remote settings (blocklists, CRLite, intermediates, ...)
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "browser.safebrowsing.downloads.enabled": False,
    "browser.safebrowsing.downloads.remote.enabled": False,
    "browser.safebrowsing.blockedURIs.enabled": False,
    "browser.safebrowsing.update.enabled": False,
    "browser.safebrowsing.provider.google4.updateURL": DEAD_URL,
    "browser.safebrowsing.provider.mozilla.updateURL": DEAD_URL,
    "services.settings.server": DEAD_URL + "v1",
    "security.remote_settings.crlite_filters.enabled": False,
    "security.remote_settings.intermediates.enabled": False,
    # push
    "dom.push.enabled": False,
    "dom.push.connection.enabled": False,
    "dom.push.serverURL": DEAD_URL,
    # prefetching and speculative connections
    "network.prefetch-next": False,
    "network.dns.disablePrefetch": True,
    "network.http.speculative-parallel-limit": 0,
    "network.predictor.enabled": False,
    "browser.urlbar.speculativeConnect.enabled": False,
    "browser.places.speculativeConnect.enabled": False,
    "browser.urlbar.suggest.searches": False,
    # the new-tab page and its activity-stream fetches, first-run and what's-new pages, the default-browser check
    "browser.newtabpage.enabled": False,
    "browser.newtab.preload": False,
    "browser.newtabpage.activity-stream.feeds.section.topstories": False,
    "browser.newtabpage.activity-stream.feeds.topsites": False,
    "browser.newtabpage.activity-stream.feeds.system.topstories": False,
    "browser.newtabpage.activity-stream.showSponsored": False,
    "browser.newtabpage.activity-stream.showSponsoredTopSites": False,
    "browser.topsites.contile.enabled": False,
    "browser.topsites.useRemoteSetting": False,
    "browser.startup.page": 0,
    "browser.startup.homepage": "about:blank",
    "browser.startup.homepage_override.mstone": "ignore",
    "browser.startup.firstrunSkipsHomepage": True,
    "startup.homepage_welcome_url": "about:blank",
    "startup.homepage_welcome_url.additional": "",
    "browser.aboutwelcome.enabled": False,
    "trailhead.firstrun.didSeeAboutWelcome": True,
    "browser.shell.checkDefaultBrowser": False,
    "browser.uitour.enabled": False,
    "browser.discovery.enabled": False,
    "identity.fxaccounts.enabled": False,
    "browser.region.network.url": "",
    "browser.region.update.enabled": False,
    "geo.provider.network.url": "",
    "browser.translations.enable": False,
    "browser.ml.enable": False,
    "security.certerrors.mitm.priming.enabled": False,
    # HTTPS-First / HTTPS-Only: keep http://localhost pages http
    "dom.security.https_first": False,
    "dom.security.https_first_pbm": False,
    "dom.security.https_first_schemeless": False,
    "dom.security.https_only_mode": False,
    "dom.security.https_only_mode_pbm": False,
    # DNS over HTTPS: off by choice (5), so Firefox never asks a resolver on the internet
    "network.trr.mode": 5,
    # every host but loopback goes to a proxy on a dead loopback port: Firefox then never even looks the name up
    # (MOZ_DISABLE_NONLOCAL_CONNECTIONS refuses the connection, not the DNS query before it); loopback is direct
    "network.proxy.type": 1,
    "network.proxy.http": "127.0.0.1",
    "network.proxy.http_port": 1,
    "network.proxy.ssl": "127.0.0.1",
    "network.proxy.ssl_port": 1,
    "network.proxy.socks_remote_dns": True,
    "network.proxy.no_proxies_on": "localhost, .localhost, 127.0.0.0/8, ::1",
    "network.proxy.allow_hijacking_localhost": False,
    # a headless browser driven by a program: no hang reports, no session restore, no slow-script dialogs
    "browser.sessionstore.resume_from_crash": False,
    "toolkit.startup.max_resumed_crashes": -1,
    "browser.tabs.warnOnClose": False,
    "browser.warnOnQuit": False,
    "dom.max_script_run_time": 0,
    "dom.max_chrome_script_run_time": 0,
    "dom.ipc.reportProcessHangs": False,
    "browser.tabs.remote.unloadDelayMs": 0,
    "browser.tabs.unloadOnLowMemory": False,
}
INSTALL_HINT = FIREFOX.missing
#: seconds the calling thread waits past a call's deadline for the worker's answer before it gives up on it
DEADLINE_MARGIN = 0.5
#: seconds Marionette may stay silent past a call's deadline before Firefox is taken for stuck and killed
STUCK_AFTER = 3.0
#: seconds Firefox may take to start and open its Marionette port
STARTUP_TIMEOUT = 30.0
#: seconds `close_all()` lets Firefox quit by itself before it kills it (so exit never waits on a request)
CLOSE_GRACE = 1.0
#: seconds `FirefoxBrowser.close()` waits for its tab to close (a busy worker closes it later, when it is free)
CLOSE_WAIT = 2.0
#: a Firefox console category ends in a digit when the sentence has a newer wording ("CORSMissingAllowOrigin2"):
#: the reason code, MDN's page name, is the category without it
_REASON_SUFFIX_DIGITS = "0123456789"
#: what fetch() rejects with in Firefox when the request failed (recorded from Firefox 153 ESR); a timed-out call
#: says it too: what the script would see had it given up then
NETWORK_ERROR = "TypeError: NetworkError when attempting to fetch resource."


def firefox_available() -> bool:
    """True when both the Firefox binary and the marionette-driver package are there, so `FirefoxBrowser` works.

        >>> if firefox_available():
        ...     real = FirefoxBrowser(origin="http://localhost:8001").fetch(api.url + "/api/public")
        ... else:
        ...     print(unavailable_reason())

    It does not start Firefox (that happens on the first `FirefoxBrowser.fetch`).
    """
    return unavailable_reason() is None


def unavailable_reason() -> str | None:
    """One line saying why real Firefox cannot be used here (and how to get it), or None when it can.

        >>> unavailable_reason()
        'Firefox was not found: install it with `sudo apt-get install firefox-esr` (or run `make test` as root) (or
        set CORS_LAB_FIREFOX).'
    """
    if find_firefox() is None:
        return INSTALL_HINT
    if importlib.util.find_spec("marionette_driver") is None:  # found, not imported: importing it is slow
        return "The marionette-driver Python package is missing: pip install marionette-driver (no geckodriver needed)."
    return None


def _late(timeout: float) -> FirefoxError:
    """The error of a call whose deadline passed before Firefox answered (`bridge.late`)."""
    return bridge.late(FirefoxError, "Firefox", timeout)


_is_late = bridge.is_late
_ms = bridge.ms_left


def reason_code(category: str | None) -> str | None:
    """Firefox's reason code for a CORS console category: "CORSMissingAllowOrigin2" -> "CORSMissingAllowOrigin"
    (Firefox adds a digit when it rewords a sentence; MDN names its pages without it). None for other categories."""
    if not category or not category.startswith("CORS"):
        return None
    return category.rstrip(_REASON_SUFFIX_DIGITS)


# ---- the JavaScript run in Firefox's parent process (chrome context) -----------------------------------------
#: installed once per Firefox, in Marionette's chrome sandbox "cors_lab" (kept between calls): the tab table and
#: the observers that record each tab's HTTP exchanges and answer its stand-in page
CHROME_SETUP_JS = r"""
const S = globalThis.corsLab || (globalThis.corsLab = {tabs: new Map(), channels: new Map(), userContexts: 0});
if (!S.installed) {
  const dist = Cc["@mozilla.org/network/http-activity-distributor;1"].getService(Ci.nsIHttpActivityDistributor);
  // a channel belongs to the tab of its top browsing context: a frame's requests (a sandboxed frame's) are the tab's
  const tabOf = (ch) => {
    try {
      const bc = ch.loadInfo.browsingContext;
      return S.tabs.get(bc ? bc.top.id : ch.loadInfo.browsingContextID);
    } catch (e) { return undefined; }
  };
  const asHttp = (subject) => { try { return subject.QueryInterface(Ci.nsIHttpChannel); } catch (e) { return null; } };
  S.answer = (ch, a) => {
    const r = Cc["@mozilla.org/network/replaced-http-response;1"].createInstance(Ci.nsIReplacedHttpResponse);
    r.responseStatus = 200;
    r.responseStatusText = "OK";
    r.setResponseHeader("Content-Type", "text/html; charset=utf-8", false);
    for (const [name, value] of a.headers) r.setResponseHeader(name, value, true);
    r.responseBody = a.body;
    ch.QueryInterface(Ci.nsIHttpChannelInternal).setResponseOverride(r);
  };
  // the tab's stand-in documents: one answer (or a list: a top page and its frame), each for one navigation only
  S.answerFor = (tab, url) => {
    const answers = [].concat(tab.answer || []);
    const found = answers.find(a => a.url === url);
    if (found) {
      const rest = answers.filter(a => a !== found);
      tab.answer = rest.length ? rest : null;
    }
    return found;
  };
  S.http = {observe(subject, topic) {
    const ch = asHttp(subject);
    if (!ch) return;
    const tab = tabOf(ch);
    if (!tab) return;
    if (topic === "http-on-modify-request") {
      const url = ch.URI.specIgnoringRef;
      const type = ch.loadInfo.externalContentPolicyType;
      const isPage = type === Ci.nsIContentPolicy.TYPE_DOCUMENT || type === Ci.nsIContentPolicy.TYPE_SUBDOCUMENT;
      const answer = isPage ? S.answerFor(tab, url) : null;
      if (answer) { S.answer(ch, answer); return; }
      if (isPage) return;  // the tab's own page loads (and its frame's) are not the script's requests
      const request = [];
      ch.visitRequestHeaders({visitHeader(name, value) { request.push([name, value]); }});
      const entry = {id: ch.channelId, method: ch.requestMethod, url, request, head: null, status: 0,
                     responseHead: null, response: null, t: Date.now()};
      tab.exchanges.push(entry);
      S.channels.set(ch.channelId, entry);
    } else {
      const entry = S.channels.get(ch.channelId);
      if (!entry || entry.response) return;
      try { entry.status = ch.responseStatus; } catch (e) { return; }
      const response = [];
      try { ch.visitOriginalResponseHeaders({visitHeader(name, value) { response.push([name, value]); }}); }
      catch (e) { ch.visitResponseHeaders({visitHeader(name, value) { response.push([name, value]); }}); }
      entry.response = response;
      entry.cached = topic !== "http-on-examine-response";
    }
  }};
  S.activity = {observeActivity(channel, type, subtype, timestamp, size, text) {
    if (type !== dist.ACTIVITY_TYPE_HTTP_TRANSACTION) return;
    const ch = asHttp(channel);
    if (!ch) return;
    const entry = S.channels.get(ch.channelId);
    if (!entry) return;
    if (subtype === dist.ACTIVITY_SUBTYPE_REQUEST_HEADER) { entry.head = text; entry.sentAt = timestamp; }
    else if (subtype === dist.ACTIVITY_SUBTYPE_RESPONSE_HEADER && !entry.responseHead) entry.responseHead = text;
  }};
  dist.addObserver(S.activity);
  for (const topic of ["http-on-modify-request", "http-on-examine-response", "http-on-examine-cached-response",
                       "http-on-examine-merged-response"]) {
    Services.obs.addObserver(S.http, topic);
  }
  S.openTab = (userContextId) => {
    const {NavigableManager} = ChromeUtils.importESModule(
      "chrome://remote/content/shared/NavigableManager.sys.mjs");
    const win = Services.wm.getMostRecentBrowserWindow();
    const tab = win.gBrowser.addTab("about:blank", {
      triggeringPrincipal: Services.scriptSecurityManager.getSystemPrincipal(), userContextId});
    const browser = tab.linkedBrowser;
    const record = {tab, win, bc: browser.browsingContext.id, userContextId, answer: null, exchanges: [],
                    console: []};
    S.tabs.set(record.bc, record);
    return [NavigableManager.getIdForBrowser(browser), record.bc];
  };
  S.closeTab = (bc) => {
    const record = S.tabs.get(bc);
    if (!record) return;
    S.tabs.delete(bc);
    for (const entry of record.exchanges) S.channels.delete(entry.id);
    record.win.gBrowser.removeTab(record.tab, {animate: false, skipPermitUnload: true});
  };
  S.take = (bc, since) => {
    const record = S.tabs.get(bc);
    if (!record) return [[], []];
    const taken = record.exchanges.splice(0);
    for (const entry of taken) S.channels.delete(entry.id);
    return [taken.filter(entry => entry.t >= since), record.console.splice(0).filter(m => m[2] >= since)];
  };
  // the console messages the tab's content process forwards (CONTENT_CONSOLE_JS)
  S.consoleMessages = {receiveMessage(message) {
    const record = S.tabs.get(message.data.bc);
    if (record) record.console.push(message.data.message);
  }};
  Services.ppmm.addMessageListener("cors_lab:console", S.consoleMessages);
  S.installed = true;
}
return Services.appinfo.version;
"""

#: run in the tab's content process with system rights (Marionette's "system" sandbox, kept per page): a listener
#: on the console service that forwards the messages of this page's window to the parent process, where the call's
#: chrome script collects them with its exchanges (the forwarded message travels on the same IPC channel as, and
#: before, Marionette's answer to the call, so it is there when the bridge asks)
CONTENT_CONSOLE_JS = r"""
if (!globalThis.corsLabConsole) {
  const windowId = window.windowGlobalChild.innerWindowId, bc = window.browsingContext.top.id;
  const box = globalThis.corsLabConsole = {};
  box.listener = {observe(message) {
    let error = null;
    try { error = message.QueryInterface(Ci.nsIScriptError); } catch (e) { return; }
    if (error.innerWindowID !== windowId) return;
    Services.cpmm.sendAsyncMessage("cors_lab:console", {bc, message: [
      error.category, error.errorMessage, error.timeStamp, (error.flags & 1) === 1]});
  }};
  Services.console.registerListener(box.listener);
  window.addEventListener("pagehide", () => {
    try { Services.console.unregisterListener(box.listener); } catch (e) {}
  });
}
return true;
"""


#: seconds a failed call waits for a console sentence that has not arrived yet (most failures write one at once;
#: those that write none - refused ports, no-cors - wait this long, once)
CONSOLE_GRACE = 0.2
#: seconds set_cookie waits for Firefox to store the cookie its visit was answered with
COOKIE_GRACE = 0.5


def _wrapper(function_js: str) -> str:
    """The body of a Marionette async script that runs one page function (`cors_lab.real.page_js`) on
    ``arguments[0]``; a failure of the bridge's own script is an answer too, never a hang."""
    return (f"const done = arguments[arguments.length - 1];\n({function_js.strip()})(arguments[0])"
            ".then(done, e => done({rejected: 'bridge: ' + String(e)}));")


_FETCH_SCRIPT = _wrapper(FETCH_JS)
_XHR_SCRIPT = _wrapper(XHR_JS)


def _free_port() -> int:
    sock = socket.socket()
    try:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
    finally:
        sock.close()


def _user_js(prefs: dict[str, Any]) -> str:
    return "".join(f"user_pref({json.dumps(name)}, {json.dumps(value)});\n" for name, value in prefs.items())


class _Firefox:
    """One running headless Firefox and the Marionette connection to it; used by its session's thread only."""

    def __init__(self, path: str, deadline: float):
        try:
            with warnings.catch_warnings():  # its dependencies (mozinfo, mozrunner) warn about deprecated modules
                warnings.simplefilter("ignore", DeprecationWarning)
                from marionette_driver.marionette import Marionette
        except ImportError:
            raise FirefoxNotFoundError("the marionette-driver package is not installed") from None
        self.profile = tempfile.mkdtemp(prefix="cors_lab-firefox-")
        self.port = _free_port()
        with open(os.path.join(self.profile, "user.js"), "w") as prefs:
            prefs.write(_user_js({**BACKGROUND_PREFS, "marionette.port": self.port}))
        env = {**os.environ, **FIREFOX_ENV}
        self.process: subprocess.Popen | None = subprocess.Popen(
            [path, *FIREFOX_ARGS, "--profile", self.profile], env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        self.pid = self.process.pid  # the leader of its own process group: its content processes are in it too
        self.current_handle: str | None = None
        self.in_frame = False  # the content context is the current tab's first frame (a sandboxed one)
        self.context = "content"
        try:
            self.client = self._connect(Marionette, deadline)
            self.version = self.client.session.get("browserVersion")
            self.chrome(CHROME_SETUP_JS, [], deadline)
        except BaseException:
            self.kill()
            raise

    def _connect(self, marionette_class, deadline: float):
        end = min(deadline, time.monotonic() + STARTUP_TIMEOUT)
        while True:
            if self.process.poll() is not None:
                raise FirefoxError(f"Firefox exited at start (exit code {self.process.returncode}).")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() >= end:
                    raise _late(STARTUP_TIMEOUT) from None
                time.sleep(0.05)
        client = marionette_class(host="127.0.0.1", port=self.port,
                                  socket_timeout=max(1.0, end - time.monotonic()) + STUCK_AFTER)
        client.start_session({"timeouts": {"script": 600_000, "pageLoad": 300_000}})
        client.cleanup_ran = True  # its __del__ must not talk to a Firefox that is gone: closing is ours
        return client

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None and self.client.session is not None

    # ---- Marionette commands, each with a socket deadline ---------------------------------------
    def _send(self, name: str, params: dict, deadline: float, key: str | None = "value"):
        self.client.client.socket_timeout = max(0.5, deadline - time.monotonic()) + STUCK_AFTER
        return self.client._send_message(name, params, key=key)

    def _set_context(self, context: str, deadline: float) -> None:
        if self.context != context:
            self._send("Marionette:SetContext", {"value": context}, deadline, key=None)
            self.context = context

    def chrome(self, script: str, args: list, deadline: float):
        """Run ``script`` in the parent process (chrome context), in the persistent sandbox "cors_lab"."""
        self._set_context("chrome", deadline)
        return self._send("WebDriver:ExecuteScript", {"script": script, "args": args, "newSandbox": False,
                                                      "sandbox": "cors_lab", "line": 0, "filename": "cors_lab"},
                          deadline)

    def switch_to(self, handle: str, deadline: float, frame: bool = False) -> None:
        """Make tab ``handle``'s page (``frame``: its first frame, where a sandboxed frame's scripts run) the
        content context of the next commands."""
        self._set_context("content", deadline)
        if self.current_handle != handle or self.in_frame != frame:
            self._send("WebDriver:SwitchToWindow", {"handle": handle, "focus": False}, deadline, key=None)
            self.current_handle, self.in_frame = handle, False  # switching to a window leaves any frame
            if frame:
                self._send("WebDriver:SwitchToFrame", {"id": 0}, deadline, key=None)
                self.in_frame = True

    def content(self, handle: str, script: str, args: list, deadline: float, sandbox: str | None = None,
                run_async: bool = False, frame: bool = False):
        """Run ``script`` in tab ``handle``'s page (``frame``: in its first frame): ``sandbox=None`` in the page
        itself (its origin, its fetch), ``"system"`` with system rights in its content process."""
        self.switch_to(handle, deadline, frame)
        command = "WebDriver:ExecuteAsyncScript" if run_async else "WebDriver:ExecuteScript"
        return self._send(command, {"script": script, "args": args, "newSandbox": sandbox is None,
                                    "sandbox": sandbox, "line": 0, "filename": "cors_lab"}, deadline)

    def navigate(self, handle: str, url: str, deadline: float) -> None:
        self.switch_to(handle, deadline)
        self._send("WebDriver:SetTimeouts", {"pageLoad": _ms(deadline)}, deadline, key=None)
        self._send("WebDriver:Navigate", {"url": url}, deadline, key=None)

    # ---- the end -------------------------------------------------------------------------------
    def quit(self, grace: float) -> None:
        """Ask Firefox to quit, kill it when it has not within ``grace`` seconds, and remove its profile."""
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.pid, signal.SIGTERM)
            except OSError:
                pass
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                pass
        self.kill()

    def kill(self) -> None:
        """Kill Firefox's whole process group (its content processes too), then forget the connection."""
        process, self.process = self.process, None
        if process is not None:
            if process.poll() is None:
                try:
                    os.killpg(self.pid, signal.SIGKILL)
                except OSError:
                    pass
            try:
                process.wait(2.0)
            except subprocess.TimeoutExpired:
                pass
            else:  # the content processes of a killed Firefox die with their group
                try:
                    os.killpg(self.pid, signal.SIGKILL)
                except OSError:
                    pass
        client = getattr(self, "client", None)
        if client is not None:
            try:
                client.delete_session(send_request=False)
            except Exception:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)


# ---- the worker thread that owns Marionette --------------------------------------------------------------------
class _Session(bridge.WorkerSession):
    """One worker thread and the Firefox it started; jobs run there one at a time (`bridge.WorkerSession`: the
    queue, the deadlines, the stop). A session abandoned because its Firefox is stuck never touches the Firefox of
    the session started after it."""

    error_class = FirefoxError
    browser_name = "Firefox"
    thread_name = "cors_lab:firefox"

    def __init__(self, worker: "_Worker"):
        self.worker = worker
        self.firefox: _Firefox | None = None
        super().__init__()  # starts the thread: everything it reads is set above

    def _ensure_browser(self) -> _Firefox:
        if self.firefox is None or not self.firefox.alive:
            if self.firefox is not None:
                self.firefox.kill()
                self.firefox = None
            path = find_firefox()
            if path is None:
                raise FirefoxNotFoundError()
            # not the call's deadline: a call that gives up while Firefox starts gets its timed-out answer, and
            # Firefox goes on starting, ready for the next call (else a short timeout could never start it)
            self.firefox = _Firefox(path, time.monotonic() + STARTUP_TIMEOUT)
            self.worker.version = self.firefox.version
        return self.firefox

    _ensure_firefox = _ensure_browser

    def _shutdown(self) -> None:
        if self.firefox is not None:
            self.firefox.quit(CLOSE_GRACE)
            self.firefox = None

    def _job_failed(self, error: BaseException) -> None:
        if isinstance(error, OSError) and self.firefox is not None:
            # Marionette's socket failed or stayed silent past the deadline: this Firefox is of no more use
            self.firefox.kill()
            self.firefox = None

    def _killer(self) -> Callable[[], None]:
        firefox = self.firefox
        process = firefox.process if firefox is not None else None

        def kill() -> None:
            if process is not None:  # the group outlives its leader: content processes may still run
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except OSError:
                    pass

        return kill

    def kill(self) -> None:
        """Kill this session's Firefox: the stuck Marionette call fails at once, and the thread ends."""
        self._killer()()
        self.thread.join(1.0)


class _Worker:
    """The one headless Firefox of this process, run by the current `_Session` (replaced when stopped)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._session: _Session | None = None
        self.version: str | None = None
        self.user_contexts = 0  # container ids handed out: one per tab, never reused

    def session(self) -> _Session:
        with self._lock:
            if self._session is None or not self._session.alive:
                self._session = _Session(self)
            return self._session

    def next_user_context(self) -> int:
        with self._lock:
            self.user_contexts += 1
            return 100 + self.user_contexts

    def stop(self) -> _Session | None:
        with self._lock:
            session, self._session = self._session, None
        if session is not None and session.thread.is_alive():
            session.request_stop()
            return session
        return None


_worker = _Worker()


@atexit.register
def close_all(timeout: float = CLOSE_GRACE) -> None:
    """Close the headless Firefox this process started (also runs at interpreter exit).

        >>> close_all()          # every FirefoxBrowser opens a fresh Firefox on its next call

    - ``timeout``: seconds Firefox may take to quit by itself; then it is killed, with its content processes, so
      this never waits on a stuck request.

    A call running meanwhile in another thread gets a `FirefoxError`; cookies and cached preflights are gone.
    """
    session = _worker.stop()
    if session is not None:
        footprint.close_sessions([session], timeout + 0.5)  # its own quit waits `timeout` before it kills


# ---- one tab ---------------------------------------------------------------------------------------------------
class _Tab:
    """A tab of the worker's Firefox, in a container of its own, showing the page at the origin.

    Made inside a call, so opening the page counts against that call's deadline; a tab that could not open its
    page is closed at once."""

    def __init__(self, firefox: _Firefox, user_context: int, page_url: str, route_page: bool, deadline: float,
                 sandboxed: bool = False):
        self.firefox = firefox
        self.user_context = user_context
        self.sandboxed = sandboxed  # the page scripts run in the tab's sandboxed frame, whose document is page_url
        self.handle, self.bc = firefox.chrome("return globalThis.corsLab.openTab(arguments[0]);", [user_context],
                                              deadline)
        try:
            self._open(page_url, route_page, deadline)
        except BaseException:
            self.close()
            raise

    def _open(self, page_url: str, route_page: bool, deadline: float) -> None:
        parts = urlsplit(page_url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        if not self.firefox.chrome("return Services.io.allowPort(arguments[0], arguments[1]);", [port, parts.scheme],
                                   deadline):
            origin = f"{parts.scheme}://{parts.netloc}"
            raise InputError(f"Firefox refuses every connection to port {port} (one of its blocked ports), so no page "
                             f"can have origin {origin} in Firefox.")
        answers = [{"url": page_url, "headers": [], "body": _BLANK_PAGE}] if route_page else []
        top_url = page_url
        if self.sandboxed:  # the top page is the bridge's own, with one <iframe sandbox="allow-scripts"> of page_url
            top_url = bridge.sandbox_top_url(page_url)
            answers.append({"url": top_url, "headers": [], "body": bridge.sandbox_top_page(page_url)})
        if answers:
            self.firefox.chrome("globalThis.corsLab.tabs.get(arguments[0]).answer = arguments[1];",
                                [self.bc, answers], deadline)
        try:
            self.firefox.navigate(self.handle, top_url, deadline)
        except OSError:
            raise
        except Exception as exc:
            if time.monotonic() >= deadline:
                raise
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise FirefoxError(f"Firefox could not load the page {page_url}: {first}") from None
        # Marionette's navigation can answer while the tab still switches to the page's content process (the
        # first script then runs nowhere and answers None): wait until the page itself answers
        while True:
            location = self.firefox.content(self.handle, "return window.location.href;", [], deadline)
            if urlsplit(location or "")[:3] == urlsplit(top_url)[:3]:
                break
            if time.monotonic() + 0.02 >= deadline:
                raise FirefoxError(f"Firefox could not load the page {top_url} (it shows {location}).")
            time.sleep(0.02)
        if self.sandboxed:
            self._wait_for_frame(page_url, deadline)
        self.firefox.content(self.handle, CONTENT_CONSOLE_JS, [], deadline, sandbox="system", frame=self.sandboxed)

    def _wait_for_frame(self, page_url: str, deadline: float) -> None:
        """Wait until the top page's sandboxed frame shows ``page_url`` with an opaque origin."""
        seen = None
        while True:
            try:
                seen = self.firefox.content(self.handle, "return [self.origin, location.href];", [], deadline,
                                            frame=True)
            except OSError:
                raise
            except Exception:  # no frame yet
                self.firefox.current_handle = None
            if seen and seen[0] == "null" and urlsplit(seen[1])[:3] == urlsplit(page_url)[:3]:
                return
            if time.monotonic() + 0.02 >= deadline:
                raise FirefoxError(f"Firefox could not load {page_url} in a sandboxed frame (it shows {seen}).")
            time.sleep(0.02)

    def close(self) -> None:
        if self.firefox.alive:
            try:
                self.firefox.chrome("globalThis.corsLab.closeTab(arguments[0]);", [self.bc],
                                    time.monotonic() + CLOSE_WAIT)
                if self.firefox.current_handle == self.handle:
                    self.firefox.current_handle = None
                self.firefox.chrome("Services.cookies.removeCookiesWithOriginAttributes(arguments[0], '');",
                                    [json.dumps({"userContextId": self.user_context})],
                                    time.monotonic() + CLOSE_WAIT)
            except Exception:
                pass


class _Slot:
    """Where a FirefoxBrowser keeps its tab: shared with its jobs and its finalizer, which must not hold the
    browser itself. ``gone``: the FirefoxBrowser was collected, so a job still queued for it opens no tab."""

    __slots__ = ("tab", "gone")

    def __init__(self):
        self.tab: _Tab | None = None
        self.gone = False


def _close_when_collected(slot: _Slot, session_of: Callable[[], _Session | None]) -> None:
    """The finalizer of a FirefoxBrowser: have the worker close its tab, without waiting."""
    slot.gone = True
    tab, slot.tab = slot.tab, None
    session = session_of()
    if tab is not None and session is not None:
        session.post(tab.close)


def _current_session() -> _Session | None:
    session = _worker._session
    return session if session is not None and session.alive else None


def _parse_head(text: str | None) -> tuple[str, list[tuple[str, str]]]:
    """A raw HTTP head ("GET /x HTTP/1.1\\r\\nName: value\\r\\n...") as (first line, [(lowercase name, value)])."""
    lines = (text or "").split("\r\n")
    pairs = []
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep and name:
            pairs.append((name.strip().lower(), value.strip()))
    return lines[0], pairs


def _exchanges(entries: list[dict]) -> tuple[list[Exchange], bool]:
    """The HTTP exchanges of one call, from the parent process's records of the tab's channels.

    Only requests that went out (their head was written on the wire) or were answered (a cached answer) count,
    as in the Chromium bridge; a 3xx followed by another request of the call is a ``redirect`` hop."""
    exchanges: list[Exchange] = []
    preflight = False
    kept = [e for e in entries if e.get("head") or e.get("status")]
    # in the order the requests went on the wire (a preflight's channel is made after the request it is for);
    # the activity timestamps are microseconds, the records' own milliseconds
    kept.sort(key=lambda e: e["sentAt"] if e.get("sentAt") else e["t"] * 1000)
    for i, entry in enumerate(kept):
        if entry.get("head"):
            _, request_pairs = _parse_head(entry["head"])
        else:
            request_pairs = [(name.lower(), value) for name, value in entry.get("request") or []]
        request_headers = Headers.from_pairs(request_pairs)
        if entry.get("responseHead"):
            _, response_pairs = _parse_head(entry["responseHead"])
        else:
            response_pairs = [(name.lower(), value) for name, value in entry.get("response") or []]
        set_cookies = [v for name, value in response_pairs if name == "set-cookie" for v in value.split("\n") if v]
        response_headers = Headers.from_pairs([(n, v) for n, v in response_pairs if n != "set-cookie"] +
                                              ([("set-cookie", ", ".join(set_cookies))] if set_cookies else []))
        is_preflight = entry["method"] == "OPTIONS" and "access-control-request-method" in request_headers
        preflight = preflight or is_preflight
        status = int(entry.get("status") or 0)
        kind = "preflight" if is_preflight else "actual"
        if not is_preflight and 300 <= status < 400 and "location" in response_headers and i + 1 < len(kept):
            kind = "redirect"
        exchanges.append(Exchange(kind=kind, method=entry["method"], url=entry["url"],
                                  request_headers=request_headers, status=status,
                                  response_headers=response_headers, set_cookies=set_cookies))
    return exchanges, preflight


_PageCall = bridge.PageCall


def _bridge_failure(rejection: str) -> FirefoxError | None:
    """The page wrapper marks its own failures ``"bridge: ..."``: those are raised, not a fetch() rejection."""
    return FirefoxError(f"Real Firefox failed: {rejection[8:]}") if rejection.startswith("bridge: ") else None


class FirefoxBrowser:
    """A real headless-Firefox tab whose page has origin ``origin``: the same contract as `cors_lab.Browser`.

        >>> real = FirefoxBrowser(origin="http://localhost:8001")
        >>> real
        <FirefoxBrowser page http://localhost:8001>
        >>> print(real.fetch("http://localhost:8002/api/public").error)
        Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at
        http://localhost:8002/api/public. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200.
        >>> real.close()                     # or: with FirefoxBrowser(...) as real:

    - ``origin``: the page's origin (``Browser``'s rules: ``scheme://host:port``, no path); the page is an empty
      HTML page at ``origin + "/"``, answered inside Firefox (no server needed at that origin, any host works).
      Or ``"null"``: the scripts run in an ``<iframe sandbox="allow-scripts">`` whose document is ``page_url`` (its
      origin is opaque, as ``Browser("null", page_url=..., browser="firefox")`` models it), in a top-level page on
      page_url's origin that the bridge answers (`cors_lab.real.bridge.SANDBOX_TOP_PATH`).
    - ``page_url``: another page on that origin to stand in for (``"http://localhost:8001/app/"``); with
      ``origin="null"``, the sandboxed frame's URL (default ``http://localhost:8001/``).
    - ``timeout``: seconds one call may take, all of it (starting Firefox, opening the page, every redirect hop,
      reading the body): then `fetch` returns a blocked result with ``timed_out`` True.
    - ``route_page``: False loads ``page_url`` from the real server at that origin instead of the stand-in page.

    Like a browser tab, it keeps cookies and cached preflights between calls (`clear`, `clear_cookies`), as long as
    its Firefox runs (a Firefox closed when idle, by `stop_all()` or by another real browser's start comes back
    fresh on the next call). Every FirefoxBrowser shares one headless Firefox, each in a tab of its own container,
    so two of them never share cookies. `firefox_available()` says whether it can run here. A FirefoxBrowser nobody
    refers to any more closes its tab by itself.
    """

    def __init__(self, origin: str = "http://localhost:8001", page_url: str | None = None, timeout: float = 10.0,
                 route_page: bool = True):
        self.origin: Origin | OpaqueOrigin
        self.origin, self.page_url = bridge.page_of(origin, page_url)
        if self.origin.precursor.scheme not in ("http", "https"):
            raise InputError(f"FirefoxBrowser needs an http:// or https:// page origin, not {origin!r}.")
        self.timeout = _seconds(timeout)
        self.route_page = route_page
        self._slot = _Slot()
        weakref.finalize(self, _close_when_collected, self._slot, _current_session).atexit = False
        self.last_console: list[str] = []

    def __repr__(self) -> str:
        return f"<FirefoxBrowser {bridge.describe_page(self.origin, self.page_url)}>"

    @property
    def sandboxed(self) -> bool:
        """Do the scripts run in a sandboxed frame (``origin="null"``)?"""
        return self.origin.opaque

    def __enter__(self) -> "FirefoxBrowser":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- lifecycle -----------------------------------------------------------------------------
    def _call(self, fn: Callable[[_Tab], Any], deadline: float | None = None, seconds: float | None = None) -> Any:
        """Run fn(tab) on the worker, opening the tab first if needed, all before ``deadline``. Raises a
        `FirefoxError` marked ``timed_out`` when the deadline passes first."""
        seconds = self.timeout if seconds is None else seconds
        if deadline is None:
            deadline = time.monotonic() + seconds
        reason = unavailable_reason()
        if reason:
            raise FirefoxNotFoundError() if find_firefox() is None else FirefoxError(reason)
        session = _worker.session()
        slot, page_url, route_page, sandboxed = self._slot, self.page_url, self.route_page, self.sandboxed

        def job(firefox: _Firefox):
            if time.monotonic() >= deadline or slot.gone:
                raise _late(seconds)
            try:
                tab = slot.tab
                if tab is None or tab.firefox is not firefox:  # first use, or Firefox was restarted
                    slot.tab = None
                    slot.tab = tab = _Tab(firefox, _worker.next_user_context(), page_url, route_page, deadline,
                                          sandboxed)
                    if slot.gone:
                        slot.tab = None
                        tab.close()
                        raise _late(seconds)
                return fn(tab)
            except (CorsLabError, OSError):
                raise
            except Exception as exc:
                if time.monotonic() >= deadline:  # a Marionette timeout set from the deadline
                    raise _late(seconds) from exc
                raise

        try:
            return session.call(job, deadline - time.monotonic() + DEADLINE_MARGIN)
        except FirefoxError as exc:
            if _is_late(exc):
                raise _late(seconds) from None
            raise
        except (CorsLabError, ValueError):
            raise
        except OSError:  # Marionette's socket stayed silent past the deadline: Firefox was killed
            if time.monotonic() >= deadline:
                raise _late(seconds) from None
            raise FirefoxError("Real Firefox stopped answering (it was restarted).") from None
        except Exception as exc:
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise FirefoxError(f"Real Firefox failed: {first}") from None

    def close(self) -> None:
        """Close this tab (its container's cookies and its preflight cache are forgotten).

        Waits at most `CLOSE_WAIT` seconds: a worker busy with a stuck request closes the tab when it is free."""
        tab, self._slot.tab = self._slot.tab, None
        session = _current_session()
        if tab is None or session is None:
            return
        try:
            session.call(tab.close, timeout=CLOSE_WAIT, cancel=False, needs_browser=False)
        except Exception:
            pass

    def clear(self) -> None:
        """A fresh profile: forget cookies and cached preflights (the next call opens a tab in a new container)."""
        self.close()

    def clear_cookies(self) -> None:
        """Forget cookies only (cached preflights stay): cheaper than `clear()`."""
        tab, session = self._slot.tab, _current_session()
        if tab is not None and (session is None or session.firefox is not tab.firefox):
            self._slot.tab = None  # its Firefox was closed (idle, stop_all, another browser): nothing to forget
        elif tab is not None:
            self._call(lambda tab: tab.firefox.chrome(
                "Services.cookies.removeCookiesWithOriginAttributes(arguments[0], '');",
                [json.dumps({"userContextId": tab.user_context})], time.monotonic() + self.timeout))

    @property
    def version(self) -> str | None:
        """Firefox's version (``"153.8.0"``) once it has started, else None."""
        return _worker.version

    # ---- the contract ----------------------------------------------------------------------------
    def set_cookie(self, url: str, cookie: str) -> bool:
        """Have ``url`` answer a top-level visit with ``Set-Cookie: <cookie>``. Returns whether Firefox kept it.

            >>> real.set_cookie("http://localhost:8002/", "sid=abc; SameSite=Lax")
            True
        """
        try:
            target = origin_of(parse_url(url))
        except URLError:
            raise InputError(f"{url!r} is not a valid URL for set_cookie") from None
        if target.scheme not in ("http", "https") or not target.host:
            raise InputError(f"{url!r} is not a valid URL for set_cookie")
        visit = parse_url(url).split("#", 1)[0]
        name = cookie.split(";", 1)[0].split("=", 1)[0].strip()
        deadline = time.monotonic() + self.timeout

        def job(tab: _Tab) -> bool:
            firefox = tab.firefox
            handle, bc = firefox.chrome("return globalThis.corsLab.openTab(arguments[0]);", [tab.user_context],
                                        deadline)
            try:
                firefox.chrome("globalThis.corsLab.tabs.get(arguments[0]).answer = arguments[1];",
                               [bc, {"url": visit, "headers": [["Set-Cookie", cookie]], "body": _BLANK_PAGE}],
                               deadline)
                firefox.navigate(handle, visit, deadline)
            finally:
                firefox.chrome("globalThis.corsLab.closeTab(arguments[0]);", [bc], deadline)
                firefox.current_handle = None
            # the answer's Set-Cookie may be stored a moment after the load (seen once in CI: the next fetch went
            # without it), so wait for it, COOKIE_GRACE seconds at most (a refused cookie waits that long, once)
            grace = min(time.monotonic() + COOKIE_GRACE, deadline)
            while True:
                kept = bool(firefox.chrome(
                    "return Services.cookies.getCookiesFromHost(arguments[0], {userContextId: arguments[1]})"
                    ".some(c => c.name === arguments[2]);", [target.host, tab.user_context, name], deadline))
                if kept or time.monotonic() >= grace:
                    return kept
                time.sleep(0.025)

        return self._call(job, deadline)  # running out of time: a FirefoxError (no result to say it in)

    def fetch(self, url: str, method: str = "GET", headers=None, body=None, credentials: str = "same-origin",
              mode: str = "cors", redirect: str = "follow", timeout: float | None = None) -> FetchResult:
        """Run JavaScript's ``fetch(url, {method, headers, body, credentials, mode, redirect})`` in the page, for real.

            >>> real = FirefoxBrowser(origin="http://localhost:8001")
            >>> r = real.fetch("http://localhost:8002/api/items/1", method="PUT", credentials="include")
            >>> r.blocked, r.preflight, r.reason_code
            (True, True, 'CORSMissingAllowOrigin')
            >>> len(r.console)                   # the preflight's reason, then "CORS request did not succeed"
            2

        The parameters are those of `cors_lab.Browser.fetch` (and of `ChromiumBrowser.fetch`), which are
        JavaScript's; ``timeout`` is the seconds this call may take, all of it (default: the browser's).

        Returns a `FetchResult` read from real Firefox:

        - ``blocked``, ``type``, ``status``, ``headers`` (only what the script can read), ``text``: what the
          script got; ``exception`` is the rejection, as Firefox words it
          (``"TypeError: NetworkError when attempting to fetch resource."``).
        - ``error``: the call's console sentence, word for word (the CORS message when there is one);
          ``reason_code``: its Firefox reason code (``"CORSMissingAllowOrigin"``); ``console``: every message.
        - ``preflight`` and ``exchanges``: from Firefox's own HTTP observers, so a preflight shows up too.
        - ``source`` and ``browser`` are ``"firefox"``; ``timed_out`` as for `ChromiumBrowser.fetch` (a timed-out
          result is blocked, with `NETWORK_ERROR`, and its exchanges show what went out before the time was up).

        Raises `FirefoxNotFoundError` when Firefox or marionette-driver is missing, and `FirefoxError` when Firefox
        fails; the call returns within ``timeout`` + `DEADLINE_MARGIN` seconds.
        """
        seconds = self.timeout if timeout is None else _seconds(timeout)
        init = bridge.fetch_init(method, headers, body, credentials, mode, redirect)
        request = bridge.fetch_request(self.origin, url, method, headers, body, credentials, mode, redirect, seconds)
        call = self._run_script(_FETCH_SCRIPT, lambda ms: [url, init, ms], seconds)
        return bridge.fetch_result(call, request, "firefox", NETWORK_ERROR, _bridge_failure,
                                   extra={"reason_code": call.reason_code})

    def xhr(self, url: str, method: str = "GET", headers=None, body=None, with_credentials: bool = False,
            upload_listener: bool = False, timeout: float | None = None) -> XhrResult:
        """Send one ``XMLHttpRequest`` from the page, for real (the parameters and the result are those of
        `ChromiumBrowser.xhr`; ``source`` and ``browser`` are ``"firefox"``).

            >>> r = FirefoxBrowser(origin="http://localhost:8001").xhr("http://localhost:8002/api/public")
            >>> r.blocked, r.status, r.events, r.reason_code
            (True, 0, ['loadstart', 'error', 'loadend'], 'CORSMissingAllowOrigin')

        ``exception`` is what ``open()``, ``setRequestHeader()`` or ``send()`` threw, word for word; a blocked
        request fires ``error`` (or runs out of time: ``timed_out``), it never throws.
        """
        seconds = self.timeout if timeout is None else _seconds(timeout)
        request = bridge.xhr_request(self.origin, url, method, headers, body, with_credentials, upload_listener,
                                     seconds)
        arguments = bridge.xhr_arguments(method, url, headers, body, with_credentials, upload_listener)
        call = self._run_script(_XHR_SCRIPT, arguments, seconds)
        return bridge.xhr_result(call, request, "firefox", FirefoxError, self._cross_origin,
                                 extra={"reason_code": call.reason_code})

    def _cross_origin(self, url: str) -> bool:
        return bridge.cross_origin(self.page_url, self.origin, url)

    def _run_script(self, script: str, arguments: Callable[[int], list], seconds: float) -> _PageCall:
        """Run one page script in the tab within one deadline of ``seconds``, and collect what the call left:
        its console messages (content process) and its exchanges (parent process)."""
        deadline = time.monotonic() + seconds

        def job(tab: _Tab):
            firefox = tab.firefox
            since = time.time() * 1000 - 1  # Firefox's clock (Date.now, console timeStamp) is this wall clock
            out = firefox.content(tab.handle, script, [arguments(_ms(deadline))], deadline, run_async=True,
                                  frame=tab.sandboxed)
            # after the answer: the observers and the forwarded console messages hold everything of this call
            take = "return globalThis.corsLab.take(arguments[0], arguments[1]);"
            entries, messages = firefox.chrome(take, [tab.bc, since], time.monotonic() + STUCK_AFTER)
            entries, messages = list(entries or []), list(messages or [])
            # the console messages come from the content process asynchronously: a failed call whose sentence has
            # not arrived yet (seen once, on a cold Firefox under load) is given CONSOLE_GRACE seconds more
            failed = isinstance(out, dict) and ("rejected" in out or "error" in (out.get("events") or []))
            grace = min(time.monotonic() + CONSOLE_GRACE, deadline)
            while failed and not messages and time.monotonic() < grace:
                time.sleep(0.025)
                more_entries, more = firefox.chrome(take, [tab.bc, since], time.monotonic() + STUCK_AFTER)
                entries += more_entries or []
                messages += more or []
            return out, messages, entries

        try:
            out, messages, entries = self._call(job, deadline, seconds)
        except FirefoxError as exc:
            if not _is_late(exc):
                raise
            out, messages, entries = {"timeout": True}, [], []
        console = [message[1] for message in messages]
        self.last_console = console
        exchanges, preflight = _exchanges(entries)
        # the sentence of the call: its first CORS error (a failed preflight logs its reason, then "CORS request
        # did not succeed"), else its first CORS warning, else its first message
        cors = [(m[0], m[1], bool(m[3])) for m in messages if reason_code(m[0])]
        cors = next((m for m in cors if not m[2]), None) or next(iter(cors), None)
        if cors is not None:
            error, code = cors[1], reason_code(cors[0])
        else:
            error, code = (console[0] if console else None), None
        return _PageCall(out or {}, console, error, exchanges, preflight, bool((out or {}).get("timeout")),
                         reason_code=code)

