// Charts of a report as inline SVG: no script, no external asset, and they print as they show.
import { escapeHtml } from './escape.ts';

/** Verdict colours, the same in every chart and badge: the urgent ones warm, the reassuring ones green. */
export const VERDICT_COLOURS: Record<string, string> = {
  altered: '#c62828',
  forgeable: '#ef6c00',
  unverifiable: '#8e24aa',
  'key-unavailable': '#78909c',
  unsigned: '#cfd8dc',
  'authentic-with-caveats': '#9ccc65',
  authentic: '#2e7d32',
};

export interface StackedSeries {
  label: string;
  counts: Record<string, number>;
}

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** One vertical bar per period, stacked by verdict in `order`. */
export function columnChart(
  series: StackedSeries[],
  order: readonly string[],
  title: string,
  unit: string,
): string {
  const width = 880;
  const height = 240;
  const left = 44;
  const bottom = 64;
  const top = 22;
  const max = Math.max(1, ...series.map((s) => sum(s.counts)));
  const step = (width - left) / Math.max(1, series.length);
  const bar = Math.max(2, Math.min(36, step * 0.8));
  const scale = (height - bottom - top) / max;
  const parts: string[] = [];
  for (const tick of ticks(max)) {
    const y = height - bottom - tick * scale;
    parts.push(
      `<line x1="${left}" x2="${width}" y1="${y}" y2="${y}" stroke="#e0e0e0"/>`,
      `<text x="${left - 6}" y="${y + 4}" text-anchor="end" class="tick">${tick}</text>`,
    );
  }
  const labelEvery = Math.ceil(series.length / 18);
  series.forEach((s, i) => {
    const x = left + i * step + (step - bar) / 2;
    let y = height - bottom;
    for (const verdict of order) {
      const n = s.counts[verdict] ?? 0;
      if (!n) continue;
      const h = n * scale;
      y -= h;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${bar.toFixed(1)}" height="${h.toFixed(1)}" fill="${VERDICT_COLOURS[verdict] ?? '#999'}"><title>${escapeHtml(`${s.label}: ${n} ${verdict}`)}</title></rect>`,
      );
    }
    if (i % labelEvery === 0)
      parts.push(
        `<text x="${(x + bar / 2).toFixed(1)}" y="${height - bottom + 14}" text-anchor="end" transform="rotate(-40 ${(x + bar / 2).toFixed(1)} ${height - bottom + 14})" class="tick">${escapeHtml(s.label)}</text>`,
      );
  });
  return svg(
    width,
    height,
    title,
    `${parts.join('')}<text x="4" y="10" class="tick">${escapeHtml(unit)}</text>`,
  );
}

/** One horizontal bar per row (a mailbox), stacked by verdict, with its total. */
export function barChart(series: StackedSeries[], order: readonly string[], title: string): string {
  const width = 880;
  const labelWidth = 300;
  const row = 22;
  const height = series.length * row + 8;
  const max = Math.max(1, ...series.map((s) => sum(s.counts)));
  const scale = (width - labelWidth - 60) / max;
  const parts: string[] = [];
  series.forEach((s, i) => {
    const y = 4 + i * row;
    parts.push(
      `<text x="${labelWidth - 8}" y="${y + 14}" text-anchor="end" class="label">${escapeHtml(shorten(s.label, 44))}</text>`,
    );
    let x = labelWidth;
    for (const verdict of order) {
      const n = s.counts[verdict] ?? 0;
      if (!n) continue;
      const w = n * scale;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y + 3}" width="${w.toFixed(1)}" height="${row - 6}" fill="${VERDICT_COLOURS[verdict] ?? '#999'}"><title>${escapeHtml(`${s.label}: ${n} ${verdict}`)}</title></rect>`,
      );
      x += w;
    }
    parts.push(`<text x="${(x + 6).toFixed(1)}" y="${y + 14}" class="tick">${sum(s.counts)}</text>`);
  });
  return svg(width, height, title, parts.join(''));
}

function svg(width: number, height: number, title: string, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${escapeHtml(title)}"><title>${escapeHtml(title)}</title>${body}</svg>`;
}

/** Round gridline values up to `max`. */
function ticks(max: number): number[] {
  const raw = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let t = 0; t <= max; t += Math.max(1, Math.round(step))) out.push(t);
  return out;
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `…${text.slice(text.length - max + 1)}`;
}
