/**
 * The operator's read commands (`status`, `incidents`) and the switches (`pause`, `resume`,
 * `dry-run on|off`): each switch is one attribute of the switches item, set by a conditional
 * update, so that setting one never touches the other.
 */
import * as os from 'os';
import type { AppConfigClient } from '@aws-sdk/client-appconfig';
import { AppConfigDataClient, GetLatestConfigurationCommand, StartConfigurationSessionCommand } from '@aws-sdk/client-appconfigdata';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { GlobalAcceleratorClient } from '@aws-sdk/client-global-accelerator';
import type { Route53Client } from '@aws-sdk/client-route-53';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { AwsActions } from '../health-monitor/actions';
import { CircuitBreaker } from '../health-monitor/breaker';
import { systemClock } from '../health-monitor/clock';
import { MonitorConfig } from '../health-monitor/contract';
import { sameRecord, tokenName } from '../health-monitor/dns';
import { Lease, LeaseStore } from '../health-monitor/lease';
import { ActionLedger } from '../health-monitor/ledger';
import { TargetStateStore } from '../health-monitor/state-store';
import { RecordingTelemetry } from '../health-monitor/telemetry';
import { setFlag } from './appconfig';

/** Every client the commands use; tests give mocks and a local table. */
export interface CliClients {
  readonly db: DynamoDBDocumentClient;
  readonly appConfig: AppConfigDataClient;
  /** AppConfig's control plane: where a switch that lives in the flags is changed. */
  readonly appConfigControl: AppConfigClient;
  readonly elb: ElasticLoadBalancingV2Client;
  readonly route53: Route53Client;
  readonly globalAccelerator: GlobalAcceleratorClient;
}

export type Print = (line: string) => void;

/** The switches item's key: the item the monitor reads each cycle. */
const switchesKey = (config: MonitorConfig) => ({ pk: config.monitorId, sk: 'switches' });

/** The monitor's own calls for the name and the accelerator, with breakers that never open on one command. */
export function awsActions(clients: CliClients, config: MonitorConfig): AwsActions {
  const breaker = (api: string) => new CircuitBreaker(api, config.breaker, systemClock);
  return new AwsActions(
    { elb: clients.elb, route53: clients.route53, globalAccelerator: clients.globalAccelerator, sns: undefined as never },
    { elb: breaker('elb'), route53: breaker('route53'), globalAccelerator: breaker('globalAccelerator'), sns: breaker('sns') },
    new RecordingTelemetry(),
  );
}

export interface SwitchState {
  readonly paused: boolean;
  readonly dryRun: boolean;
}

/** The switches in the table, as the monitor reads them (the deployed dry run aside). */
export async function tableSwitches(clients: CliClients, config: MonitorConfig): Promise<SwitchState & { readonly updatedBy?: string; readonly updatedAt?: string }> {
  const { Item: item } = await clients.db.send(new GetCommand({ TableName: config.tableName, Key: switchesKey(config), ConsistentRead: true }));
  return { paused: item?.paused === true, dryRun: item?.dryRun === true, updatedBy: item?.updatedBy, updatedAt: item?.updatedAt };
}

/** The switches in AppConfig's feature flags, when the monitor reads them there. */
export async function flagSwitches(clients: CliClients, config: MonitorConfig): Promise<SwitchState | undefined> {
  const flags = config.flags;
  if (!flags) return undefined;
  const session = await clients.appConfig.send(new StartConfigurationSessionCommand({
    ApplicationIdentifier: flags.applicationId, EnvironmentIdentifier: flags.environmentId, ConfigurationProfileIdentifier: flags.profileId,
  }));
  const latest = await clients.appConfig.send(new GetLatestConfigurationCommand({ ConfigurationToken: session.InitialConfigurationToken }));
  const values = JSON.parse(new TextDecoder().decode(latest.Configuration ?? new Uint8Array()) || '{}') as Record<string, { enabled?: boolean }>;
  return { paused: values[flags.pausedFlag]?.enabled === true, dryRun: values[flags.dryRunFlag]?.enabled === true };
}

/** The switch each command sets, and its value. */
export type SwitchChange = { readonly attribute: 'paused' | 'dryRun'; readonly value: boolean };

/**
 * Sets one switch: an update of that one attribute, made only when it changes it, so that who
 * set it first is kept. The other switch is left as it is. Turning a switch off also turns it off
 * in AppConfig, where the monitor reads it too (any source turns it on); turning it on needs the
 * table only, which the monitor reads every cycle.
 */
export async function setSwitch(clients: CliClients, config: MonitorConfig, change: SwitchChange, print: Print): Promise<void> {
  const name = change.attribute === 'paused' ? (change.value ? 'paused' : 'resumed') : `dry run ${change.value ? 'on' : 'off'}`;
  try {
    await clients.db.send(new UpdateCommand({
      TableName: config.tableName,
      Key: switchesKey(config),
      UpdateExpression: 'SET #switch = :value, updatedAt = :at, updatedBy = :by',
      ConditionExpression: change.value ? 'attribute_not_exists(#switch) OR #switch <> :value' : '#switch = :on',
      ExpressionAttributeNames: { '#switch': change.attribute },
      ExpressionAttributeValues: { ':value': change.value, ':at': new Date().toISOString(), ':by': `${os.userInfo().username}@${os.hostname()}`, ...(change.value ? {} : { ':on': true }) },
    }));
    print(`${config.monitorId}: ${name} in table ${config.tableName}; the monitor reads it at its next cycle`);
  } catch (e) {
    if (!(e instanceof ConditionalCheckFailedException)) throw e;
    print(`${config.monitorId}: already ${name} in table ${config.tableName}`);
  }
  let flags = await flagSwitches(clients, config);
  if (flags && !change.value && flags[change.attribute]) {
    const flag = change.attribute === 'paused' ? config.flags!.pausedFlag : config.flags!.dryRunFlag;
    const { version, deployment } = await setFlag(clients.appConfigControl, config.flags!, flag, false);
    print(`${config.monitorId}: AppConfig flag ${flag} off in version ${version}, deployment ${deployment} of environment ${config.flags!.environmentId}; `
      + 'the monitor sees it once the deployment is done and its next poll reads it');
    flags = { ...flags, [change.attribute]: false };
  }
  const table = await tableSwitches(clients, config);
  print(`switches now: ${describeSwitches(table, flags, config.actions.dryRun)}`);
}

/** What the monitor does with these switches: any source turns a switch on. */
export function describeSwitches(table: SwitchState, flags: SwitchState | undefined, deployedDryRun: boolean): string {
  const paused = table.paused || flags?.paused === true;
  const dryRun = table.dryRun || flags?.dryRun === true || deployedDryRun;
  const sources = `table paused=${table.paused} dryRun=${table.dryRun}${flags ? `; AppConfig paused=${flags.paused} dryRun=${flags.dryRun}` : ''}${deployedDryRun ? '; deployed dryRun=true' : ''}`;
  return `${paused ? 'PAUSED (probes and tracks, acts on nothing, alerts nothing)' : dryRun ? 'DRY RUN (decides and records, only logs its AWS calls)' : 'ACTING'} (${sources})`;
}

const iso = (ms: unknown) => (typeof ms === 'number' ? new Date(ms).toISOString() : 'unknown');

/** The lease item, read as the monitor reads it. */
function readLease(clients: CliClients, config: MonitorConfig): Promise<Lease | undefined> {
  return new LeaseStore(clients.db, { tableName: config.tableName, monitorId: config.monitorId, durationMs: config.lease.durationMs, windowMs: config.actions.windowMs }).read();
}

/** Leader, epoch, open incidents, targets out, the name's and the accelerator's answer, the switches. */
export async function status(clients: CliClients, config: MonitorConfig, functionName: string, print: Print): Promise<void> {
  print(`monitor ${config.monitorId} (function ${functionName}, table ${config.tableName})`);
  const lease = await readLease(clients, config);
  if (!lease) {
    print('leader: none yet (the monitor has not run)');
  } else {
    const held = !lease.released && lease.leaseExpiresAt > Date.now();
    print(`leader: ${held ? lease.holder : 'none'} epoch ${lease.epoch}${held ? `, lease until ${iso(lease.leaseExpiresAt)} by its clock` : lease.released ? ' (released)' : ` (lease ended ${iso(lease.leaseExpiresAt)})`}`);
  }
  const incidents = Object.entries(lease?.incidents ?? {});
  print(`open incidents: ${incidents.length === 0 ? 'none' : ''}`);
  for (const [group, incident] of incidents) print(`  ${group}: ${incident.id}, opened ${iso(incident.openedAt)}`);
  const out = [...(await new TargetStateStore(clients.db, config.tableName, config.monitorId).loadAll()).values()].filter((t) => t.deregistered);
  print(`targets out: ${out.length === 0 ? 'none' : ''}`);
  for (const t of out) print(`  ${t.id} (${t.group}), taken out ${iso(t.removedAt)} in ${t.deregisteredIn ?? 'an unknown incident'}, now ${t.status}`);
  const actions = awsActions(clients, config);
  if (config.dns) {
    const state = await actions.readName(config.dns.hostedZoneId, config.dns.primaryRecord, tokenName(config.dns));
    const answer = sameRecord(state.record, config.dns.failoverRecord) ? 'FAILED OVER: answers with the standby'
      : sameRecord(state.record, config.dns.primaryRecord) ? 'answers with the primary, as deployed' : 'answers with neither the deployed nor the failover target';
    print(`name ${config.dns.primaryRecord.Name} (${config.dns.primaryRecord.Type}, ${config.dns.primaryRecord.SetIdentifier ?? 'no set identifier'}): ${answer}; token ${state.token ?? 'none'}`);
  }
  if (config.vip) {
    const endpoints = await actions.readEndpoints(config.vip.endpointGroupArn);
    const weight = endpoints.find((e) => e.EndpointId === config.vip!.endpointId)?.Weight;
    const answer = weight === config.vip.weight ? 'in traffic, as deployed' : weight === 0 ? 'FAILED OVER: out of traffic (weight 0)' : weight === undefined ? 'not in its endpoint group' : `weight ${weight}, deployed ${config.vip.weight}`;
    print(`accelerator endpoint ${config.vip.endpointId}: ${answer}`);
  }
  print(`switches: ${describeSwitches(await tableSwitches(clients, config), await flagSwitches(clients, config), config.actions.dryRun)}`);
  print(`alerts go to: ${config.actions.alertTopicArn ?? 'no topic'}`);
}

/** Open incidents and the latest actions the ledger recorded. */
export async function incidents(clients: CliClients, config: MonitorConfig, print: Print, last = 20): Promise<void> {
  const open = Object.entries((await readLease(clients, config))?.incidents ?? {});
  print(`open incidents: ${open.length === 0 ? 'none' : ''}`);
  for (const [group, incident] of open) print(`  ${incident.id} (${group}), opened ${iso(incident.openedAt)}`);
  const entries = await new ActionLedger(clients.db, config.tableName, config.monitorId, config.ledgerRetentionMs).list();
  print(`latest actions (of ${entries.length} kept ${Math.round(config.ledgerRetentionMs / 86_400_000)} days):`);
  for (const e of entries.slice(-last)) {
    print(`  ${iso(e.at)} ${e.key}: ${e.outcome}${e.dryRun ? ' (dry run)' : ''}, epoch ${e.epoch}${e.detail ? `, ${e.detail}` : ''}`);
  }
}
