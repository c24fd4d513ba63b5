// Number formatting for the zh-CN pages (no d3-format: Intl is built in). How a value reads
// beside its goal (fixedShort, pct) is shared with the reports: it lives in shared/format.js,
// which the site reaches through the symbolic link shared-format.js (Framework serves modules
// only from inside src/; see dashboards/README.md).

import {int} from "./shared-format.js";

export {dateTime, fixedShort, indicatorText, int, pct, thresholdText} from "./shared-format.js";

/** "numerator / denominator" for a rate's parts, e.g. "45 / 50". */
export function ratio(numerator, denominator) {
  return numerator == null || denominator == null ? "—" : `${int(numerator)} / ${int(denominator)}`;
}

/** The style every Plot chart of the site shares: the page's font stack at 13 px. */
export const PLOT_STYLE = {fontFamily: "var(--sans-serif)", fontSize: "13px"};

/** About how many pixels `text` takes in PLOT_STYLE: 13 for a CJK character, 7.5 for a digit or the like. */
export function textWidth(text) {
  let width = 0;
  for (const char of String(text)) width += /[\u3000-\u9fff\uff00-\uffef]/.test(char) ? 13 : 7.5;
  return width;
}

/** Integer ticks for a count axis up to `max` (Plot's default would label 0.2, 0.4, … as "0"). */
export function countTicks(max) {
  return max <= 10 ? Array.from({length: max + 1}, (_, i) => i) : undefined;
}
