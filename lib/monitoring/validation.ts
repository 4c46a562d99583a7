/**
 * The checks of a LeaderHealthMonitor's props at synth: probe timing, lease and call timing,
 * targets and endpoints, the failover pair, the circuit breaker, the switches, registry
 * membership, and the size of the configuration the function carries.
 */
import { isIPv4 as isIpv4 } from 'net';
import { Stack, Token } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import type { MonitorConfig } from '../../lambda/health-monitor/contract';
import { FENCE_PREFIX, REGISTERED_BY, RETRY_JITTER, leaseTimingHolds } from '../../lambda/health-monitor/contract';
import { DNS_NAME_MAX, dnsNameLength } from '../core/dns-names';
import { HealthCheckProfile, HealthCheckProtocol } from '../core/health-check-profile';
import { Validator, formatSeconds } from '../core/validation';
import { RegistryHealthCheckType } from '../discovery/service-registry';
import { FeatureFlags } from '../flags/feature-flags';
import type { LeaderHealthMonitorProps, MonitorLeaseOptions, RegistryMembership } from './props';
import { DEFAULT_ENDPOINT_GROUP, LeaseSettings, defaultTriggerGroups, defaultVipTriggerGroups } from './settings';

const NAME_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
/** Lambda's limit on a function's environment. */
const ENVIRONMENT_LIMIT = 4096;
/** Room a token may take once resolved (an ARN, a DNS name). */
const TOKEN_ROOM = 120;

/** Checks the props of `scope`, a LeaderHealthMonitor, and throws every problem at once. */
export function validateMonitorProps(scope: Construct, props: LeaderHealthMonitorProps, t: HealthCheckProfile, s: LeaseSettings): void {
  const v = new Validator();
  const prefix = props.healthCheck ? 'healthCheck' : 'healthCheck (default)';
  v.addAll(prefix, t._validateForMonitor());
  if (props.downInterval && !props.downInterval.isUnresolved()) {
    const down = props.downInterval.toMilliseconds();
    if (down < t.interval.toMilliseconds() || down > 300_000) v.add('downInterval', formatSeconds(props.downInterval), `from the interval (${formatSeconds(t.interval)}) to 300 s`);
  }
  // The id lands in the table's keys, a metric dimension and the functions' descriptions (at most
  // 256 characters, Lambda API Reference, CreateFunction).
  v.matches('monitorId', props.monitorId, NAME_PATTERN, 'letters, digits, ".", "_" and "-"; at most 64 characters');
  v.integer('probeConcurrency', props.probeConcurrency, 1, 256);
  if (props.probeJitter && !props.probeJitter.isUnresolved()) {
    const room = t.interval.toMilliseconds() - t.timeout.toMilliseconds();
    if (props.probeJitter.toMilliseconds() < 0 || props.probeJitter.toMilliseconds() > room) {
      v.add('probeJitter', formatSeconds(props.probeJitter), `0 to the interval minus the timeout (${room / 1000} s)`);
    }
  }
  v.integer('maxBodyBytes', props.maxBodyBytes, 1, 65536);
  v.integer('contenders', props.contenders, 1, 5, 'an integer from 1 to 5 (targets of one EventBridge rule)');
  v.integer('maxActionsPerWindow', props.maxActionsPerWindow, 1, 1000);
  v.integer('maxFailoversPerWindow', props.maxFailoversPerWindow, 1, 100);
  v.integer('maxEjectPercent', props.maxEjectPercent, 1, 100);
  if (props.removedTargetRetention && !props.removedTargetRetention.isUnresolved()) {
    const ms = props.removedTargetRetention.toMilliseconds();
    if (ms < 60_000 || ms > 86_400_000) v.add('removedTargetRetention', formatSeconds(props.removedTargetRetention), '1 minute to 1 day');
  }
  if (props.actionWindow && !props.actionWindow.isUnresolved()) {
    const ms = props.actionWindow.toMilliseconds();
    if (ms < 60_000 || ms > 86_400_000) v.add('actionWindow', formatSeconds(props.actionWindow), '1 minute to 1 day');
  }
  v.integer('memorySize', props.memorySize, 128, 10240);
  // The contenders publish with an SNS client of their own region, and a topic takes publishes
  // only at its own region's endpoint (Publish `TopicArn`).
  // https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
  v.sameRegion('alertTopic', scope, props.alertTopic, 'the contenders publish to it from their own region, and a topic takes publishes only in its own');
  validateLease(v, props, s);
  validateTargets(scope, v, props);
  validateDns(v, props);
  validateVip(v, props);
  validateBreaker(v, props, s);
  validateSwitches(v, props);
  (props.membership ?? []).forEach((m, i) => validateMembership(v, `membership[${i}]`, m, props));
  v.throwIfAny(scope);
}

function validateBreaker(v: Validator, props: LeaderHealthMonitorProps, s: LeaseSettings): void {
  const b = props.circuitBreaker;
  if (!b) return;
  v.integer('circuitBreaker.consecutiveFailures', b.consecutiveFailures, 1, 100);
  v.integer('circuitBreaker.failureRatePercent', b.failureRatePercent, 1, 100);
  v.integer('circuitBreaker.window', b.window, 2, 1000);
  v.integer('circuitBreaker.halfOpenTrials', b.halfOpenTrials, 1, 10);
  if (b.openTimeout && !b.openTimeout.isUnresolved()) {
    const ms = b.openTimeout.toMilliseconds();
    const min = Math.max(1000, s.callTimeoutMs);
    if (ms < min || ms > 600_000) v.add('circuitBreaker.openTimeout', formatSeconds(b.openTimeout), `${min / 1000} s (at least the call timeout) to 600 s`);
  }
}

function validateSwitches(v: Validator, props: LeaderHealthMonitorProps): void {
  const flags = props.switches;
  if (flags) {
    const missing = [FeatureFlags.MONITOR_PAUSED, FeatureFlags.MONITOR_DRY_RUN].filter((f) => !flags.hasFlag(f));
    if (missing.length > 0) v.add('switches', `${flags.node.path} without ${missing.join(' and ')}`, 'FeatureFlags with monitorSwitches: true');
  }
  const poll = props.switchPollInterval;
  if (poll && !flags) v.add('switchPollInterval', formatSeconds(poll), 'only with switches');
  if (poll && flags) v.seconds('switchPollInterval', poll, 15, 3600, 'whole seconds from 15 (AppConfig\'s minimum poll interval) to 3600');
}

function validateMembership(v: Validator, prop: string, m: RegistryMembership, props: LeaderHealthMonitorProps): void {
  if (!m.registry.serviceNames.includes(m.serviceName)) {
    v.add(`${prop}.serviceName`, JSON.stringify(m.serviceName), `a service of ${m.registry.node.path}: ${m.registry.serviceNames.join(', ')}`);
    return;
  }
  if (m.registry.healthCheckType(m.serviceName) !== RegistryHealthCheckType.CUSTOM) {
    v.add(`${prop}.serviceName`, `${JSON.stringify(m.serviceName)} with ${m.registry.healthCheckType(m.serviceName)} health checks`,
      'a service with custom health checks: the monitor reports health only to those');
  }
  const recordType = m.registry.dnsRecordType(m.serviceName);
  const targetGroups = new Set((props.targetGroups ?? []).map((g) => g.targetGroupName));
  const endpoints = props.endpoints ?? [];
  if (m.groups.length === 0) v.add(`${prop}.groups`, '[]', 'at least one group');
  for (const group of m.groups) {
    const members = endpoints.filter((e) => (e.group ?? DEFAULT_ENDPOINT_GROUP) === group);
    if (!targetGroups.has(group) && members.length === 0) {
      v.add(`${prop}.groups`, JSON.stringify(group), `a watched target group or endpoint group: ${[...targetGroups, ...new Set(endpoints.map((e) => e.group ?? DEFAULT_ENDPOINT_GROUP))].join(', ') || 'none'}`);
      continue;
    }
    const byName = members.filter((e) => Token.isUnresolved(e.host) || !isIpv4(e.host));
    if (recordType === servicediscovery.DnsRecordType.CNAME && targetGroups.has(group)) {
      v.add(`${prop}.groups`, JSON.stringify(group), `endpoint groups known by DNS name: ${m.serviceName} has CNAME records, and targets of a target group are IP addresses`);
    } else if (recordType !== undefined && recordType !== servicediscovery.DnsRecordType.CNAME && byName.length > 0) {
      v.add(`${prop}.groups`, `${JSON.stringify(group)} with ${byName.length} endpoint(s) known by DNS name`,
        `IP addresses only: ${m.serviceName} has ${recordType} records; give the service CNAME records for DNS names`);
    }
    for (const e of members) {
      const id = `${group}/${e.name}`;
      if (id.length > 64 || !/^[0-9a-zA-Z_/:.@-]+$/.test(id)) v.add(`${prop}.groups`, `endpoint ${JSON.stringify(id)}`, 'an instance ID (group/name) of at most 64 letters, digits and _/:.@-');
    }
  }
  const attributes = Object.entries(m.attributes ?? {});
  if (attributes.length > 25) v.add(`${prop}.attributes`, `${attributes.length} attributes`, 'at most 25');
  for (const [key, value] of attributes) {
    if (key.startsWith('AWS_') || key === REGISTERED_BY || !/^[!-~]{1,255}$/.test(key)) {
      v.add(`${prop}.attributes`, JSON.stringify(key), `a key of 1 to 255 printable characters, not starting with AWS_ and not ${REGISTERED_BY}`);
    }
    if (!Token.isUnresolved(value) && value.length > 1024) v.add(`${prop}.attributes.${key}`, `${value.length} characters`, 'at most 1024 characters');
  }
}

function validateLease(v: Validator, props: LeaderHealthMonitorProps, s: LeaseSettings): void {
  const { durationMs, renewDeadlineMs, retryPeriodMs } = s.lease;
  const given = (name: keyof MonitorLeaseOptions) => props.lease?.[name] !== undefined ? `lease.${name}` : `lease.${name} (default)`;
  if (durationMs < 2000 || durationMs > 60_000) v.add(given('duration'), `${durationMs / 1000} s`, '2 to 60 seconds');
  if (retryPeriodMs < 200) v.add(given('retryPeriod'), `${retryPeriodMs / 1000} s`, 'at least 0.2 s');
  if (!leaseTimingHolds(s.lease)) {
    v.add('lease', `duration ${durationMs / 1000} s, renewDeadline ${renewDeadlineMs / 1000} s, retryPeriod ${retryPeriodMs / 1000} s`,
      `duration > renewDeadline > ${1 + RETRY_JITTER} × retryPeriod: a leader renews several times before it stops acting, and stops before its lease ends`);
  }
  const callName = props.callTimeout ? 'callTimeout' : 'callTimeout (default)';
  if (s.callTimeoutMs < 500) v.add(callName, `${s.callTimeoutMs / 1000} s`, 'at least 0.5 s');
  else if (s.callTimeoutMs >= durationMs - renewDeadlineMs) {
    v.add(callName, `${s.callTimeoutMs / 1000} s`, `below lease.duration − lease.renewDeadline (${(durationMs - renewDeadlineMs) / 1000} s): a leader's last call must end before a standby can take over`);
  }
  const invocationName = props.invocationDuration ? 'invocationDuration' : 'invocationDuration (default)';
  if (s.invocationMs < 60_000 || s.invocationMs > 840_000) {
    v.add(invocationName, `${s.invocationMs / 1000} s`, '60 to 840 seconds: contenders start every minute, and a function runs at most 900 s');
  } else if (durationMs * 2 > s.invocationMs) {
    v.add(given('duration'), `${durationMs / 1000} s`, `at most half the invocation duration (${s.invocationMs / 1000} s)`);
  }
}

function validateTargets(scope: Construct, v: Validator, props: LeaderHealthMonitorProps): void {
  const groups = props.targetGroups ?? [];
  const endpoints = props.endpoints ?? [];
  if (groups.length + endpoints.length === 0) {
    v.add('targetGroups', 'no target groups and no endpoints', 'at least one target group or endpoint to probe');
  }
  const names = new Map<string, string>();
  groups.forEach((g, i) => {
    const prop = `targetGroups[${i}]`;
    let group: elbv2.TargetGroupBase;
    try {
      group = g.loadBalancer.targetGroup(g.targetGroupName);
    } catch {
      v.add(`${prop}.targetGroupName`, JSON.stringify(g.targetGroupName), `a target group of ${g.loadBalancer.node.path}: ${g.loadBalancer.targetGroupNames.join(', ')}`);
      return;
    }
    const lbRegion = Stack.of(g.loadBalancer).region;
    const region = Stack.of(scope).region;
    if (!Token.isUnresolved(lbRegion) && !Token.isUnresolved(region) && lbRegion !== region) {
      v.add(`${prop}.loadBalancer`, `a load balancer in ${lbRegion}, watched from ${region}`, 'a load balancer of the monitor\'s region: the contenders list and change targets through that region\'s ELB API, and probe from its VPC');
    }
    const other = names.get(g.targetGroupName);
    if (other !== undefined) v.add(`${prop}.targetGroupName`, JSON.stringify(g.targetGroupName), `a name not watched already (${other} has it): groups are named by it in alerts and the table`);
    names.set(g.targetGroupName, prop);
    v.matches(`${prop}.targetGroupName`, g.targetGroupName, NAME_PATTERN, 'letters, digits, ".", "_" and "-"; at most 64 characters');
    const type = g.loadBalancer.targetGroupOptions(g.targetGroupName).targetType;
    if (type !== undefined && type !== elbv2.TargetType.IP) {
      v.add(`${prop}.targetGroupName`, `${JSON.stringify(g.targetGroupName)}, a target group of ${type} targets`, 'a target group of IP targets: the monitor probes the addresses ELB lists');
    }
    if (type === undefined) {
      const cfn = group.node.defaultChild as elbv2.CfnTargetGroup;
      scope.node.addValidation({
        validate: () => cfn.targetType === undefined || cfn.targetType === elbv2.TargetType.IP ? [] : [
          `${scope.node.path}: ${prop}.targetGroupName: got ${JSON.stringify(g.targetGroupName)}, a target group of ${cfn.targetType} targets; allowed: a target group of IP targets: the monitor probes the addresses ELB lists`,
        ],
      });
    }
    validateBody(v, prop, g.loadBalancer.healthCheck(g.targetGroupName).protocol, g.bodyContains, g.bodyMatches);
  });
  endpoints.forEach((e, i) => {
    const prop = `endpoints[${i}]`;
    v.matches(`${prop}.name`, e.name, NAME_PATTERN, 'letters, digits, ".", "_" and "-"; at most 64 characters');
    const group = e.group ?? DEFAULT_ENDPOINT_GROUP;
    v.matches(`${prop}.group`, group, NAME_PATTERN, 'letters, digits, ".", "_" and "-"; at most 64 characters');
    if (names.has(group) && names.get(group)!.startsWith('targetGroups')) v.add(`${prop}.group`, JSON.stringify(group), 'a name that is not a monitored target group\'s');
    if (!Token.isUnresolved(e.host) && e.host.trim() === '') v.add(`${prop}.host`, '""', 'an address or DNS name');
    v.integer(`${prop}.port`, e.port, 1, 65535);
    const protocol = e.protocol ?? HealthCheckProtocol.TCP;
    if (protocol === HealthCheckProtocol.TCP && (e.path !== undefined || e.successCodes !== undefined)) {
      v.add(prop, 'a path or success codes for a TCP probe', 'path and successCodes only with HealthCheckProtocol.HTTP or HTTPS');
    }
    if (e.path !== undefined) v.matches(`${prop}.path`, e.path, /^\/.{0,1023}$/, 'a path starting with "/", at most 1024 characters');
    if (e.successCodes !== undefined) v.matches(`${prop}.successCodes`, e.successCodes, /^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/, 'codes like 200, 200,204 or 200-299');
    validateBody(v, prop, protocol, e.bodyContains, e.bodyMatches);
  });
}

function validateBody(v: Validator, prop: string, protocol: HealthCheckProtocol, contains?: string, matches?: string): void {
  if (contains === undefined && matches === undefined) return;
  if (protocol === HealthCheckProtocol.TCP) {
    v.add(prop, 'a body match on a TCP probe', 'bodyContains and bodyMatches only on HTTP(S) probes, which read a body');
    return;
  }
  if (contains !== undefined && matches !== undefined) v.add(prop, 'both bodyContains and bodyMatches', 'one of them');
  if (contains !== undefined && !Token.isUnresolved(contains) && contains.length === 0) v.add(`${prop}.bodyContains`, '""', 'text to find, at least one character');
  if (matches !== undefined && !Token.isUnresolved(matches)) {
    try {
      new RegExp(matches);
    } catch (e) {
      v.add(`${prop}.bodyMatches`, JSON.stringify(matches), `a JavaScript regular expression (${(e as Error).message})`);
    }
  }
}

function validateDns(v: Validator, props: LeaderHealthMonitorProps): void {
  const triggers = props.dnsFailoverTriggerGroups;
  if (!props.dnsFailover) {
    if (triggers !== undefined) v.add('dnsFailoverTriggerGroups', JSON.stringify(triggers), 'none without dnsFailover');
    return;
  }
  const name = props.dnsFailover.recordName;
  if (!Token.isUnresolved(name) && dnsNameLength(`${FENCE_PREFIX}${name}`) > DNS_NAME_MAX) {
    v.add('dnsFailover', `the record ${name} (${dnsNameLength(name)} characters)`,
      `a record name of at most ${DNS_NAME_MAX - FENCE_PREFIX.length} characters: the monitor fences its changes with the record ${FENCE_PREFIX}<name>, and Route 53 names are at most ${DNS_NAME_MAX}`);
  }
  validateTriggers(v, props, 'dnsFailoverTriggerGroups', triggers, defaultTriggerGroups(props), 'the pair\'s primary is not an HaLoadBalancer watched by this monitor', 'fails the name over');
}

function validateVip(v: Validator, props: LeaderHealthMonitorProps): void {
  const triggers = props.vipFailoverTriggerGroups;
  if (!props.vipFailover) {
    if (triggers !== undefined) v.add('vipFailoverTriggerGroups', JSON.stringify(triggers), 'none without vipFailover');
    return;
  }
  // The monitor takes the endpoint out with a weight of 0 and puts it back at its own weight.
  if (props.vipFailover.primaryEndpoint.options.weight === 0) {
    v.add('vipFailover', 'a primary endpoint of weight 0', 'a primary endpoint of weight 1 to 255: the monitor takes it out of traffic by setting its weight to 0, and puts it back at its own');
  }
  validateTriggers(v, props, 'vipFailoverTriggerGroups', triggers, defaultVipTriggerGroups(props),
    'the accelerator\'s primary load balancer has no target group watched by this monitor', 'takes the accelerator\'s primary endpoint out of traffic');
}

/** Trigger groups given are groups the monitor watches; none given, the defaults are some. */
function validateTriggers(v: Validator, props: LeaderHealthMonitorProps, prop: string, triggers: string[] | undefined, defaults: string[], noDefault: string, effect: string): void {
  if (triggers === undefined) {
    if (defaults.length === 0) v.add(prop, `none, and ${noDefault}`, `the monitored groups whose failure ${effect}`);
    return;
  }
  const monitored = new Set([
    ...(props.targetGroups ?? []).map((g) => g.targetGroupName),
    ...(props.endpoints ?? []).map((e) => e.group ?? DEFAULT_ENDPOINT_GROUP),
  ]);
  if (triggers.length === 0) v.add(prop, '[]', 'at least one monitored group');
  triggers.forEach((name, i) => {
    if (!monitored.has(name)) v.add(`${prop}[${i}]`, JSON.stringify(name), `a group this monitor watches: ${[...monitored].join(', ')}`);
  });
}

/** The function's environment is at most 4 KB; tokens are counted at the room an ARN takes. */
export function validateEnvironmentSize(scope: Construct, config: MonitorConfig): void {
  const json = JSON.stringify(config);
  const tokens = (json.match(/\$\{Token\[[^\]]+\]\}/g) ?? []);
  const estimate = json.length - tokens.join('').length + tokens.length * TOKEN_ROOM + 200;
  if (estimate > ENVIRONMENT_LIMIT) {
    const v = new Validator();
    v.add('endpoints', `a configuration of about ${estimate} bytes`, `at most ${ENVIRONMENT_LIMIT} bytes, Lambda's limit on a function's environment: watch fewer endpoints or groups per monitor`);
    v.throwIfAny(scope);
  }
}
