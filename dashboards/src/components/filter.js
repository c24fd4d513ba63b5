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

/**
 * The county and school-type filters of a list of schools (rows with unit_code, unit_name,
 * school_type): one view whose value is {unit, type} ("" for all), read with `matches`.
 */
export function SchoolFilters(rows, {testId = "school-filters"} = {}) {
  const units = [...new Map(rows.filter((d) => d.unit_code).map((d) => [d.unit_code, d.unit_name ?? d.unit_code])).entries()].sort(([a], [b]) => a.localeCompare(b));
  const types = [...new Set(rows.map((d) => d.school_type).filter(Boolean))].sort((a, b) => a.localeCompare(b, "zh-CN"));
  const unit = ChoiceFilter("县区", units, {all: "全部县区", testId: `${testId}-unit`});
  const type = ChoiceFilter("学段", types.map((t) => [t, t]), {all: "全部学段", testId: `${testId}-type`});
  const element = h("div", {class: "sc-filters", "data-testid": testId}, unit, type);
  Object.defineProperty(element, "value", {get: () => ({unit: unit.value, type: type.value})});
  return element;
}

/** Whether a row passes the filters' value {unit, type}. */
export const matches = ({unit, type}) => (d) => (!unit || d.unit_code === unit) && (!type || d.school_type === type);
