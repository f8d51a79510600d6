// The unit-map editor: a click on a premise fills the edit form, a click on a floor number the add form.

const map = document.querySelector(".unitmap");
const premiseForm = document.querySelector("[data-edit-premise]");
const floorForm = document.querySelector("[data-edit-floor]");
const hint = document.querySelector("[data-edit-hint]");

function show(form) {
  premiseForm.hidden = form !== premiseForm;
  floorForm.hidden = form !== floorForm;
  hint.hidden = true;
}

map.addEventListener("click", (event) => {
  const cell = event.target.closest(".unitmap-cell");
  const floor = event.target.closest("[data-pick-floor]");
  map.querySelectorAll(".current").forEach((node) => node.classList.remove("current"));
  if (cell) {
    cell.classList.add("current");
    premiseForm.elements.premise_id.value = cell.dataset.id;
    premiseForm.elements.label.value = cell.textContent.trim();
    premiseForm.elements.kind.value = cell.dataset.kind;
    premiseForm.elements.area.value = (cell.dataset.area || "").replace(".", ",");
    premiseForm.elements.floors_spanned.value = cell.dataset.span || "1";
    show(premiseForm);
    premiseForm.elements.label.focus();
  } else if (floor) {
    floor.classList.add("current");
    floorForm.elements.floor_id.value = floor.dataset.floorId;
    const entrance = floor.closest(".unitmap-entrance").querySelector(".unitmap-entrance-title").textContent;
    floorForm.querySelector("[data-floor-title]").textContent = `${entrance}, ${floor.title}`;
    show(floorForm);
    floorForm.elements.label.focus();
  }
});

document.querySelectorAll("[data-confirm]").forEach((button) => {
  button.addEventListener("click", (event) => {
    if (!confirm(button.dataset.confirm)) event.preventDefault();
  });
});
