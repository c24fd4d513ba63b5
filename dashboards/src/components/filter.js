// A filter over a page's rows (county, school type): a <select> that is an Observable view.
import {h} from "./dom.js";

/**
 * A <select> with 全部 first, then `choices` ([value, text]); an Observable view of the chosen
 * value ("" for all). Prints as the choice it holds.
 */
export function ChoiceFilter(label, choices, {all = "全部", testId = null} = {}) {
  const select = h("select", {"aria-label": label}, h("option", {value: ""}, all), choices.map(([value, text]) => h("option", {value}, text)));
  const printed = h("span", {class: "sc-print-only"}, all);
  select.addEventListener("input", () => (printed.textContent = select.selectedOptions[0]?.textContent ?? ""));
  const element = h("label", {class: "sc-period", "data-testid": testId}, h("span", {}, `${label}：`), select, printed);
  Object.defineProperty(element, "value", {get: () => select.value});
  return element;
}
