// The dispatch board: renders queues from the page's JSON, then keeps them live from /ws.
import { connectLive } from "/static/live.js";

const data = JSON.parse(document.getElementById("board-data").textContent);
const texts = data.texts;
const rowsById = new Map();
const HIGHLIGHT_MS = 8000;
const QUEUES = ["new", "assigned", "in_progress", "on_hold", "overdue"];

function csrfToken() {
  const match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

export async function api(method, url, body, extraHeaders = {}) {
  const response = await fetch(url, {
    method,
    headers: { "Content-Type": "application/json", "x-csrftoken": csrfToken(), ...extraHeaders },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const payload = response.headers.get("content-type")?.includes("json") ? await response.json() : null;
  if (!response.ok) {
    const error = new Error(payload?.title || response.statusText);
    error.problem = payload;
    error.status = response.status;
    throw error;
  }
  return payload;
}

function format(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => values[key]);
}

function span(ms) {
  const minutes = Math.round(Math.abs(ms) / 60000);
  if (minutes < 60) return format(texts.minutes, { n: minutes });
  if (minutes < 48 * 60) return format(texts.hours, { n: Math.round(minutes / 60) });
  return format(texts.days, { n: Math.round(minutes / 1440) });
}

function localTime(iso, zone) {
  return new Intl.DateTimeFormat("ru-RU", {
    timeZone: zone, day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit",
  }).format(new Date(iso));
}

function queueOf(row) {
  return row.is_overdue ? "overdue" : row.status;
}

function matchesFilter(row) {
  const f = data.filter;
  if (!QUEUES.includes(queueOf(row))) return false;
  if (f.building_ids && !f.building_ids.includes(row.building_id)) return false;
  if (f.category_id && row.category_id !== f.category_id) return false;
  if (f.priority && row.priority !== f.priority) return false;
  if (f.assignee_id && row.assignee_id !== f.assignee_id) return false;
  return true;
}

function renderRow(row) {
  const node = document.getElementById("row-template").content.firstElementChild.cloneNode(true);
  node.dataset.id = row.id;
  node.classList.add(`priority-${row.priority}`);
  const number = node.querySelector(".number");
  number.textContent = `№ ${row.number}`;
  number.href = `/tickets/${row.id}`;
  node.querySelector(".priority").textContent = data.priorities[row.priority];
  node.querySelector(".category").textContent = row.category_name;
  node.querySelector(".description").textContent = row.description;
  const where = [row.building_address];
  if (row.entrance_number) where.push(`${texts.entrance} ${row.entrance_number}`);
  where.push(row.premise_label ? `${texts.premise} ${row.premise_label}` : texts.common_area);
  node.querySelector(".where").textContent = where.join(", ");
  node.querySelector(".when").textContent = dueText(row);
  node.querySelector(".who").append(assigneeControl(row));
  return node;
}

function dueText(row) {
  const created = localTime(row.created_at, row.building_time_zone);
  const due = row.status === "new" ? row.response_due_at : row.resolution_due_at;
  if (!due || row.status === "on_hold") return created;
  const left = new Date(due) - Date.now();
  return `${created} · ${format(left < 0 ? texts.overdue_by : texts.due_in, { time: span(left) })}`;
}

function assigneeControl(row) {
  if (!data.can_manage) {
    const name = document.createElement("span");
    name.textContent = row.assignee_name || texts.unassigned;
    return name;
  }
  const select = document.createElement("select");
  select.setAttribute("aria-label", texts.assign);
  select.append(new Option(texts.unassigned, ""));
  for (const technician of data.technicians) {
    const label = `${technician.full_name} (${format(texts.load, { n: technician.open_tickets })})`;
    select.append(new Option(label, technician.id, false, technician.id === row.assignee_id));
  }
  select.addEventListener("change", async () => {
    try {
      await api("POST", `/api/v1/tickets/${row.id}/assign`, {
        assignee_id: select.value ? Number(select.value) : null, version: row.version,
      });
    } catch (error) {
      alert(error.status === 409 ? texts.conflict : format(texts.failed, { message: error.message }));
      select.value = row.assignee_id ?? "";
    }
  });
  return select;
}

function updateCounts() {
  for (const queue of QUEUES) {
    const count = document.querySelectorAll(`[data-queue="${queue}"] .row`).length;
    document.querySelector(`[data-count="${queue}"]`).textContent = count;
  }
}

function placeRow(row, { highlight = false } = {}) {
  const existing = document.querySelector(`.row[data-id="${row.id}"]`);
  if (existing) existing.remove();
  rowsById.set(row.id, row);
  if (!matchesFilter(row)) return;
  const node = renderRow(row);
  const list = document.querySelector(`[data-queue="${queueOf(row)}"] .rows`);
  list.prepend(node);
  if (highlight) {
    node.classList.add("fresh");
    setTimeout(() => node.classList.remove("fresh"), HIGHLIGHT_MS);
  }
}

function beep() {
  if (!document.getElementById("sound-toggle").checked) return;
  const audio = new AudioContext();
  const tone = audio.createOscillator();
  tone.frequency.value = 880;
  tone.connect(audio.destination);
  tone.start();
  tone.stop(audio.currentTime + 0.25);
}

function notify(text) {
  const toast = document.createElement("div");
  toast.className = "toast";
  toast.setAttribute("role", "status");
  toast.textContent = text;
  document.body.append(toast);
  setTimeout(() => toast.remove(), HIGHLIGHT_MS);
}

function onEvent(envelope) {
  if (envelope.type === "notification.breached") {
    notify(format(texts.breached, { number: envelope.data.number }));
    return;
  }
  if (envelope.type === "notification.assigned") {
    notify(format(texts.assigned_to_you, { number: envelope.data.number }));
    return;
  }
  const row = envelope.data.ticket;
  if (!row) return;
  placeRow(row, { highlight: true });
  if (envelope.type === "ticket.created" && row.priority === "emergency") beep();
  if (envelope.type === "ticket.assigned") refreshTechnicianLoads(envelope);
  updateCounts();
}

function refreshTechnicianLoads(envelope) {
  const { ticket, previous_assignee_id: previous } = envelope.data;
  for (const technician of data.technicians) {
    if (technician.id === ticket.assignee_id) technician.open_tickets += 1;
    if (technician.id === previous) technician.open_tickets -= 1;
  }
}

function renderInitial() {
  for (const queue of QUEUES) {
    const rows = data.queues[queue] || [];
    for (const row of [...rows].reverse()) placeRow(row);
  }
  updateCounts();
  const filterSelect = document.getElementById("filter-technician");
  const createSelect = document.getElementById("create-assignee");
  for (const technician of data.technicians) {
    filterSelect.append(new Option(technician.full_name, technician.id, false, technician.id === data.filter.assignee_id));
    createSelect.append(new Option(`${technician.full_name} (${format(texts.load, { n: technician.open_tickets })})`, technician.id));
  }
}

renderInitial();
const status = document.getElementById("live-status");
connectLive({
  after: data.after,
  onEvent,
  onStatus(state) {
    status.textContent = texts[state];
    status.dataset.state = state;
  },
});
setInterval(() => {
  for (const row of rowsById.values()) {
    const node = document.querySelector(`.row[data-id="${row.id}"] .when`);
    if (node) node.textContent = dueText(row);
  }
}, 60000);

import("/static/board-create.js").then((module) => module.setUpCreateForm({ api, texts, data }));
