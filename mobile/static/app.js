// The mobile app's entry module: service worker, outbox status, conflicts, and the page's own module.

import { clearAll, listActions, listConflicts, removeConflict } from "/m/static/outbox.js";
import { flush } from "/m/static/sender.js";

const RETRY_INTERVAL_MS = 30000; // how often a non-empty outbox is retried without an "online" event

export const texts = JSON.parse(document.getElementById("texts").textContent);
export const page = document.body.dataset;
const sentListeners = [];

export function format(text, values) {
  return text.replace(/\{(\w+)\}/g, (_, name) => values[name] ?? "");
}

export function showToast(message) {
  const toast = document.getElementById("toast");
  toast.textContent = message;
  toast.hidden = false;
  clearTimeout(showToast.timer);
  showToast.timer = setTimeout(() => {
    toast.hidden = true;
  }, 5000);
}

export function setConnection(status) {
  const element = document.getElementById("connection");
  element.dataset.status = status;
  element.textContent = texts[status] || "";
}

export function onActionSent(listener) {
  sentListeners.push(listener);
}

async function renderOutbox() {
  const actions = await listActions();
  const outbox = document.getElementById("outbox");
  outbox.hidden = actions.length === 0;
  outbox.dataset.count = String(actions.length);
  document.getElementById("outbox-text").textContent = `${texts.pending}: ${actions.length}`;
  document.body.dataset.outboxCount = String(actions.length);
  document.dispatchEvent(new CustomEvent("outbox-changed", { detail: actions }));
}

async function renderConflicts() {
  const conflicts = await listConflicts();
  const section = document.getElementById("conflicts");
  const list = document.getElementById("conflict-list");
  list.replaceChildren(...conflicts.map(conflictItem));
  section.hidden = conflicts.length === 0;
}

function conflictItem(conflict) {
  const item = document.createElement("li");
  item.className = "conflict";
  item.dataset.ticketId = String(conflict.ticketId);
  const text = document.createElement("span");
  text.textContent = `${conflict.label}: ${conflict.message}`;
  const dismiss = document.createElement("button");
  dismiss.type = "button";
  dismiss.className = "link";
  dismiss.textContent = texts.dismiss;
  dismiss.addEventListener("click", async () => {
    await removeConflict(conflict.key);
    await renderConflicts();
  });
  item.append(text, dismiss);
  return item;
}

const handlers = {
  onSent(action) {
    sentListeners.forEach((listener) => listener(action));
  },
  onConflict() {
    renderConflicts();
  },
  onSignInNeeded() {
    showToast(texts.sign_in_again);
  },
  onRetryLater() {
    showToast(texts.server_error);
  },
};

export async function sendOutbox() {
  await renderOutbox();
  if (navigator.onLine === false) return;
  await flush(handlers);
  await renderOutbox();
}

function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("/m/sw.js", { scope: "/m/" }).catch(() => {
    // Without a service worker the app still works online; nothing is cached.
  });
}

export function askServiceWorker(message) {
  if (!("serviceWorker" in navigator)) return Promise.resolve(null);
  return navigator.serviceWorker.ready.then((registration) => new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => resolve(event.data);
    registration.active.postMessage(message, [channel.port2]);
  }));
}

function guardSignOut() {
  const form = document.getElementById("sign-out");
  if (!form) return;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const unsent = (await listActions()).length;
    if (unsent && !confirm(texts.unsent_on_sign_out)) return;
    await clearAll();
    await askServiceWorker({ type: "forget" });
    form.submit();
  });
}

async function start() {
  registerServiceWorker();
  guardSignOut();
  window.addEventListener("online", () => {
    setConnection("reconnecting");
    sendOutbox();
  });
  window.addEventListener("offline", () => setConnection("offline"));
  if (navigator.onLine === false) setConnection("offline");
  setInterval(() => {
    if (document.body.dataset.outboxCount !== "0") sendOutbox();
  }, RETRY_INTERVAL_MS);
  await renderConflicts();
  if (page.page === "queue") await import("/m/static/queue-page.js");
  if (page.page === "ticket") await import("/m/static/ticket-page.js");
  await sendOutbox();
  document.body.dataset.ready = "true";
}

start();
