// The soak as an SVG: one panel per measure against minutes, the warm-up
// shaded, so a leak (a line that keeps climbing) shows at a glance.
export interface Sample {
  tMin: number;
  rssMb: number;
  heapMb: number;
  fds: number;
  lagP99: number;
  lagMax: number;
  dbMb: number;
  calls: number;
  /** The machine's 1-minute load average (2 cores shared with others): contention shows as lag. */
  load: number;
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export function renderSvg(samples: Sample[], o: { title: string; warmupMin: number }): string {
  const W = 900;
  const PH = 150;
  const panels: Array<{ label: string; series: Array<{ name: string; color: string; get: (s: Sample) => number }> }> = [
    { label: 'memory (MB)', series: [{ name: 'RSS', color: '#c0392b', get: (s) => s.rssMb }, { name: 'heap used', color: '#2980b9', get: (s) => s.heapMb }] },
    { label: 'open file descriptors', series: [{ name: 'fds', color: '#8e44ad', get: (s) => s.fds }] },
    { label: 'event-loop delay (ms)', series: [{ name: 'p99 per 10 s', color: '#27ae60', get: (s) => s.lagP99 }, { name: 'max per 10 s', color: '#95a5a6', get: (s) => s.lagMax }] },
    { label: 'machine load average (1 min, 2 cores shared)', series: [{ name: 'load', color: '#34495e', get: (s) => s.load }] },
    { label: 'database (MB) and live channels', series: [{ name: 'DB + WAL', color: '#d35400', get: (s) => s.dbMb }, { name: 'channels / 100', color: '#7f8c8d', get: (s) => s.calls / 100 }] },
  ];
  const tMax = Math.max(1, ...samples.map((s) => s.tMin));
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${60 + panels.length * (PH + 40)}" font-family="sans-serif" font-size="12">`, `<rect width="100%" height="100%" fill="white"/>`, `<text x="20" y="25" font-size="15">${esc(o.title)}</text>`];
  panels.forEach((p, i) => {
    const top = 50 + i * (PH + 40);
    const left = 70;
    const width = W - left - 20;
    const values = samples.flatMap((s) => p.series.map((x) => x.get(s)));
    const vMax = Math.max(1e-9, ...values) * 1.1;
    const vMin = Math.min(0, ...values);
    const x = (t: number) => left + (t / tMax) * width;
    const y = (v: number) => top + PH - ((v - vMin) / (vMax - vMin)) * PH;
    out.push(`<rect x="${left}" y="${top}" width="${x(Math.min(o.warmupMin, tMax)) - left}" height="${PH}" fill="#f4f4f4"/>`);
    out.push(`<rect x="${left}" y="${top}" width="${width}" height="${PH}" fill="none" stroke="#999"/>`);
    out.push(`<text x="${left}" y="${top - 6}">${esc(p.label)}</text>`);
    for (const f of [0, 0.5, 1]) out.push(`<text x="${left - 6}" y="${y(vMin + f * (vMax - vMin)) + 4}" text-anchor="end">${(vMin + f * (vMax - vMin)).toFixed(vMax < 10 ? 1 : 0)}</text>`);
    p.series.forEach((s, k) => {
      const pts = samples.map((sm) => `${x(sm.tMin).toFixed(1)},${y(s.get(sm)).toFixed(1)}`).join(' ');
      out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="1.5" points="${pts}"/>`);
      out.push(`<text x="${left + width - 160}" y="${top + 16 + k * 14}" fill="${s.color}">${esc(s.name)}</text>`);
    });
    if (i === panels.length - 1) for (const f of [0, 0.25, 0.5, 0.75, 1]) out.push(`<text x="${x(f * tMax)}" y="${top + PH + 16}" text-anchor="middle">${(f * tMax).toFixed(0)} min</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
