// "Send from my browser": the front end of cors_lab.widgets.own_browser.FrameBridge (an anywidget).
//
// The kernel sets the `request` trait: {id, token, frame: {src, sandbox}, steps: [{api, args}], timeoutMs}.
// This view loads the frame page (cors_lab/server/frame.py) from the lab server at frame.src in a hidden iframe
// (sandbox="allow-scripts" when frame.sandbox: its origin is then `null`), waits for its "ready" message, hands it
// the steps, and sets the `answer` trait: {id, answers, origin, userAgent, ms} — or {id, failure: "..."} when the
// frame did not load or did not answer in time. Nothing here decides anything about CORS: the learner's browser
// does, and the kernel compares it with the engine.
//
// On render the view reports where JupyterLab itself is open (`lab`: origin, hostname, userAgent), so the kernel
// can tell a JupyterLab opened from another machine (whose browser cannot reach the kernel's loopback).

const READY_MS = 4000; // a frame page that has not said "ready" by then is not coming (port closed, hub, tunnel)
const LATE_MS = 2000; // beyond the request's own deadline: the frame is gone or stuck

function render({ model, el }) {
  // a model shown in two outputs renders twice: the first view to see a request runs it, once
  const shared = (globalThis.__corsLabOwnBrowser ??= { handled: new Set() });
  const box = document.createElement("div");
  box.className = "cors-lab-own-frames";
  box.style.cssText = "width:0;height:0;overflow:hidden;border:0";
  el.appendChild(box);
  const frames = new Map(); // key -> {iframe, ready: Promise<about>}
  const pending = new Map(); // request id -> resolve(answer)

  function onMessage(event) {
    const m = event.data;
    if (!m || typeof m !== "object") return;
    for (const entry of frames.values()) {
      if (event.source !== entry.iframe.contentWindow) continue;
      if (m.kind === "cors-lab-ready") entry.resolveReady(m);
      if (m.kind === "cors-lab-answer" && pending.has(m.id)) pending.get(m.id)(m);
    }
  }
  window.addEventListener("message", onMessage);

  function frameFor(spec) {
    const key = (spec.sandbox ? "sandboxed " : "") + spec.src;
    if (frames.has(key)) return frames.get(key);
    const iframe = document.createElement("iframe");
    if (spec.sandbox) iframe.setAttribute("sandbox", "allow-scripts");
    iframe.title = "cors_lab: the page your browser sends from";
    iframe.style.cssText = "width:0;height:0;border:0";
    const entry = { iframe };
    entry.ready = new Promise((resolve, reject) => {
      entry.resolveReady = resolve;
      setTimeout(() => reject(new Error("ready")), READY_MS);
    });
    entry.ready.catch(() => frames.delete(key)); // the next request tries again
    iframe.src = spec.src;
    box.appendChild(iframe);
    frames.set(key, entry);
    return entry;
  }

  async function run(request) {
    const started = performance.now();
    const answer = (fields) => {
      model.set("answer", { id: request.id, ms: performance.now() - started, ...fields });
      model.save_changes();
    };
    const entry = frameFor(request.frame);
    try {
      await entry.ready;
    } catch (e) {
      entry.iframe.remove();
      return answer({ failure: "frame", origin: null, userAgent: navigator.userAgent });
    }
    const reply = await new Promise((resolve) => {
      const timer = setTimeout(() => resolve(null), request.timeoutMs + LATE_MS);
      pending.set(request.id, (m) => { clearTimeout(timer); resolve(m); });
      entry.iframe.contentWindow.postMessage(
        { kind: "cors-lab-request", token: request.token, id: request.id, steps: request.steps }, "*");
    });
    pending.delete(request.id);
    if (reply === null) return answer({ failure: "late", origin: null, userAgent: navigator.userAgent });
    answer({ answers: reply.answers, origin: reply.origin, userAgent: reply.userAgent });
  }

  function onRequest() {
    const request = model.get("request");
    if (!request || !request.id || shared.handled.has(request.id)) return;
    shared.handled.add(request.id);
    run(request);
  }
  model.on("change:request", onRequest);

  model.set("lab", { origin: location.origin, hostname: location.hostname, userAgent: navigator.userAgent });
  model.save_changes();

  return () => {
    model.off("change:request", onRequest);
    window.removeEventListener("message", onMessage);
    box.remove();
  };
}

export default { render };
