/**
 * Draws the reference app's architecture from the app itself: it synthesizes the app, reads each
 * stack's template, and draws what it finds (regions, zones and subnets, the load balancer and its
 * target groups, the tasks, the cache and database, the monitor, the failover records and their
 * health check, the accelerator and its endpoint groups, the alarms) with the settings the templates carry.
 *
 *   npm run diagram            writes bin/architecture.svg
 *   npm run diagram -- FILE    writes FILE
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { buildApp } from './app';

type Resource = { Type: string; Properties?: Record<string, any>; Metadata?: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One synthesized stack, and what the picture needs from it. */
interface StackFacts {
  readonly name: string;
  readonly region: string;
  readonly resources: Resource[];
}

export const DIAGRAM_FILE = path.join(__dirname, 'architecture.svg');

/** The app's stacks, as `cdk synth` would produce them with cdk.json's context and no other. */
export function appFacts(): StackFacts[] {
  const { context } = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  const app = buildApp(new App({ context: { ...context, 'aws:cdk:enable-path-metadata': true } }));
  return app.synth().stacks.map((s) => ({
    name: s.stackName,
    region: s.environment.region,
    resources: Object.values((s.template as { Resources: Record<string, Resource> }).Resources),
  }));
}

const of = (stack: StackFacts, type: string) => stack.resources.filter((r) => r.Type === type);
const pathOf = (r: Resource) => String(r.Metadata?.['aws:cdk:path'] ?? '');

function vpcLine(stack: StackFacts): string {
  const subnets = of(stack, 'AWS::EC2::Subnet');
  const zones = [...new Set(subnets.map((s) => String(s.Properties?.AvailabilityZone)))].sort();
  const kinds = [...new Set(subnets.map((s) => (s.Properties?.Tags ?? []).find((t: { Key: string }) => t.Key === 'aws-cdk:subnet-name')?.Value))];
  const suffixes = zones.map((z) => z.slice(stack.region.length)).join(', ');
  return `VPC over ${zones.length} zones (${suffixes}), ${kinds.join(', ')} subnets in each`;
}

function loadBalancerLines(stack: StackFacts): string[] {
  const lb = of(stack, 'AWS::ElasticLoadBalancingV2::LoadBalancer')[0];
  const listeners = of(stack, 'AWS::ElasticLoadBalancingV2::Listener').map((l) => `${l.Properties?.Protocol} ${l.Properties?.Port}`);
  const groups = of(stack, 'AWS::ElasticLoadBalancingV2::TargetGroup').map((g) => {
    const name = pathOf(g).split('/').slice(-2)[0].replace(/TargetGroup$/, '');
    const p = g.Properties ?? {};
    return `${name}: ${p.HealthCheckProtocol} ${p.HealthCheckPath ?? ''} every ${p.HealthCheckIntervalSeconds} s, out after ${p.UnhealthyThresholdCount}`;
  });
  return [`${lb.Properties?.Type === 'network' ? 'NLB' : 'ALB'}, ${lb.Properties?.Scheme}, ${listeners.join(' + ')}`, ...groups];
}

function tasksLines(stack: StackFacts): string[] {
  const service = of(stack, 'AWS::ECS::Service')[0];
  const task = of(stack, 'AWS::ECS::TaskDefinition')[0];
  const container = task?.Properties?.ContainerDefinitions?.[0];
  return [
    `${service.Properties?.DesiredCount} ${service.Properties?.LaunchType === 'FARGATE' ? 'Fargate' : ''} tasks, ${task?.Properties?.RuntimePlatform?.CpuArchitecture ?? ''} ${task?.Properties?.Cpu}/${task?.Properties?.Memory}`,
    `${container?.Image}`,
    `rolls back a failing deployment: ${service.Properties?.DeploymentConfiguration?.DeploymentCircuitBreaker?.Rollback === true ? 'yes' : 'no'}`,
  ];
}

function cacheLines(stack: StackFacts): string[] {
  const group = of(stack, 'AWS::ElastiCache::ReplicationGroup')[0];
  if (!group) return [];
  const p = group.Properties ?? {};
  return [
    `${p.Engine} ${p.EngineVersion ?? ''}, ${p.CacheNodeType}`,
    p.NumCacheClusters !== undefined
      ? `1 primary + ${p.NumCacheClusters - 1} replicas, Multi-AZ ${p.MultiAZEnabled ? 'on' : 'off'}, automatic failover ${p.AutomaticFailoverEnabled ? 'on' : 'off'}`
      : `${p.NumNodeGroups} shards × ${1 + (p.ReplicasPerNodeGroup ?? 0)} nodes, Multi-AZ ${p.MultiAZEnabled ? 'on' : 'off'}`,
    `TLS ${p.TransitEncryptionEnabled ? 'on' : 'off'}, at rest ${p.AtRestEncryptionEnabled ? 'encrypted' : 'plain'}`,
    ...(of(stack, 'AWS::ElastiCache::GlobalReplicationGroup').length > 0 ? ['primary of a Global Datastore'] : []),
  ];
}

function databaseLines(stack: StackFacts): string[] {
  const cluster = of(stack, 'AWS::RDS::DBCluster')[0];
  if (!cluster) return [];
  const instances = of(stack, 'AWS::RDS::DBInstance');
  const p = cluster.Properties ?? {};
  const global = of(stack, 'AWS::RDS::GlobalCluster')[0];
  const rpo = of(stack, 'AWS::RDS::DBClusterParameterGroup')[0]?.Properties?.Parameters?.['rds.global_db_rpo'];
  return [
    `${p.Engine} ${p.EngineVersion}, ${instances.length} × ${instances[0]?.Properties?.DBInstanceClass}`,
    p.GlobalClusterIdentifier ? `global secondary, ${instances.length} read-only instance(s)` : `writer + ${instances.length - 1} reader(s) in other zones`,
    `storage encrypted ${p.StorageEncrypted ? 'yes' : 'no'}, ${p.BackupRetentionPeriod}-day backups`,
    ...(global ? [`primary of a global database${rpo ? `, at most ${rpo} s of writes behind` : ''}`] : []),
  ];
}

function monitorLines(stack: StackFacts): string[] {
  const fn = of(stack, 'AWS::Lambda::Function').find((f) => f.Properties?.Environment?.Variables?.MONITOR_CONFIG);
  if (!fn) return [];
  const rule = of(stack, 'AWS::Events::Rule').find((r) => pathOf(r).includes('/Monitor/'));
  const config = JSON.stringify(fn.Properties?.Environment?.Variables?.MONITOR_CONFIG);
  const interval = /\\"intervalMs\\":(\d+)/.exec(config)?.[1];
  const lease = /\\"durationMs\\":(\d+)/.exec(config)?.[1];
  return [
    `${rule?.Properties?.Targets?.length ?? 0} contenders started ${rule?.Properties?.ScheduleExpression}`,
    `probes every ${Number(interval) / 1000} s; leader lease ${Number(lease) / 1000} s in DynamoDB`,
    `${fn.Properties?.Runtime}, ${fn.Properties?.Architectures?.[0]}, in the App subnets`,
  ];
}

function dnsLines(stack: StackFacts): string[] {
  const records = of(stack, 'AWS::Route53::RecordSet').filter((r) => r.Properties?.Failover);
  const check = of(stack, 'AWS::Route53::HealthCheck')[0]?.Properties?.HealthCheckConfig;
  if (records.length === 0) return [];
  return [
    `${records[0].Properties?.Name} ${records.map((r) => r.Properties?.Type).filter((t, i, a) => a.indexOf(t) === i).join('/')}, failover records: ${records.map((r) => r.Properties?.Failover).filter((t, i, a) => a.indexOf(t) === i).join(' → ')}`,
    check ? `PRIMARY health check: ${check.Type} ${check.ResourcePath ?? ''} every ${check.RequestInterval} s, ${check.FailureThreshold} failures` : 'no health check',
  ];
}

function acceleratorLines(stack: StackFacts): string[] {
  const accelerator = of(stack, 'AWS::GlobalAccelerator::Accelerator')[0];
  if (!accelerator) return [];
  const listener = of(stack, 'AWS::GlobalAccelerator::Listener')[0]?.Properties ?? {};
  const ports = (listener.PortRanges ?? []).map((r: { FromPort: number }) => r.FromPort).join(', ');
  const groups = of(stack, 'AWS::GlobalAccelerator::EndpointGroup').map((g) => `${g.Properties?.EndpointGroupRegion} (dial ${g.Properties?.TrafficDialPercentage ?? 100} %)`);
  return [
    `two static ${accelerator.Properties?.IpAddressType ?? 'IPV4'} addresses; ${listener.Protocol} ${ports}`,
    `endpoint groups: ${groups.join(', ')}`,
  ];
}

// ---- drawing ----

const C = { ink: '#1f2933', faint: '#616e7c', region: '#f5f7fa', vpc: '#ffffff', edge: '#52606d', box: '#e8f0fe', data: '#fdf3e7', mon: '#eef8f1', dns: '#f3eefc' };

class Svg {
  public readonly parts: string[] = [];

  public rect(x: number, y: number, w: number, h: number, fill: string, o: { dash?: boolean; stroke?: string } = {}): void {
    this.parts.push(`<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="6" fill="${fill}" stroke="${o.stroke ?? '#9aa5b1'}"${o.dash ? ' stroke-dasharray="5 4"' : ''}/>`);
  }

  public text(x: number, y: number, content: string, o: { size?: number; weight?: string; fill?: string; anchor?: string } = {}): void {
    const escaped = content.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    this.parts.push(`<text x="${x}" y="${y}" font-size="${o.size ?? 11}" fill="${o.fill ?? C.ink}"${o.weight ? ` font-weight="${o.weight}"` : ''}${o.anchor ? ` text-anchor="${o.anchor}"` : ''}>${escaped}</text>`);
  }

  /** Draws below what was drawn from `index` on (a frame sized by what it holds). */
  public under(index: number, draw: () => void): void {
    const before = this.parts.length;
    draw();
    this.parts.splice(index, 0, ...this.parts.splice(before));
  }

  /** A box with a title and lines of facts; returns its frame. */
  public box(x: number, y: number, w: number, title: string, lines: string[], fill: string): Frame {
    const h = 26 + lines.length * 15;
    this.rect(x, y, w, h, fill);
    this.text(x + 10, y + 18, title, { size: 12, weight: 'bold' });
    lines.forEach((line, i) => this.text(x + 10, y + 36 + i * 15, line, { size: 10.5, fill: C.faint }));
    return { x, y, w, h };
  }

  public arrow(from: [number, number], to: [number, number], label?: string, labelAt: 'start' | 'middle' = 'middle'): void {
    this.parts.push(`<line x1="${from[0]}" y1="${from[1]}" x2="${to[0]}" y2="${to[1]}" stroke="${C.edge}" stroke-width="1.5" marker-end="url(#arrow)"/>`);
    if (!label) return;
    const [lx, ly] = labelAt === 'middle' ? [(from[0] + to[0]) / 2 + 6, (from[1] + to[1]) / 2 - 4] : [from[0] + 6, from[1] + 14];
    this.text(lx, ly, label, { size: 10, fill: C.edge, weight: 'bold' });
  }
}

interface Frame { x: number; y: number; w: number; h: number }
const bottom = (f: Frame, dx = f.w / 2): [number, number] => [f.x + dx, f.y + f.h];
const top = (f: Frame, dx = f.w / 2): [number, number] => [f.x + dx, f.y];

export function renderArchitecture(stacks: StackFacts[]): string {
  const primary = stacks.find((s) => of(s, 'AWS::Route53::RecordSet').some((r) => r.Properties?.Failover));
  const standby = stacks.find((s) => s !== primary && of(s, 'AWS::ElasticLoadBalancingV2::LoadBalancer').length > 0);
  const standbyData = stacks.find((s) => s !== primary && of(s, 'AWS::RDS::DBCluster').length > 0);
  const alarms = stacks.find((s) => s !== primary && s !== standby && s !== standbyData);
  if (!primary || !standby || !alarms) throw new Error(`the app has no primary, standby and alarm stacks: ${stacks.map((s) => s.name).join(', ')}`);
  const svg = new Svg();
  const W = 1180;

  // Route 53 and the accelerator, global, on top.
  const dns = svg.box(40, 40, 560, 'Route 53 (global)', dnsLines(primary), C.dns);
  const vipLines = acceleratorLines(primary);
  const vip = vipLines.length > 0 ? svg.box(640, 40, 500, 'Global Accelerator (global)', vipLines, C.dns) : undefined;

  // The primary region.
  const py = 150;
  const primaryFrame = svg.parts.length;
  svg.text(32, py + 20, `${primary.name} · ${primary.region} · primary`, { size: 13, weight: 'bold' });
  svg.text(32, py + 38, vpcLine(primary), { size: 10.5, fill: C.faint });
  const lb = svg.box(40, py + 56, 420, 'Load balancer (public subnets)', loadBalancerLines(primary), C.box);
  const tasks = svg.box(40, lb.y + lb.h + 40, 420, 'API tasks (App subnets)', tasksLines(primary), C.box);
  const monitor = svg.box(500, py + 56, 280, 'LeaderHealthMonitor (App subnets)', monitorLines(primary), C.mon);
  const cache = svg.box(40, tasks.y + tasks.h + 40, 350, 'ReplicatedCache (Data subnets)', cacheLines(primary), C.data);
  const db = svg.box(410, tasks.y + tasks.h + 40, 370, 'ReplicatedDatabase (Data subnets)', databaseLines(primary), C.data);
  const alarmCount = of(primary, 'AWS::CloudWatch::Alarm').length;
  const primaryBottom = Math.max(cache.y + cache.h, db.y + db.h) + 40;
  svg.text(40, primaryBottom - 14, `${alarmCount} CloudWatch alarms and the monitor's alerts notify the service's encrypted SNS topic`, { size: 10.5, fill: C.faint });
  svg.under(primaryFrame, () => svg.rect(20, py, 780, primaryBottom - py, C.region, { dash: true }));

  // The standby region, with the database's secondary from a stack of its own.
  const standbyHeight = standbyData ? 360 : 250;
  svg.rect(820, py, 340, standbyHeight, C.region, { dash: true });
  svg.text(832, py + 20, `${standby.name} · ${standby.region} · standby`, { size: 13, weight: 'bold' });
  svg.text(832, py + 38, vpcLine(standby), { size: 10.5, fill: C.faint });
  const slb = svg.box(840, py + 56, 300, 'Load balancer', loadBalancerLines(standby).slice(0, 1), C.box);
  const stasks = svg.box(840, slb.y + slb.h + 40, 300, 'API tasks', tasksLines(standby).slice(0, 2), C.box);
  const secondaryCache = standbyData ? of(standbyData, 'AWS::ElastiCache::ReplicationGroup')[0]?.Properties : undefined;
  const sdb = standbyData ? svg.box(840, stasks.y + stasks.h + 40, 300, `${standbyData.name}: database and cache`, [
    databaseLines(standbyData)[1],
    ...(secondaryCache ? [`Global Datastore secondary, ${secondaryCache.NumCacheClusters} cache nodes`] : []),
  ], C.data) : undefined;
  svg.text(840, (sdb ?? stasks).y + (sdb ?? stasks).h + 24, sdb ? 'no monitor of its own' : 'no data tier and no monitor of its own', { size: 10.5, fill: C.faint });

  // us-east-1, where Route 53 publishes its metrics.
  const ay = py + standbyHeight + 20;
  svg.rect(820, ay, 340, 110, C.region, { dash: true });
  svg.text(832, ay + 20, `${alarms.name} · ${alarms.region}`, { size: 13, weight: 'bold' });
  const alarm = of(alarms, 'AWS::CloudWatch::Alarm')[0]?.Properties ?? {};
  svg.box(840, ay + 32, 300, 'Alarm', [`${alarm.MetricName} of the PRIMARY health check`, `below ${alarm.Threshold} for ${alarm.EvaluationPeriods} period of ${alarm.Period} s`], C.box);

  // What connects them.
  svg.arrow(bottom(dns, 120), top(lb, 120), 'PRIMARY');
  svg.arrow(bottom(dns, 520), top(slb, 60), 'SECONDARY', 'start');
  if (vip) {
    svg.arrow(bottom(vip, 40), top(lb, 300), 'endpoint', 'start');
    svg.arrow(bottom(vip, 440), top(slb, 240), 'endpoint');
  }
  svg.arrow(bottom(lb), top(tasks, 210), 'HTTP to the target groups');
  svg.arrow(bottom(slb), top(stasks, 150));
  if (sdb) {
    svg.arrow(bottom(stasks, 150), top(sdb, 150), 'TLS');
    svg.arrow([db.x + db.w, db.y + 30], [sdb.x, sdb.y + 30]);
  }
  svg.arrow(bottom(tasks, 175), top(cache, 175), 'TLS');
  svg.arrow(bottom(tasks, 390), top(db, 20), 'TLS');
  svg.arrow([monitor.x, monitor.y + monitor.h - 10], [tasks.x + tasks.w, tasks.y + 20], 'probes');
  svg.arrow(top(monitor, 40), bottom(dns, 440), 'UPSERT on failure');
  if (vip) svg.arrow(top(monitor, 240), bottom(vip, 180), 'weight 0 on failure');

  const H = Math.max(primaryBottom, ay + 110) + 20;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
      + `<path d="M 0 0 L 10 5 L 0 10 z" fill="${C.edge}"/></marker></defs>`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="20" y="24" font-size="15" font-weight="bold" fill="${C.ink}">cdk-ha-kit reference app, as synthesized (npm run diagram)</text>`,
    ...svg.parts,
    '</svg>',
    '',
  ].join('\n');
}

if (require.main === module) {
  const file = process.argv[2] ?? DIAGRAM_FILE;
  fs.writeFileSync(file, renderArchitecture(appFacts()));
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
