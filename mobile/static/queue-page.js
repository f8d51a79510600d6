// The queue page: live updates, saving the tickets for offline use, and the push sign-up button.

import { connectLive } from "/static/live.js";
import { askServiceWorker, format, page, setConnection, showToast, texts } from "/m/static/app.js";
import { currentSubscription, enablePush, pushSupported } from "/m/static/push.js";

const REFRESH_DELAY_MS = 300; // events arriving together cause one refresh

const queue = document.getElementById("queue");
const userId = Number(page.userId);
const ownTickets = page.ownTickets === "true";
let refreshTimer = null;

function queueUrl() {
  const building = queue.dataset.building;
  return "/m/queue" + (building ? `?building=${building}` : "");
}

function ticketUrls() {
  return [...queue.querySelectorAll("a[href^='/m/tickets/']")].map((link) => link.getAttribute("href"));
}

// Saves the queue and every ticket's card in the service worker's cache for use without signal.
async function saveForOffline() {
  const answer = await askServiceWorker({ type: "cache-pages", urls: [location.pathname + location.search, ...ticketUrls()] });
  if (answer && answer.saved) document.body.dataset.offlineReady = "true";
}

async function refresh() {
  try {
    const response = await fetch(queueUrl(), { credentials: "same-origin" });
    if (!response.ok) return;
    queue.innerHTML = await response.text();
    document.body.dataset.queueVersion = String(Number(document.body.dataset.queueVersion || 0) + 1);
    await saveForOffline();
  } catch {
    // Offline: the list stays as it is and refreshes after the next event.
  }
}

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refresh, REFRESH_DELAY_MS);
}

function concernsMe(envelope) {
  if (!ownTickets) return envelope.type.startsWith("ticket.");
  const data = envelope.data || {};
  const ticket = data.ticket || {};
  return ticket.assignee_id === userId || data.previous_assignee_id === userId
    || queue.querySelector(`[data-ticket-id="${ticket.id}"]`) !== null;
}

function onEvent(envelope) {
  if (envelope.type === "notification.assigned") {
    showToast(format(texts.new_assignment, { number: envelope.data.number }));
    scheduleRefresh();
    return;
  }
  if (envelope.type.startsWith("ticket.") && concernsMe(envelope)) scheduleRefresh();
}

async function setUpPush() {
  const button = document.getElementById("push-on");
  if (!button || !page.vapidKey || !pushSupported() || Notification.permission === "denied") return;
  if (await currentSubscription().catch(() => null)) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    const csrf = (document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/) || [])[1] || "";
    const outcome = await enablePush(page.vapidKey, decodeURIComponent(csrf));
    showToast(texts[`push_${outcome}`] || texts.push_failed);
    if (outcome === "enabled") button.hidden = true;
  });
}

connectLive({
  onEvent,
  after: Number(page.liveAfter),
  onStatus(status) {
    setConnection(status);
    document.body.dataset.liveStatus = status;
  },
});
saveForOffline();
setUpPush();
