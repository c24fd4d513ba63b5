/** A horizontal bar chart as inline SVG (no script, prints as vector), one bar per item. */
import { html, type Markup } from './html.ts';

export interface Bar {
  label: string;
  value: number;
  /** Highlight the bar (e.g. a vetoed unit, the school the report is about). */
  marked?: boolean;
}

export function barChart(bars: Bar[], { max = 100, digits = 2, caption = '' }: { max?: number; digits?: number; caption?: string } = {}): Markup {
  const rowHeight = 18;
  const labelWidth = 150;
  const width = 640;
  const plot = width - labelWidth - 60;
  const height = bars.length * rowHeight + 6;
  return html`<figure class="chart"><svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${caption}" xmlns="http://www.w3.org/2000/svg">${bars.map((bar, i) => {
    const y = 3 + i * rowHeight;
    const w = Math.max(0, Math.min(1, bar.value / max)) * plot;
    return html`<text x="${labelWidth - 6}" y="${y + 12}" text-anchor="end" font-size="11">${bar.label}</text><rect x="${labelWidth}" y="${y + 2}" width="${w.toFixed(1)}" height="${rowHeight - 6}" fill="${bar.marked ? '#c0392b' : '#3b6ea5'}"/><text x="${labelWidth + w + 4}" y="${y + 12}" font-size="10">${bar.value.toFixed(digits)}</text>`;
  })}</svg>${caption ? html`<figcaption class="muted">${caption}</figcaption>` : ''}</figure>`;
}
