// The client card: switching person/organisation fields, and picking a premise by typing its address.

function bindKindSwitch(form) {
  const radios = form.querySelectorAll("input[name=kind]");
  const update = () => {
    const kind = form.querySelector("input[name=kind]:checked")?.value || "person";
    form.querySelectorAll(".clients-fields").forEach((block) => {
      block.hidden = block.dataset.kind !== kind;
    });
  };
  radios.forEach((radio) => radio.addEventListener("change", update));
}

async function findPremises(text) {
  const response = await fetch(`/api/v1/search?q=${encodeURIComponent(text)}&limit=8`, {
    headers: { Accept: "application/json" },
  });
  if (!response.ok) return [];
  return (await response.json()).filter((hit) => hit.kind === "premise");
}

function bindPremisePicker(input) {
  const label = input.closest("label");
  const hidden = label.querySelector("input[name=premise_id]");
  const choice = label.querySelector(".clients-premise-choice");
  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const hits = input.value.trim().length > 2 ? await findPremises(input.value) : [];
      hidden.value = hits.length ? hits[0].id : "";
      choice.textContent = hits.length ? hits[0].title : input.value.trim() ? "—" : "";
    }, 200);
  });
}

document.querySelectorAll("form").forEach((form) => {
  if (form.querySelector("input[name=kind][type=radio]")) bindKindSwitch(form);
});
document.querySelectorAll("[data-premise-search]").forEach(bindPremisePicker);
