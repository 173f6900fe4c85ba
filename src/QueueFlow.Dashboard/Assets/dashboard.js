// The live part of every page, hand-written and dependency-free.
// Pages update as jobs change: an EventSource follows the dashboard's /events (the API's GET /api/events, relayed with
// the signed-in key; on a job page only that job's changes) and each change re-reads the page's own URL and swaps the
// <main> region in, at most once a second, never while the user types in it or has a <details> open (then it tries again
// shortly). While the stream is down the page re-reads itself every 30 s instead. The stream and the timers stop while
// the tab is hidden and on pagehide; nothing is kept between refreshes, so a page left open does not grow.
(() => {
  "use strict";
  const main = document.getElementById("live");
  const base = document.currentScript.src.replace(/\/assets\/dashboard\.js(\?.*)?$/, "");
  const job = location.pathname.match(/\/jobs\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i);
  const fallbackPeriod = 30000;
  const minimumGap = 1000;
  let source = null;
  let poller = null;
  let scheduled = null;
  let busy = false;
  let last = 0;

  const interacting = () => {
    const active = document.activeElement;
    return (active && main.contains(active) && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName)) || main.querySelector("details[open]");
  };

  const schedule = (delay) => {
    if (scheduled === null) scheduled = setTimeout(() => { scheduled = null; refresh(); }, Math.max(delay, last + minimumGap - Date.now(), 0));
  };

  const refresh = async () => {
    if (document.hidden) return;
    if (busy || interacting()) { schedule(2000); return; }
    busy = true;
    last = Date.now();
    try {
      const response = await fetch(location.href, { headers: { "X-Dashboard-Refresh": "1" }, credentials: "same-origin", redirect: "manual" });
      if (response.ok) {
        const next = new DOMParser().parseFromString(await response.text(), "text/html").getElementById("live");
        if (next && !interacting()) main.innerHTML = next.innerHTML;
      }
    } catch {
      // The server is away for a moment: the stream's reconnect or the fallback timer tries again.
    } finally {
      busy = false;
    }
  };

  const poll = (on) => {
    if (on && poller === null) poller = setInterval(refresh, fallbackPeriod);
    if (!on && poller !== null) { clearInterval(poller); poller = null; }
  };

  const open = () => {
    if (source !== null || !main || main.dataset.live !== "on") return;
    poll(true);
    if (typeof EventSource === "undefined") return;
    source = new EventSource(base + "/events" + (job ? "?jobId=" + job[1] : ""));
    const changed = () => schedule(250);
    source.addEventListener("job", changed);
    source.addEventListener("task", changed);
    // The stream starts from "now", after the page was rendered: re-read once, so a change in between is not missed.
    source.onopen = () => { poll(false); schedule(0); };
    source.onerror = () => {
      // The browser reconnects by itself (resuming with Last-Event-ID) unless the answer was not a stream.
      poll(true);
      if (source !== null && source.readyState === EventSource.CLOSED) source = null;
    };
  };

  const close = () => {
    if (source !== null) { source.close(); source = null; }
    poll(false);
    if (scheduled !== null) { clearTimeout(scheduled); scheduled = null; }
  };

  // Back on the tab: catch up once, then follow the stream again.
  document.addEventListener("visibilitychange", () => { if (document.hidden) close(); else { open(); schedule(0); } });
  window.addEventListener("pagehide", close);

  // Confirmation for forms that act on many jobs; the clicked button shows progress until the answer arrives.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) { event.preventDefault(); return; }
    const button = event.submitter;
    if (button) { button.setAttribute("aria-busy", "true"); button.textContent = "working…"; close(); }
  });
  open();
})();
