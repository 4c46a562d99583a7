/**
 * The drill's timeline: every event with its time since the start, printed as it happens, and
 * drawn as an SVG picture afterwards.
 */

export type EventKind = 'phase' | 'note' | 'lead' | 'kill' | 'probe' | 'state' | 'call' | 'action' | 'refused' | 'warn';

/** What a call did, for the picture. */
export type CallTag = 'alert' | 'recovery' | 'failover' | 'restore' | 'vip-out' | 'vip-in' | 'deregister' | 'register';

export interface DrillEvent {
  /** Milliseconds since the drill started. */
  readonly at: number;
  /** A contender, `drill`, or an AWS API. */
  readonly who: string;
  readonly kind: EventKind;
  readonly text: string;
  readonly tag?: CallTag;
}

export class Timeline {
  public readonly events: DrillEvent[] = [];

  constructor(private readonly started: number, private readonly print?: (line: string) => void) {}

  public add(who: string, kind: EventKind, text: string, tag?: CallTag): DrillEvent {
    const event: DrillEvent = { at: Date.now() - this.started, who, kind, text, tag };
    this.events.push(event);
    this.print?.(`${(event.at / 1000).toFixed(3).padStart(7)} s  ${who.padEnd(6)} ${kind === 'phase' ? `──── ${text}` : text}`);
    return event;
  }

  /** Marks a step of the drill; returns its time. */
  public phase(text: string): number {
    return this.add('drill', 'phase', text).at;
  }

  /** Events of `kind` whose text ends with ` ${suffix}`. */
  public count(kind: EventKind, suffix: string): number {
    return this.events.filter((e) => e.kind === kind && e.text.endsWith(` ${suffix}`)).length;
  }

  public firstAfter(at: number, predicate: (e: DrillEvent) => boolean): DrillEvent | undefined {
    return this.events.find((e) => e.at >= at && predicate(e));
  }
}

/** What the caption of the picture says. */
export interface TimelineSummary {
  readonly detected_ms?: number;
  readonly failover_ms?: number;
  readonly vip_failover_ms?: number;
  readonly leader_takeover_ms?: number;
  readonly recovered_ms?: number;
  readonly alerts_sent: number;
  readonly problems: string[];
}

const WIDTH = 980;
const LEFT = 170;
const RIGHT = 20;
const LANE = 30;
const COLORS = { up: '#2e9d5b', down: '#d64545', unknown: '#b8bec6', lead: '#2f6fd6', standby: '#dfe5ee', standbyName: '#e6a23c', ink: '#1f2933', faint: '#7b8794' };

/**
 * The drill as a picture: each target as the monitor saw it, each contender (standing by,
 * leading, killed), where the name pointed, and the messages sent, on one time axis with the
 * drill's steps marked.
 */
export function renderSvg(events: DrillEvent[], summary: TimelineSummary): string {
  const end = Math.ceil((Math.max(...events.map((e) => e.at)) + 500) / 1000) * 1000;
  const x = (at: number) => LEFT + ((WIDTH - LEFT - RIGHT) * at) / end;
  const parts: string[] = [];
  let y = 84;
  const laneLabel = (label: string) => parts.push(text(LEFT - 10, y + LANE / 2 + 4, label, { anchor: 'end' }));
  const bar = (from: number, to: number, color: string, height = 14) =>
    parts.push(`<rect x="${x(from).toFixed(1)}" y="${y + (LANE - height) / 2}" width="${Math.max(1, x(to) - x(from)).toFixed(1)}" height="${height}" rx="2" fill="${color}"/>`);

  // Targets, as the monitor saw them.
  parts.push(heading(y - 14, 'targets of Api, as the monitor saw them'));
  const targets = [...new Set(events.filter((e) => e.kind === 'state').map((e) => e.text.split(' ')[0]))].sort();
  for (const target of targets) {
    laneLabel(target.replace(/^Api\//, ''));
    let from = 0;
    let color = COLORS.unknown;
    for (const e of events.filter((ev) => ev.kind === 'state' && ev.text.startsWith(`${target} `))) {
      bar(from, e.at, color);
      from = e.at;
      color = e.text.endsWith(' DOWN') ? COLORS.down : COLORS.up;
    }
    bar(from, end, color);
    y += LANE;
  }

  // Contenders: standing by, leading, killed.
  y += 22;
  parts.push(heading(y - 14, 'contenders'));
  const contenders = [...new Set(events.filter((e) => e.kind === 'note' && e.text === 'contends for the lease').map((e) => e.who))].sort();
  const leads = events.filter((e) => e.kind === 'lead' || e.kind === 'kill');
  for (const name of contenders) {
    laneLabel(name);
    const killed = events.find((e) => e.kind === 'kill' && e.who === name);
    bar(0, killed?.at ?? end, COLORS.standby);
    leads.forEach((e, i) => {
      if (e.who !== name || e.kind !== 'lead') return;
      const next = leads.slice(i + 1).find((n) => n.kind === 'lead' || n.who === name);
      bar(e.at, next?.at ?? end, COLORS.lead);
      parts.push(text(x(e.at) + 4, y + LANE / 2 + 4, e.text.replace('leads, ', ''), { fill: '#ffffff', size: 10 }));
    });
    if (killed) parts.push(text(x(killed.at), y + LANE / 2 + 5, '✕ killed', { fill: COLORS.down, size: 12, weight: 'bold' }));
    y += LANE;
  }

  // Where the name pointed and where the accelerator sent traffic, and the messages sent.
  y += 22;
  parts.push(heading(y - 14, 'DNS, accelerator and alerts'));
  const calls = events.filter((e) => e.kind === 'call');
  const switchLane = (label: string, out: CallTag, back: CallTag, names: { primary: string; standby: string }) => {
    laneLabel(label);
    const changes = calls.filter((c) => c.tag === out || c.tag === back);
    let from = 0;
    let onPrimary = true;
    for (const change of changes) {
      bar(from, change.at, onPrimary ? COLORS.up : COLORS.standbyName);
      from = change.at;
      onPrimary = change.tag === back;
    }
    bar(from, end, onPrimary ? COLORS.up : COLORS.standbyName);
    for (const change of [{ at: 0, tag: back }, ...changes]) {
      parts.push(text(x(change.at) + 4, y + LANE / 2 + 4, change.tag === out ? names.standby : names.primary, { fill: '#ffffff', size: 10 }));
    }
    y += LANE;
  };
  switchLane('api.example.com', 'failover', 'restore', { primary: 'primary', standby: 'standby' });
  switchLane('accelerator', 'vip-out', 'vip-in', { primary: 'primary in', standby: 'primary out' });
  laneLabel('SNS');
  for (const call of calls.filter((c) => c.tag === 'alert' || c.tag === 'recovery')) {
    parts.push(`<circle cx="${x(call.at).toFixed(1)}" cy="${y + LANE / 2}" r="6" fill="${call.tag === 'alert' ? COLORS.down : COLORS.up}"/>`);
    parts.push(text(x(call.at) + 10, y + LANE / 2 + 4, call.tag === 'alert' ? `alert (${call.who})` : `recovered (${call.who})`, { size: 11 }));
  }
  y += LANE;

  // The drill's steps, across every lane.
  const phases = events.filter((e) => e.kind === 'phase');
  phases.forEach((p, i) => {
    parts.push(`<line x1="${x(p.at).toFixed(1)}" y1="${40 + (i % 2) * 12}" x2="${x(p.at).toFixed(1)}" y2="${y + 4}" stroke="${COLORS.ink}" stroke-dasharray="4 3"/>`);
    parts.push(text(x(p.at) + 4, 48 + (i % 2) * 12, p.text.split(':')[0], { size: 11, weight: 'bold' }));
  });

  // Time axis.
  y += 10;
  parts.push(`<line x1="${LEFT}" y1="${y}" x2="${WIDTH - RIGHT}" y2="${y}" stroke="${COLORS.faint}"/>`);
  for (let t = 0; t <= end; t += 2000) {
    parts.push(`<line x1="${x(t).toFixed(1)}" y1="${y}" x2="${x(t).toFixed(1)}" y2="${y + 5}" stroke="${COLORS.faint}"/>`);
    parts.push(text(x(t), y + 18, `${t / 1000} s`, { anchor: 'middle', size: 10, fill: COLORS.faint }));
  }
  y += 40;
  const s = (ms?: number) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(2)} s`);
  parts.push(text(LEFT, y, `detected ${s(summary.detected_ms)} · endpoint out ${s(summary.vip_failover_ms)} · name failed over ${s(summary.failover_ms)} · `
    + `leader taken over ${s(summary.leader_takeover_ms)}`, { size: 12 }));
  y += 16;
  parts.push(text(LEFT, y, `recovered ${s(summary.recovered_ms)} · ${summary.alerts_sent} messages · ${summary.problems.length === 0 ? 'PASS' : 'FAIL'}`, { size: 12 }));
  y += 18;
  // Two lines, each within the picture's width.
  parts.push(text(LEFT, y, 'grey: not yet probed, or standing by · green: UP, or the name on the primary · red: DOWN, or an alert', { size: 10, fill: COLORS.faint }));
  y += 14;
  parts.push(text(LEFT, y, 'blue: leading · amber: the name on the standby, or the primary endpoint out', { size: 10, fill: COLORS.faint }));
  y += 14;

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="${WIDTH}" height="${y}" fill="#ffffff"/>`,
    text(16, 22, 'cdk-ha-kit failover drill', { size: 15, weight: 'bold' }),
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

function heading(y: number, label: string): string {
  return text(16, y + 10, label, { size: 11, fill: COLORS.faint, weight: 'bold' });
}

function text(x: number, y: number, content: string, o: { anchor?: string; size?: number; fill?: string; weight?: string } = {}): string {
  const escaped = content.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" font-size="${o.size ?? 12}" fill="${o.fill ?? COLORS.ink}"`
    + `${o.anchor ? ` text-anchor="${o.anchor}"` : ''}${o.weight ? ` font-weight="${o.weight}"` : ''}>${escaped}</text>`;
}
