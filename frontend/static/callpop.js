// Screen pop and click-to-call, on every page of a user with a phone extension.
//
// Events (user-targeted, from /ws):
//   call.ringing          {call_id, caller, clients, matched_clients, queue}: show the caller's card
//   call.finished         {call_id, outcome, answered_by_me}: show how the call ended
//   call.originate_result {request_id, stage: "originate" | "call", outcome}: click-to-call progress
// Open pops survive page changes (sessionStorage), and the socket replays what arrived in between.
import { connectLive } from "/static/live.js";

const texts = JSON.parse(document.getElementById("callpop-texts").textContent);
const STORE_KEY = "domovoy.callpop";
const REPLAY_WINDOW_MS = 120000; // a stored event id older than this is not replayed: the pops are stale
const POP_LIFETIME_MS = 15 * 60000; // an unanswered pop left open is dropped after this on the next page
const COLLEAGUE_DISMISS_MS = 10000; // a pop for a call a colleague took closes by itself after this
const TOAST_MS = 8000;

const pops = new Map(); // call_id -> {pop, state, shownAt}

function format(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => values[key]);
}

function csrfToken() {
  const match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined) continue;
    if (name === "onclick") node.addEventListener("click", value);
    else node.setAttribute(name, value);
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

function container() {
  let stack = document.getElementById("callpops");
  if (!stack) {
    stack = element("div", { id: "callpops", class: "callpops", "aria-live": "assertive" });
    document.body.append(stack);
  }
  return stack;
}

// Storage: open pops and the last event id, so that a page change loses nothing.

function save(lastId) {
  const stored = { lastId, savedAt: Date.now(), pops: [...pops.values()] };
  sessionStorage.setItem(STORE_KEY, JSON.stringify(stored));
}

function restore() {
  let stored = null;
  try {
    stored = JSON.parse(sessionStorage.getItem(STORE_KEY) || "null");
  } catch {
    stored = null;
  }
  // Removed before connecting: if the replay is refused and the page reloads, it starts fresh.
  sessionStorage.removeItem(STORE_KEY);
  if (!stored) return null;
  for (const entry of stored.pops || []) {
    if (Date.now() - entry.shownAt < POP_LIFETIME_MS) pops.set(entry.pop.call_id, entry);
  }
  return Date.now() - stored.savedAt < REPLAY_WINDOW_MS ? stored.lastId : null;
}

// The pop

function prefill(pop, client, premise) {
  return {
    call_id: pop.call_id,
    channel: "phone",
    building_id: premise ? premise.building_id : null,
    premise_id: premise ? premise.id : null,
    premise_label: premise ? premise.label : null,
    client_id: client ? client.id : null,
    client_query: client ? client.name : null,
    contact_phone: pop.caller.e164 ? pop.caller.display : null,
  };
}

function createTicket(pop, client, premise) {
  const detail = prefill(pop, client, premise);
  if (location.pathname === "/board") {
    window.dispatchEvent(new CustomEvent("domovoy:create-ticket", { detail }));
    return;
  }
  const hash = new URLSearchParams({ call: pop.call_id });
  if (client) hash.set("client", client.id);
  if (premise) hash.set("premise", premise.id);
  location.href = `/board#${hash}`;
}

function createButton(pop, client, premise, primary = false) {
  return element("button", {
    type: "button", class: primary ? "callpop-create" : "callpop-create secondary",
    title: primary ? texts.create_ticket_hint : null, onclick: () => createTicket(pop, client, premise),
  }, texts.create_ticket);
}

function clientSection(pop, client) {
  const premises = client.premises.map((premise) => element("li", {},
    element("span", {}, `${premise.address} · ${texts.roles[premise.role] || premise.role}`), " ",
    createButton(pop, client, premise)));
  const tickets = client.open_tickets.map((ticket) => element("li", {},
    element("a", { href: `/tickets/${ticket.id}` }, `№ ${ticket.number}`), ` ${ticket.address} — ${ticket.description}`));
  return element("section", { class: "callpop-client" },
    element("a", { class: "callpop-name", href: `/clients/${client.id}` }, client.name),
    premises.length ? element("ul", { class: "callpop-premises" }, ...premises)
      : element("p", { class: "muted" }, texts.no_premises),
    tickets.length ? element("p", { class: "callpop-label" }, texts.open_tickets) : null,
    tickets.length ? element("ul", { class: "callpop-tickets" }, ...tickets) : null);
}

function unknownSection(pop) {
  if (!pop.caller.e164) return null; // an extension or a hidden number: nobody to look up or to add
  const hidden = pop.matched_clients > pop.clients.length;
  const text = hidden ? format(texts.more_clients, { count: pop.matched_clients, shown: pop.clients.length }) : texts.unknown;
  const newClient = element("a", { class: "button secondary callpop-new-client",
                                   href: `/clients/new?phone=${encodeURIComponent(pop.caller.e164)}` }, texts.new_client);
  return element("section", { class: "callpop-client" }, element("p", {}, text), hidden ? null : newClient);
}

function stateText(entry) {
  return { ringing: texts.ringing, mine: texts.you_answered, colleague: texts.colleague_answered,
           missed: texts.missed, ended: texts.ended }[entry.state] || "";
}

function render(entry) {
  const { pop } = entry;
  const firstClient = pop.clients[0] || null;
  const firstPremise = firstClient && firstClient.premises[0] ? firstClient.premises[0] : null;
  const node = element("aside", { class: `callpop state-${entry.state}`, "data-call-id": pop.call_id, role: "dialog",
                                  "aria-label": `${texts.incoming}: ${pop.caller.display}` },
    element("header", {},
      element("strong", {}, texts.incoming), " ",
      element("span", { class: "callpop-number" }, pop.caller.display),
      element("span", { class: "callpop-state" }, stateText(entry)),
      element("button", { type: "button", class: "link callpop-close", "aria-label": texts.dismiss, title: texts.dismiss,
                           onclick: () => dismiss(pop.call_id) }, "×")),
    pop.caller.name ? element("p", { class: "muted" }, pop.caller.name) : null,
    pop.queue ? element("p", { class: "muted" }, format(texts.queue, { queue: pop.queue })) : null,
    ...pop.clients.map((client) => clientSection(pop, client)),
    pop.clients.length ? null : unknownSection(pop),
    element("footer", {}, createButton(pop, firstClient, firstPremise, true)));
  const existing = container().querySelector(`.callpop[data-call-id="${pop.call_id}"]`);
  if (existing) existing.replaceWith(node);
  else container().prepend(node);
}

function show(pop) {
  const entry = pops.get(pop.call_id) || { state: "ringing", shownAt: Date.now() };
  entry.pop = pop;
  pops.set(pop.call_id, entry);
  render(entry);
}

function finish(data) {
  const entry = pops.get(data.call_id);
  if (!entry) return;
  if (data.answered_by_me) entry.state = "mine";
  else if (data.outcome === "answered") entry.state = "colleague";
  else entry.state = "missed";
  render(entry);
  if (entry.state === "colleague") setTimeout(() => dismiss(data.call_id), COLLEAGUE_DISMISS_MS);
}

function dismiss(callId) {
  pops.delete(callId);
  container().querySelector(`.callpop[data-call-id="${callId}"]`)?.remove();
}

// Click-to-call

function toast(text, kind = "info") {
  const node = element("p", { class: `callpop-toast ${kind}`, role: "status" }, text);
  container().append(node);
  setTimeout(() => node.remove(), TOAST_MS);
}

async function clickToCall(button) {
  const target = {};
  if (button.dataset.clientId) target.client_id = Number(button.dataset.clientId);
  else if (button.dataset.ticketId) target.ticket_id = Number(button.dataset.ticketId);
  else target.number = button.dataset.number;
  button.disabled = true;
  try {
    const response = await fetch("/api/v1/calls/originate", {
      method: "POST", body: JSON.stringify(target),
      headers: { "Content-Type": "application/json", "x-csrftoken": csrfToken() },
    });
    const payload = await response.json().catch(() => null);
    if (!response.ok) {
      toast(payload?.title || response.statusText, "error");
      return;
    }
    toast(texts.dialing);
  } finally {
    button.disabled = false;
  }
}

function originateResult(data) {
  const table = data.stage === "call" ? texts.call_outcome : texts.originate;
  const good = data.outcome === "answered";
  toast(table[data.outcome] || data.outcome, good ? "info" : "error");
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-click-to-call]");
  if (button) {
    event.preventDefault();
    clickToCall(button);
  }
});

document.addEventListener("keydown", (event) => {
  if (!(event.altKey && event.key === "Enter")) return;
  const newest = container().querySelector(".callpop footer .callpop-create");
  if (newest) {
    event.preventDefault();
    newest.click();
  }
});

// Live events

const after = restore();
for (const entry of pops.values()) render(entry);
// NOTE: pages with their own live socket (the board) open a second one here, which also receives the
// building events this module ignores; /ws has no subscription to the user's own events alone.
const live = connectLive({
  after,
  onStatus(status) {
    document.body.dataset.callpop = status;
  },
  onEvent(envelope) {
    if (envelope.type === "call.ringing") show(envelope.data);
    else if (envelope.type === "call.finished") finish(envelope.data);
    else if (envelope.type === "call.originate_result") originateResult(envelope.data);
  },
});
window.addEventListener("pagehide", () => save(live.lastId));
