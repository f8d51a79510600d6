// The search box: arrows move through the hits, Enter opens the highlighted one, Escape clears,
// and "/" anywhere outside a field puts the cursor into the box.

function hitLinks(box) {
  return [...box.querySelectorAll(".clients-hits a")];
}

function highlight(box, index) {
  const links = hitLinks(box);
  links.forEach((link, i) => link.classList.toggle("active", i === index));
  const input = box.querySelector("input[type=search]");
  if (links[index]) {
    input.setAttribute("aria-activedescendant", links[index].parentElement.id);
    links[index].scrollIntoView({ block: "nearest" });
  }
}

function activeIndex(box) {
  return hitLinks(box).findIndex((link) => link.classList.contains("active"));
}

function onKey(box, event) {
  const links = hitLinks(box);
  if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    if (!links.length) return;
    event.preventDefault();
    const step = event.key === "ArrowDown" ? 1 : -1;
    highlight(box, (activeIndex(box) + step + links.length) % links.length);
  } else if (event.key === "Enter") {
    const index = activeIndex(box);
    const target = links[index >= 0 ? index : 0];
    if (target) {
      event.preventDefault();
      location.href = target.href;
    }
  } else if (event.key === "Escape") {
    event.target.value = "";
    box.querySelector(".clients-results").innerHTML = "";
  }
}

export function attachSearch(box) {
  const input = box.querySelector("input[type=search]");
  input.addEventListener("keydown", (event) => onKey(box, event));
  box.addEventListener("htmx:afterSwap", () => highlight(box, 0));
}

document.querySelectorAll("[data-clients-search]").forEach(attachSearch);

document.addEventListener("keydown", (event) => {
  const typing = event.target.closest("input, textarea, select, [contenteditable]");
  if (event.key !== "/" || typing) return;
  const input = document.querySelector("[data-clients-search] input[type=search]");
  if (input) {
    event.preventDefault();
    input.focus();
    input.select();
  }
});
