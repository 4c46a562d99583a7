import * as fs from 'fs';
import * as path from 'path';
import { buildApp } from '../../bin/app';
import { ReferenceStack } from '../../bin/reference-stack';
import { StandbyDataStack } from '../../bin/standby-data-stack';
import { MAX_BACKOFF_MS } from '../../lambda/health-monitor/alerts';
import { LATE_READ_INTERVALS, SIGNED_REQUEST_WINDOW_MS } from '../../lambda/health-monitor/contract';
import { FailureFailoverTime, FigureKind } from '../../lib';
import { DEFAULT_HEALTH_CHECK } from '../../lib/monitoring/settings';
import { AURORA_GLOBAL_FAILOVER, AURORA_GLOBAL_LAG, GLOBAL_DATASTORE_PROMOTION, HEADLESS_INSTANCE_CREATION } from '../../lib/replication/failover-figures';
import { testApp } from '../support/stacks';

const ROOT = path.join(__dirname, '..', '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
/** The monitor's figures docs/monitor.md states in prose, from the constants the handler runs on. */
const MONITOR = fs.readFileSync(path.join(ROOT, 'docs', 'monitor.md'), 'utf8').replace(/\s+/g, ' ');

describe('docs/monitor.md states the monitor\'s figures as the code has them', () => {
  test('a change whose outcome was never seen may land for the signing window', () => {
    expect(MONITOR).toContain(`The monitor takes the ${SIGNED_REQUEST_WINDOW_MS / 60_000} minutes, plus one call timeout`);
    expect(MONITOR).toContain(`may land up to ${SIGNED_REQUEST_WINDOW_MS / 60_000} minutes after it was sent`);
  });

  test('a late change is undone within a few probe intervals', () => {
    const seconds = (LATE_READ_INTERVALS * DEFAULT_HEALTH_CHECK.interval.toMilliseconds()) / 1000;
    expect(MONITOR).toContain(`every ${LATE_READ_INTERVALS} probe intervals (${seconds} s by default)`);
    expect(MONITOR).toContain(`its group is listed every ${LATE_READ_INTERVALS} probe intervals (${seconds} s)`);
  });

  test('a failed publish backs off to at most the code\'s ceiling', () => {
    expect(MONITOR).toContain(`from one probe interval to ${MAX_BACKOFF_MS / 1000} s`);
  });
});

/** A failure's row of the README's budget table, written from the chain the code computes. */
function failureRow(f: FailureFailoverTime): string {
  const steps = f.breakdown.steps.map((s) => {
    if (s.kind === FigureKind.NOT_STATED) return `${s.name} not stated`;
    const kind = s.kind === FigureKind.AWS_TYPICAL ? ' (AWS typical)' : s.kind === FigureKind.ASSUMED ? ' (assumed)' : '';
    return `${s.name} ${s.duration.toSeconds({ integral: false })} s${kind}`;
  });
  const data = f.dataLoss ? `${f.dataLoss.total.toSeconds({ integral: false })} s of writes, ${f.dataLoss.isBound ? 'a bound' : 'typical'}`
    : f.dataWithoutCopy ? 'no copy outside the region' : 'none';
  return `| ${f.description} | ${steps.join(', ')} | ${f.total.toSeconds({ integral: false })} s, ${f.isBound ? 'a bound' : 'typical'} | ${data} |`;
}

describe('the README states the reference app\'s failover budgets as the code computes them', () => {
  const app = buildApp(testApp());
  const service = (app.node.findChild('HaKitReference') as ReferenceStack).service;

  test('one row per failure, each with its chain and kind', () => {
    expect(service.failoverTime.failures.length).toBe(5);
    for (const failure of service.failoverTime.failures) expect(README).toContain(failureRow(failure));
  });

  test('the headline is the worst failure\'s, with its kind', () => {
    const worst = service.failoverTime.worst;
    expect(README).toContain(`**${worst.description}: ${worst.total.toSeconds()} s, ${worst.isBound ? 'a bound' : 'typical, not a bound'}**`);
  });
});

test('the README\'s cross-region figures are the ones the region\'s chain counts, with their kinds', () => {
  const kind = { [FigureKind.AWS_TYPICAL]: 'AWS typical', [FigureKind.ASSUMED]: 'assumed', [FigureKind.AWS_BOUND]: 'AWS bound' } as Record<string, string>;
  for (const [tier, figure] of [['database', AURORA_GLOBAL_FAILOVER], ['database', HEADLESS_INSTANCE_CREATION], ['database', AURORA_GLOBAL_LAG], ['cache', GLOBAL_DATASTORE_PROMOTION]] as const) {
    expect(README).toContain(`| ${tier}: ${figure.name} | ${figure.duration.toSeconds()} s | ${kind[figure.kind!]} |`);
  }
});

describe('the README states the reference plan as the code builds it', () => {
  const app = buildApp(testApp({ 'ha-kit:regionSwitch': 'true' }));
  const plan = (app.node.findChild('HaKitStandbyData') as StandbyDataStack).plan!;

  test('its workflow, step by step, in the picture', () => {
    const workflow = (plan.plan.workflows as Array<{ steps: Array<{ name: string; executionBlockType: string; executionBlockConfiguration: { parallelConfig?: { steps: Array<{ name: string; executionBlockType: string }> } } }> }>)[0];
    for (const step of workflow.steps) {
      expect(README).toContain(`${step.name} (${step.executionBlockType})`);
      for (const inner of step.executionBlockConfiguration.parallelConfig?.steps ?? []) expect(README).toContain(`${inner.name} (${inner.executionBlockType})`);
    }
  });

  test('its recovery time and data loss, with their kinds', () => {
    const kind = { [FigureKind.AWS_TYPICAL]: 'AWS typical', [FigureKind.ASSUMED]: 'assumed', [FigureKind.CONFIGURED]: 'configured' } as Record<string, string>;
    for (const step of plan.recoveryTime.steps) {
      if (step.kind === FigureKind.NOT_STATED) expect(README).toContain(`| ${step.name} | not stated |`);
      else expect(README).toContain(`| ${step.name} | ${step.duration.toSeconds()} s | ${kind[step.kind!]} |`);
    }
    expect(README).toContain(`| data lost with the primary region | ${plan.dataLoss!.total.toSeconds()} s of writes | ${plan.dataLoss!.isBound ? 'AWS bound' : 'typical'}`);
  });
});

test('the README lists every warning the constructs can raise, and no other', () => {
  const ids = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else for (const m of fs.readFileSync(file, 'utf8').matchAll(/addWarningV2\(\s*'(cdk-ha-kit:\w+)'/g)) ids.add(m[1]);
    }
  };
  walk(path.join(ROOT, 'lib'));
  const listed = new Set([...fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').matchAll(/^\| `(cdk-ha-kit:\w+)` \|/gm)].map((m) => m[1]));
  expect([...listed].sort()).toEqual([...ids].sort());
  expect(ids.size).toBeGreaterThanOrEqual(6);
});

test('the README is for adopters: under 960 lines, in the order they need it', () => {
  const text = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  expect(text.split('\n').length).toBeLessThan(960);
  const headings = [...text.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
  expect(headings).toEqual(['Quick start', 'Example', 'Deploying the reference app', 'The constructs', 'The playbook, mapped', 'Operations', 'Failover budgets', 'Security']);
});

test('the playbook section maps every idea of the classic playbook', () => {
  const text = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = /## The playbook, mapped\n([\s\S]*?)\n## /.exec(text)![1];
  const ideas = ['L3 (ICMP)', 'L4', 'L7', 'interval, timeout, retries, dead interval', 'round robin', 'least connections', 'hashing', 'stickiness',
    'inline', 'one-arm', 'NAT', 'direct server return', 'Gateway Load Balancer', 'server-side balancing', 'client-side balancing', 'service discovery',
    'coordinators (ZooKeeper, etcd, Consul)', 'leader election, heartbeats', 'watchers', 'feature flags', 'circuit breakers, fast fallback',
    'failover by a coordinator', 'failover by a virtual IP', 'failover by DNS, with TTLs', 'active-standby replication', 'read distribution', 'replication lag',
    'the zone path', 'the region path'];
  const rows = [...section.matchAll(/^\| ([^|]+) \| ([^|]+) \| ([^|]+) \|$/gm)].map((m) => m[1]);
  for (const idea of ideas) expect(rows.some((r) => r.includes(idea))).toBe(true);
  // Each row names what AWS offers and what the library does, or why not.
  const body = [...section.matchAll(/^\| ([^|]+) \| ([^|]+) \| ([^|]+) \|$/gm)].filter((m) => m[1] !== 'idea');
  expect(body.length).toBe(ideas.length);
  for (const m of body) expect([m[2].trim().length, m[3].trim().length].every((n) => n > 5)).toBe(true);
});

test('the README states the package\'s version, stability and the aws-cdk-lib it needs', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  expect(README).toContain(`Version ${manifest.version}, stability **${manifest.stability}**`);
  expect(README).toContain(`it needs \`aws-cdk-lib\` ${manifest.peerDependencies['aws-cdk-lib']} and \`constructs\` ${manifest.peerDependencies.constructs}, Node.js ${manifest.engines.node}`);
});
