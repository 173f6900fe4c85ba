// The live part of every page, hand-written and dependency-free.
// Pages refresh themselves: every few seconds the page's own URL is fetched and the <main> region swapped in, unless
// the user is typing in it or has a <details> open. One timer per page, stopped while the tab is hidden, and nothing
// kept between refreshes, so a page left open does not grow. (When GET /api/events is available this can wait on the
// event stream instead of the timer.)
(() => {
  "use strict";
  const main = document.getElementById("live");
  const period = 2000;
  let timer = null;
  let busy = false;

  const interacting = () => {
    const active = document.activeElement;
    return (active && main.contains(active) && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName)) || main.querySelector("details[open]");
  };

  const refresh = async () => {
    if (busy || document.hidden || interacting()) return;
    busy = true;
    try {
      const response = await fetch(location.href, { headers: { "X-Dashboard-Refresh": "1" }, credentials: "same-origin", redirect: "manual" });
      if (response.ok) {
        const next = new DOMParser().parseFromString(await response.text(), "text/html").getElementById("live");
        if (next && !interacting()) main.innerHTML = next.innerHTML;
      }
    } catch {
      // The server is away for a moment: try again on the next tick.
    } finally {
      busy = false;
    }
  };

  const start = () => { if (timer === null && main && main.dataset.live === "on") timer = setInterval(refresh, period); };
  const stop = () => { if (timer !== null) { clearInterval(timer); timer = null; } };
  document.addEventListener("visibilitychange", () => (document.hidden ? stop() : start()));
  window.addEventListener("pagehide", stop);

  // Confirmation for forms that act on many jobs; the clicked button shows progress until the answer arrives.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) { event.preventDefault(); return; }
    const button = event.submitter;
    if (button) { button.setAttribute("aria-busy", "true"); button.textContent = "working…"; stop(); }
  });
  start();
})();
