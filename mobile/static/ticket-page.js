// A ticket's card: every action goes through the outbox, so it works the same with and without signal.

import { connectLive } from "/static/live.js";
import { onActionSent, page, sendOutbox, setConnection, showToast, texts } from "/m/static/app.js";
import { addAction, listActions } from "/m/static/outbox.js";
import { shrinkPhoto } from "/m/static/photos.js";

const article = document.getElementById("ticket");
const ticketId = Number(article.dataset.ticketId);
const number = article.dataset.number;
const api = `/api/v1/tickets/${ticketId}`;
let sentHere = false;
const savedBadge = { text: document.getElementById("status-badge").textContent,
                     className: document.getElementById("status-badge").className };

function label(actionName) {
  return `№ ${number}: ${texts[`action_${actionName}`]}`;
}

function transitionBody(form) {
  const body = { status: form.dataset.status };
  const data = new FormData(form);
  if (data.get("reason")) body.reason = String(data.get("reason")).trim();
  if (data.get("hold_until")) body.hold_until = new Date(String(data.get("hold_until"))).toISOString();
  if (data.get("report")) body.report = String(data.get("report")).trim();
  return body;
}

async function queuePhotos(input) {
  for (const file of input.files || []) {
    try {
      const { blob, name } = await shrinkPhoto(file);
      await addAction({ ticketId, kind: "photo", label: label("photo"), url: `${api}/attachments`, blob, fileName: name });
    } catch {
      showToast(texts.photo_failed);
      return false;
    }
  }
  return true;
}

const queueing = {
  async accept() {
    await addAction({ ticketId, kind: "accept", label: label("accept"), url: `${api}/accept` });
  },
  async transition(form) {
    const name = form.dataset.status === "on_hold" ? "pause" : "start";
    await addAction({ ticketId, kind: "transition", label: label(name), url: `${api}/transition`, json: transitionBody(form), status: form.dataset.status });
  },
  async complete(form) {
    if (!(await queuePhotos(form.elements.photos))) return false;
    await addAction({ ticketId, kind: "transition", label: label("complete"), url: `${api}/transition`, json: transitionBody(form), status: "completed" });
  },
  async photo(form) {
    return queuePhotos(form.elements.photos);
  },
  async comment(form) {
    const data = new FormData(form);
    const json = { text: String(data.get("text")).trim(), visible_to_client: data.get("visible_to_client") === "on" };
    await addAction({ ticketId, kind: "comment", label: label("comment"), url: `${api}/comments`, json });
  },
};

async function submit(form) {
  form.querySelectorAll("button").forEach((button) => { button.disabled = true; });
  const queued = await queueing[form.dataset.action](form);
  if (queued === false) {
    form.querySelectorAll("button").forEach((button) => { button.disabled = false; });
    return;
  }
  form.reset();
  if (navigator.onLine === false) showToast(texts.queued);
  await sendOutbox();
}

function showPending(actions) {
  const mine = actions.filter((action) => action.ticketId === ticketId);
  const list = document.getElementById("pending-list");
  list.replaceChildren(...mine.map((action) => {
    const item = document.createElement("li");
    item.textContent = `${action.label} · ${texts.pending}`;
    return item;
  }));
  list.hidden = mine.length === 0;
  const target = mine.filter((action) => action.status).map((action) => action.status).pop();
  const badge = document.getElementById("status-badge");
  const panel = document.getElementById("actions");
  if (target) {
    badge.textContent = `${texts[`status_${target}`]} · ${texts.pending}`;
    badge.className = `badge status-${target} pending`;
    panel?.setAttribute("hidden", "");
  } else {
    badge.textContent = savedBadge.text;
    badge.className = savedBadge.className;
    panel?.removeAttribute("hidden");
  }
}

function setDefaultHoldUntil() {
  const input = article.querySelector("input[name=hold_until]");
  if (!input) return;
  const tomorrow = new Date();
  tomorrow.setDate(tomorrow.getDate() + 1);
  tomorrow.setHours(9, 0, 0, 0);
  const local = new Date(tomorrow.getTime() - tomorrow.getTimezoneOffset() * 60000);
  input.value = local.toISOString().slice(0, 16);
}

function onEvent(envelope) {
  const ticket = (envelope.data || {}).ticket;
  if (!ticket || ticket.id !== ticketId || sentHere) return;
  document.getElementById("stale-note").hidden = false;
}

article.querySelectorAll("form[data-action]").forEach((form) => {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit(form);
  });
});
article.querySelectorAll("form[data-action=photo] input[type=file]").forEach((input) => {
  input.addEventListener("change", () => submit(input.form));
});
document.addEventListener("outbox-changed", (event) => {
  showPending(event.detail);
  if (sentHere && !event.detail.some((action) => action.ticketId === ticketId)) location.reload();
});
onActionSent((action) => {
  if (action.ticketId === ticketId) sentHere = true;
});
setDefaultHoldUntil();
showPending(await listActions());
connectLive({
  onEvent,
  after: Number(page.liveAfter),
  onStatus(status) {
    setConnection(status);
  },
});
