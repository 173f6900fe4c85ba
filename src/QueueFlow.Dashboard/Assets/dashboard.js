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

  // A bulk action asks for its progress as JSON lines (the counts after each page of jobs, last the list to go back
  // to) and shows each in the form's <output>; without this script the form posts and waits for the final counts.
  const runBulk = async (form, button) => {
    const output = form.querySelector("output");
    const body = new URLSearchParams(new FormData(form));
    body.append(button.name, button.value);
    form.querySelectorAll("button").forEach((b) => { b.disabled = true; });
    button.setAttribute("aria-busy", "true");
    output.textContent = "working…";
    let leaving = false;
    try {
      const response = await fetch(form.action, { method: "POST", body, credentials: "same-origin", headers: { "X-Dashboard-Progress": "1" } });
      if (!response.ok) {
        const problem = await response.json().catch(() => null);
        output.textContent = (problem && problem.title) || "refused (" + response.status + ")";
        return;
      }
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let pending = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        pending += decoder.decode(value, { stream: true });
        for (let end = pending.indexOf("\n"); end >= 0; end = pending.indexOf("\n")) {
          const line = JSON.parse(pending.slice(0, end));
          pending = pending.slice(end + 1);
          output.textContent = line.message;
          if (line.location) { leaving = true; location.assign(line.location); return; }
        }
      }
      output.textContent += " (the answer ended early: reload to see what was done)";
    } catch {
      output.textContent += " (the connection was lost: reload to see what was done)";
    } finally {
      if (!leaving) {
        form.querySelectorAll("button").forEach((b) => { b.disabled = false; });
        button.removeAttribute("aria-busy");
        open();
      }
    }
  };

  // The count a bulk button names was taken when the page was drawn; jobs may have started or ended since. Before the
  // dialog, ask the dashboard what the filter takes now (the form's data-recount) and name that count instead: none
  // left disables the button and asks nothing. If the count cannot be had, the dialog asks without a number. Then the
  // form is submitted again, marked so that this submission goes on to the dialog.
  const recountThenSubmit = async (form, button) => {
    const output = form.querySelector("output");
    button.setAttribute("aria-busy", "true");
    let count;
    try {
      const response = await fetch(form.dataset.recount, { method: "POST", body: new URLSearchParams(new FormData(form)), credentials: "same-origin" });
      if (response.ok) count = (await response.json())[button.dataset.count];
    } catch {
      count = undefined;
    }
    button.removeAttribute("aria-busy");
    if (typeof count === "string") {
      button.textContent = button.dataset.labelCount.replace("{count}", count);
      if (count === "0") {
        button.disabled = true;
        if (output) output.textContent = "nothing to do: the filter matches none now";
        open();
        return;
      }
      button.dataset.confirm = button.dataset.confirmCount.replace("{count}", count);
    } else {
      button.dataset.confirm = form.dataset.confirm || "Apply this to everything the filter matches?";
    }
    form.dataset.recounted = "";
    form.requestSubmit(button);
  };

  // Confirmation for forms that act on many jobs; the clicked button shows progress until the answer arrives.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    const button = event.submitter;
    if (form.dataset.recount && button && button.dataset.count && form.dataset.recounted === undefined) {
      event.preventDefault();
      // No redraw of the page while it asks: the form it is about to submit must stay the one on the page.
      close();
      recountThenSubmit(form, button);
      return;
    }
    delete form.dataset.recounted;
    // The clicked button's own question (it names what it counted) before the form's general one.
    const question = (button && button.dataset.confirm) || form.dataset.confirm;
    if (question && !window.confirm(question)) { event.preventDefault(); open(); return; }
    if (!button) return;
    close();
    if (form.dataset.progress !== undefined && form.querySelector("output") && window.ReadableStream) {
      event.preventDefault();
      runBulk(form, button);
      return;
    }
    button.setAttribute("aria-busy", "true");
    button.textContent = "working…";
  });
  open();
})();
