import {int, pct, ratio} from "./format.js";
import {SortableTable} from "./table.js";

/**
 * The unit ranking on one rate indicator.
 * units: rows of overview.json `units` with is_ranked = true
 * ({unit_code, unit_name, rank, value, numerator, denominator, n_schools}).
 */
export function RankingTable(units, {highlight = null, valueLabel = "按期整改率", partsLabel = "按期整改 / 应整改"} = {}) {
  return SortableTable(
    units,
    [
      {key: "rank", label: "排名", numeric: true, format: (d) => (d.rank == null ? "—" : String(d.rank))},
      {key: "unit_name", label: "县区", format: (d) => d.unit_name},
      {key: "value", label: `${valueLabel}（%）`, numeric: true, format: (d) => (d.value == null ? "无数据" : pct(d.value))},
      {key: "denominator", label: partsLabel, numeric: true, format: (d) => ratio(d.numerator, d.denominator)},
      {key: "n_schools", label: "学校数", numeric: true, format: (d) => int(d.n_schools)}
    ],
    {
      testId: "unit-ranking",
      sort: {key: "rank"},
      rowClass: (d) => (d.unit_code === highlight ? "sc-highlight" : d.value == null ? "sc-muted" : null)
    }
  );
}

/** Schools with their rate, e.g. the lowest ten. rows: overview.json `lowest_schools`. */
export function SchoolRateTable(schools, {showUnit = true, valueLabel = "按期整改率", partsLabel = "按期整改 / 应整改"} = {}) {
  return SortableTable(
    schools,
    [
      {key: "school_name", label: "学校"},
      {key: "school_code", label: "学校标识码"},
      ...(showUnit ? [{key: "unit_name", label: "县区"}] : []),
      {key: "value", label: `${valueLabel}（%）`, numeric: true, format: (d) => pct(d.value)},
      {key: "denominator", label: partsLabel, numeric: true, format: (d) => ratio(d.numerator, d.denominator)}
    ],
    {testId: "lowest-schools"}
  );
}
