/**
 * What the live drills share: their stage (DynamoDB, loopback targets, the AWS recorder), and its
 * contenders, the health monitor's own modules wired as its Lambda function wires them, each with
 * a kill switch and its logs written to the drill's timeline.
 */
import type { ResourceRecordSet } from '@aws-sdk/client-route-53';
import { systemClock } from '../../lambda/health-monitor/clock';
import { MetricName } from '../../lambda/health-monitor/contract';
import { probe as realProbe, ProbeSpec } from '../../lambda/health-monitor/probes';
import { Telemetry } from '../../lambda/health-monitor/telemetry';
import { createBreakers, createClients, createMonitor, createWatchers } from '../../lambda/health-monitor/wiring';
import { LoopbackBackends } from '../support/backends';
import { startDynalite } from '../support/dynalite';
import { AwsRecorder, RecordedCall, describeCall } from './recorders';
import { DRILL_NAMES, DrillService } from './service';
import { CallTag, Timeline } from './timeline';

export interface RunningContender {
  readonly name: string;
  readonly alive: boolean;
  leads(): boolean;
  kill(): void;
  stop(): void;
  readonly done: Promise<void>;
  metric(name: MetricName): number;
}

function startContender(name: string, service: DrillService, endpoint: string, recorder: AwsRecorder, timeline: Timeline): RunningContender {
  const { config } = service;
  let alive = true;
  const clients = createClients(config, { region: DRILL_NAMES.region, endpoint });
  // A process that is gone sends nothing: every DynamoDB call fails from the moment it is killed.
  clients.db.middlewareStack.add((next) => async (args) => {
    if (!alive) throw new Error(`${name} is gone`);
    return next(args);
  }, { step: 'initialize', name: 'drillKillSwitch' });
  recorder.attach(name, clients, () => alive);
  const telemetry = new TimelineTelemetry(name, timeline, () => alive);
  const lastProbe = new Map<string, boolean>();
  const probe = async (spec: ProbeSpec) => {
    const result = await realProbe(spec);
    // Each change of what a target answers is worth a line; the same answer again is not.
    const key = `${spec.host}:${spec.port}`;
    if (alive && lastProbe.get(key) !== result.ok) timeline.add(name, 'probe', `probe ${key}: ${result.ok ? 'ok' : 'failed'} (${result.detail})`);
    lastProbe.set(key, result.ok);
    return result;
  };
  const breakers = createBreakers(config, systemClock, telemetry);
  const monitor = createMonitor(config, name, clients, breakers, createWatchers(config, clients, breakers, telemetry, systemClock), telemetry, systemClock, probe);
  timeline.add(name, 'note', 'contends for the lease');
  // Contenders stay for the whole drill; the schedule would start a new invocation every minute.
  const done = monitor.runInvocation(Date.now() + 55_000);
  return {
    name,
    get alive() { return alive; },
    leads: () => monitor.epoch !== undefined,
    kill: () => {
      alive = false;
      monitor.stop();
    },
    stop: () => monitor.stop(),
    done,
    metric: (metric) => telemetry.sum(metric),
  };
}

/** The monitor's logs as timeline events: who leads, state changes, actions, refusals. */
class TimelineTelemetry implements Telemetry {
  private readonly sums = new Map<MetricName, number>();

  constructor(private readonly name: string, private readonly timeline: Timeline, private readonly alive: () => boolean) {}

  public info(message: string, data: Record<string, unknown> = {}): void {
    if (!this.alive()) return;
    if (message === 'became leader') this.timeline.add(this.name, 'lead', `leads, epoch ${data.epoch}`);
    else if (message.startsWith('target ')) this.timeline.add(this.name, 'state', `${data.target} ${message.slice('target '.length)}`);
    else if (message === 'action taken') this.timeline.add(this.name, 'action', `took ${data.key} (epoch ${data.epoch})`);
    else if (message === 'released the lease') this.timeline.add(this.name, 'note', `released the lease, epoch ${data.epoch}`);
  }

  public warn(message: string, data: Record<string, unknown> = {}): void {
    if (!this.alive()) return;
    const refused = message.startsWith('refused');
    const about = [data.key, data.target, data.error].filter((d) => d !== undefined).join(', ');
    this.timeline.add(this.name, refused ? 'refused' : 'warn', about ? `${message}: ${about}` : message);
  }

  public error(message: string, data: Record<string, unknown> = {}): void {
    if (this.alive()) this.timeline.add(this.name, 'warn', `${message}: ${data.error ?? data.key ?? ''}`);
  }

  public metric(name: MetricName, value: number): void {
    this.sums.set(name, (this.sums.get(name) ?? 0) + value);
  }

  public flush(): void {}

  public sum(name: MetricName): number {
    return this.sums.get(name) ?? 0;
  }
}


/** What both live drills run on: DynamoDB, the loopback targets, the AWS recorder and the timeline. */
export interface DrillStage {
  readonly started: number;
  readonly backends: LoopbackBackends;
  readonly recorder: AwsRecorder;
  readonly timeline: Timeline;
  /** Starts one contender per name, each with its own clients. */
  contend(names: readonly string[]): RunningContender[];
  /** Stops the contenders, the targets and DynamoDB. */
  close(): Promise<void>;
}

/**
 * The drill's stage: a dynalite table for the monitor, `targets` loopback servers registered in
 * the target group, and the service's record and endpoint group in the recorder, each call but
 * the health reads written to the timeline with its tag.
 */
export async function setUpStage(service: DrillService, targets: number, print: ((line: string) => void) | undefined, tag: (call: RecordedCall) => CallTag | undefined = () => undefined): Promise<DrillStage> {
  const dynamo = await startDynalite();
  await dynamo.createTable(service.config.tableName);
  const backends = await LoopbackBackends.start(targets);
  const started = Date.now();
  const timeline = new Timeline(started, print);
  const recorder = new AwsRecorder(started, service.elbCheck, (call) => {
    if (call.operation !== 'DescribeTargetHealth') timeline.add(call.by, 'call', describeCall(call), tag(call));
  });
  recorder.register(DRILL_NAMES.targetGroupArn, backends.ports.map((port) => ({ Id: '127.0.0.1', Port: port })));
  recorder.addRecord(service.config.dns!.primaryRecord as ResourceRecordSet);
  recorder.addEndpointGroup(DRILL_NAMES.endpointGroupArn, [{ EndpointId: DRILL_NAMES.primaryLoadBalancerArn, Weight: service.config.vip!.weight, ClientIPPreservationEnabled: true }]);
  const contenders: RunningContender[] = [];
  return {
    started, backends, recorder, timeline,
    contend: (names) => {
      const mine = names.map((name) => startContender(name, service, dynamo.endpoint, recorder, timeline));
      contenders.push(...mine);
      return mine;
    },
    close: async () => {
      contenders.forEach((c) => c.stop());
      await Promise.all(contenders.map((c) => c.done));
      await backends.stopAll();
      await dynamo.close();
    },
  };
}
