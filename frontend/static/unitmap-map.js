// The шахматка: layer switch, hover summary, premise side panel, live ticket updates and picking
// premises into a saved audience.

const map = document.querySelector(".unitmap");
const texts = JSON.parse(document.getElementById("unitmap-texts").textContent);
const panel = document.getElementById("unitmap-panel");
const tip = document.querySelector(".unitmap-tip");
const buildingId = Number(map.dataset.building);
const picked = new Set(map.dataset.selected ? map.dataset.selected.split(",").map(Number) : []);
const criteria = { entrances: [], floors: [], kinds: [], cells: 0 };

// --- Layers -----------------------------------------------------------------------------------

function showLayer(layer) {
  map.dataset.layer = layer;
  document.querySelectorAll("[data-legend]").forEach((legend) => {
    legend.hidden = legend.dataset.legend !== layer;
  });
}

document.querySelectorAll("input[name=layer]").forEach((radio) => {
  radio.addEventListener("change", () => showLayer(radio.value));
});

// --- Hover summary ----------------------------------------------------------------------------

function summary(cell) {
  const d = cell.dataset;
  const lines = [`${texts.kinds[d.kind] || d.kind} ${cell.textContent} · ${texts.floor} ${d.floor}`];
  if (d.area) lines.push(`${d.area.replace(".", ",")} ${texts.area}`);
  if (Number(d.tickets)) {
    const flags = [];
    if (cell.classList.contains("t-emergency")) flags.push(texts.emergency);
    if (cell.classList.contains("t-overdue")) flags.push(texts.overdue);
    lines.push(`${texts.tickets}: ${d.tickets}${flags.length ? " (" + flags.join(", ") + ")" : ""}`);
  }
  const people = [["owners", d.owners], ["tenants", d.tenants], ["residents", d.residents]]
    .filter(([, count]) => Number(count))
    .map(([key, count]) => `${texts[key]}: ${count}`);
  lines.push(people.length ? people.join(", ") : texts.nobody);
  if (cell.classList.contains("a-yes")) lines.push(texts.access);
  return lines;
}

map.addEventListener("mouseover", (event) => {
  const cell = event.target.closest(".unitmap-cell");
  if (!cell) return;
  tip.replaceChildren(...summary(cell).map((line) => Object.assign(document.createElement("div"), { textContent: line })));
  const box = cell.getBoundingClientRect();
  tip.style.left = `${box.right + window.scrollX + 6}px`;
  tip.style.top = `${box.top + window.scrollY}px`;
  tip.hidden = false;
});
map.addEventListener("mouseout", (event) => {
  if (event.target.closest(".unitmap-cell")) tip.hidden = true;
});

// --- Side panel -------------------------------------------------------------------------------

async function openPremise(premiseId) {
  const response = await fetch(`/buildings/${buildingId}/map/premises/${premiseId}`, { headers: { "HX-Request": "true" } });
  panel.innerHTML = await response.text();
  panel.hidden = false;
  map.querySelectorAll(".unitmap-cell.current").forEach((cell) => cell.classList.remove("current"));
  map.querySelector(`.unitmap-cell[data-id="${premiseId}"]`)?.classList.add("current");
  const url = new URL(location.href);
  url.searchParams.set("premise", premiseId);
  history.replaceState(null, "", url);
}

panel.addEventListener("click", (event) => {
  if (!event.target.closest("[data-panel-close]")) return;
  panel.hidden = true;
  map.querySelectorAll(".unitmap-cell.current").forEach((cell) => cell.classList.remove("current"));
});

// --- Picking premises into an audience --------------------------------------------------------

const selectMode = document.querySelector("[data-select-mode]");

function picking() {
  return selectMode?.checked;
}

function renderPicked() {
  map.querySelectorAll(".unitmap-cell").forEach((cell) => cell.classList.toggle("picked", picked.has(Number(cell.dataset.id))));
  const count = document.querySelector("[data-select-count]");
  if (count) count.textContent = String(picked.size);
  map.classList.toggle("picking", Boolean(picking()));
}

function toggleCells(cells) {
  const ids = cells.map((cell) => Number(cell.dataset.id));
  const allPicked = ids.every((id) => picked.has(id));
  ids.forEach((id) => (allPicked ? picked.delete(id) : picked.add(id)));
  renderPicked();
}

map.addEventListener("click", (event) => {
  const cell = event.target.closest(".unitmap-cell");
  const entrance = event.target.closest("[data-pick-entrance]");
  const floor = event.target.closest("[data-pick-floor]");
  if (cell && event.shiftKey && picking()) {
    criteria.kinds.push(cell.dataset.kind);
    toggleCells([...map.querySelectorAll(`.unitmap-cell[data-kind="${cell.dataset.kind}"]`)]);
  } else if (cell && picking()) {
    criteria.cells += 1;
    toggleCells([cell]);
  } else if (cell) {
    openPremise(cell.dataset.id);
  } else if (entrance && picking()) {
    criteria.entrances.push(Number(entrance.dataset.pickEntrance));
    toggleCells([...entrance.closest(".unitmap-entrance").querySelectorAll(".unitmap-cell")]);
  } else if (floor && picking()) {
    criteria.floors.push(Number(floor.dataset.pickFloor));
    const section = floor.closest(".unitmap-entrance");
    toggleCells([...section.querySelectorAll(`.unitmap-cell[data-floor="${floor.dataset.pickFloor}"]`)]);
  }
});

selectMode?.addEventListener("change", renderPicked);
document.querySelector("[data-select-kind]")?.addEventListener("change", (event) => {
  const kind = event.target.value;
  if (!kind) return;
  criteria.kinds.push(kind);
  map.querySelectorAll(`.unitmap-cell[data-kind="${kind}"]`).forEach((cell) => picked.add(Number(cell.dataset.id)));
  event.target.value = "";
  renderPicked();
});
document.querySelector("[data-select-clear]")?.addEventListener("click", () => {
  picked.clear();
  renderPicked();
});
document.querySelector("[data-select-save]")?.addEventListener("click", async () => {
  const message = document.querySelector("[data-select-message]");
  const name = document.querySelector("[data-select-name]").value;
  const csrf = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["x-csrftoken"];
  const response = await fetch(`/buildings/${buildingId}/map/selections`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json", "x-csrftoken": csrf },
    body: JSON.stringify({ name, premise_ids: [...picked], criteria }),
  });
  const body = await response.json();
  message.textContent = response.ok ? texts.saved : body.title;
  message.className = response.ok ? "muted" : "error";
  if (response.ok) location.href = body.url;
});

// --- Live updates -----------------------------------------------------------------------------

function setFlag(cell, name, on) {
  cell.classList.toggle(name, Boolean(on));
}

function occupancyOf(layer) {
  if (layer.tenants) return "tenant";
  if (layer.owners) return "owner";
  if (layer.residents || layer.representatives) return "resident";
  return "unknown";
}

async function refreshCell(premiseId) {
  const cell = map.querySelector(`.unitmap-cell[data-id="${premiseId}"]`);
  if (!cell) return;
  const response = await fetch(`/buildings/${buildingId}/map/cells/${premiseId}`, { headers: { Accept: "application/json" } });
  if (!response.ok) return;
  const layer = await response.json();
  const before = Number(cell.dataset.tickets);
  cell.dataset.tickets = layer.tickets;
  cell.dataset.owners = layer.owners;
  cell.dataset.tenants = layer.tenants;
  cell.dataset.residents = layer.residents + layer.representatives;
  setFlag(cell, "t-open", layer.tickets);
  setFlag(cell, "t-emergency", layer.emergency);
  setFlag(cell, "t-overdue", layer.overdue);
  setFlag(cell, "a-yes", layer.has_access);
  ["owner", "tenant", "resident", "unknown"].forEach((kind) => cell.classList.remove(`o-${kind}`));
  cell.classList.add(`o-${occupancyOf(layer)}`);
  const open = document.querySelector("[data-unitmap-open]");
  if (open) open.textContent = String(Number(open.textContent.replace(/\s/g, "")) + layer.tickets - before);
  cell.classList.remove("flash");
  void cell.offsetWidth; // restarts the highlight animation
  cell.classList.add("flash");
  if (!panel.hidden && cell.classList.contains("current")) openPremise(premiseId);
}

function premiseOfEvent(envelope) {
  const data = envelope.data || {};
  const ticket = data.ticket || data;
  return ticket.premise_id ?? data.premise_id ?? null;
}

async function startLive() {
  let live;
  try {
    live = await import("/static/live.js");
  } catch {
    return; // no live module: the map still works and is current as of loading
  }
  const status = document.querySelector("[data-live-status]");
  live.connectLive({
    after: Number(map.dataset.liveAfter) || null,
    buildings: [buildingId],
    onStatus: (state) => { if (status) status.textContent = texts[state] || state; },
    onEvent: (envelope) => {
      if (envelope.building_id !== buildingId) return;
      const interesting = envelope.type.startsWith("ticket.") || envelope.type === "premise.occupancy_changed";
      const premiseId = premiseOfEvent(envelope);
      if (interesting && premiseId) refreshCell(premiseId);
      if (envelope.type === "building.unit_map_changed") location.reload();
    },
  });
}

renderPicked();
if (map.dataset.openPremise) openPremise(map.dataset.openPremise);
startLive();
