// The board's "new ticket" dialog: premise and client look-up, similar open tickets, one-submit create.

const LOOKUP_DELAY_MS = 200;

function debounce(action, delay) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => action(...args), delay);
  };
}

function newKey() {
  return crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random();
}

export function setUpCreateForm({ api, texts, data }) {
  const dialog = document.getElementById("create-dialog");
  const form = document.getElementById("create-form");
  const error = document.getElementById("create-error");
  const submit = document.getElementById("create-submit");
  if (!data.can_create) {
    document.getElementById("open-create").hidden = true;
    return;
  }

  function open(prefill = {}) {
    form.reset();
    form.idempotency_key.value = newKey();
    for (const [name, value] of Object.entries(prefill)) {
      if (form[name]) form[name].value = value ?? "";
    }
    error.hidden = true;
    dialog.showModal();
    form.building_id.focus();
  }

  document.getElementById("open-create").addEventListener("click", () => open());
  document.getElementById("create-cancel").addEventListener("click", () => dialog.close());
  document.addEventListener("keydown", (event) => {
    if (event.altKey && event.key.toLowerCase() === "n") open();
  });
  window.addEventListener("domovoy:create-ticket", (event) => open(event.detail));
  // `/board#call=<id>[&client=<id>][&premise=<id>]`: a screen pop on another page asked for a ticket.
  const fromCall = new URLSearchParams(location.hash.slice(1));
  if (fromCall.has("call")) {
    history.replaceState(null, "", location.pathname + location.search);
    const choice = new URLSearchParams([...fromCall].filter(([name]) => name === "client" || name === "premise"));
    api("GET", `/api/v1/calls/${encodeURIComponent(fromCall.get("call"))}?${choice}`)
      .then((call) => open(call.prefill), () => open({ call_id: fromCall.get("call"), channel: "phone" }));
  }

  const premiseOptions = document.getElementById("premise-options");
  const findPremises = debounce(async () => {
    const building = form.building_id.value;
    if (!form.building_id.value) {
      error.textContent = texts.building_missing;
      error.hidden = false;
      form.building_id.focus();
      return;
    }
    const label = form.premise_label.value.trim();
    form.premise_id.value = "";
    if (!building || !label) return;
    const premises = await api("GET", `/api/v1/buildings/${building}/premises?q=${encodeURIComponent(label)}`);
    premiseOptions.replaceChildren(...premises.map((p) => new Option(`${p.label} · ${p.entrance_number}/${p.floor_number}`, p.label)));
    const exact = premises.find((p) => p.label.toUpperCase() === label.toUpperCase());
    if (exact) form.premise_id.value = exact.id;
  }, LOOKUP_DELAY_MS);
  form.premise_label.addEventListener("input", findPremises);

  const clientOptions = document.getElementById("client-options");
  const findClients = debounce(async () => {
    const query = form.client_query.value.trim();
    form.client_id.value = "";
    if (query.length < 2) {
      clientOptions.replaceChildren();
      return;
    }
    let found = [];
    try {
      const result = await api("GET", `/api/v1/search?q=${encodeURIComponent(query)}`);
      found = (result.items || result).filter((item) => item.kind === "client");
    } catch {
      found = [];
    }
    clientOptions.replaceChildren(...found.slice(0, 8).map((item) => {
      const option = document.createElement("li");
      option.setAttribute("role", "option");
      option.tabIndex = 0;
      option.textContent = [item.title, item.subtitle].filter(Boolean).join(" — ");
      option.addEventListener("click", () => {
        form.client_id.value = item.id;
        form.client_query.value = item.title;
        clientOptions.replaceChildren();
      });
      return option;
    }));
  }, LOOKUP_DELAY_MS);
  form.client_query.addEventListener("input", findClients);

  const similar = document.getElementById("similar");
  const findSimilar = debounce(async () => {
    const building = form.building_id.value;
    const category = form.category_id.value;
    similar.hidden = true;
    if (!building || !category) return;
    const rows = await api("GET", `/api/v1/tickets/similar?building=${building}&category=${category}`);
    if (!rows.length) return;
    const title = document.createElement("p");
    title.textContent = texts.similar;
    const choices = [radio("", texts.no_parent, true)];
    for (const row of rows) choices.push(radio(row.id, `№ ${row.number} — ${row.description}`, false));
    similar.replaceChildren(title, ...choices);
    similar.hidden = false;
  }, LOOKUP_DELAY_MS);
  form.building_id.addEventListener("change", findSimilar);
  form.category_id.addEventListener("change", findSimilar);
  form.building_id.addEventListener("change", findPremises);

  function radio(value, text, checked) {
    const label = document.createElement("label");
    label.className = "check";
    const input = document.createElement("input");
    input.type = "radio";
    input.name = "parent_id";
    input.value = value;
    input.checked = checked;
    label.append(input, " ", text);
    return label;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    const label = form.premise_label.value.trim();
    if (label && !form.premise_id.value) {
      error.textContent = texts.premise_not_found.replace("{label}", label);
      error.hidden = false;
      form.premise_label.focus();
      return;
    }
    submit.disabled = true;
    try {
      const ticket = await api("POST", "/api/v1/tickets", payload(form), { "Idempotency-Key": form.idempotency_key.value });
      dialog.close();
      window.dispatchEvent(new CustomEvent("domovoy:ticket-created", { detail: ticket }));
    } catch (failure) {
      error.textContent = failure.message;
      error.hidden = false;
      const field = failure.problem?.field;
      if (field && form[field]) form[field].focus();
    } finally {
      submit.disabled = false;
    }
  });
}

function payload(form) {
  const number = (value) => (value ? Number(value) : null);
  const parent = form.querySelector("input[name=parent_id]:checked");
  return {
    building_id: number(form.building_id.value) ?? 0,
    premise_id: number(form.premise_id.value),
    client_id: number(form.client_id.value),
    call_id: number(form.call_id.value),
    contact_phone: form.contact_phone.value.trim() || null,
    category_id: number(form.category_id.value) ?? 0,
    priority: form.priority.value,
    channel: form.channel.value,
    assignee_id: number(form.assignee_id.value),
    parent_id: parent ? number(parent.value) : null,
    description: form.description.value,
  };
}
