// A tiny DOM builder, so pages and components need no htl (Framework's implicit `html`
// would be fetched from a CDN).

/**
 * h("div", {class: "card"}, "text", childNode, [more, children]) → HTMLElement.
 * Attributes: `class`, `style` (string), `on*` functions as listeners, booleans toggle,
 * null/undefined/false are skipped; children: strings, numbers, nodes, arrays, null.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value == null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child == null || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : String(child));
  }
}
