/** ALB routing: rules by path and host, weighted target groups, fixed responses. */
import { Duration, Token } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Validator } from '../core/validation';

/**
 * A target group and its share of a weighted forward (canary, blue/green).
 */
export interface WeightedTargetGroup {
  /** Name of a target group of the same load balancer. */
  readonly targetGroup: string;

  /** Relative weight: 0 to 999. A group with weight 0 gets no traffic. */
  readonly weight: number;
}

/**
 * An Application Load Balancer listener rule: requests matching the path patterns (URL switching)
 * and/or host names (context switching) go to one target group or are split by weight.
 */
export interface RoutingRule {
  /**
   * Rule priority; lower is evaluated first. 1 to 50000, unique per load balancer.
   */
  readonly priority: number;

  /**
   * Path patterns, case-sensitive, with `*` and `?` wildcards, each at most 128 characters.
   * @default - any path
   */
  readonly pathPatterns?: string[];

  /**
   * Host names, case-insensitive, with `*` and `?` wildcards, each at most 128 characters.
   * @default - any host
   */
  readonly hostHeaders?: string[];

  /**
   * Forward matching requests to this target group. Give this or `weightedTargetGroups`.
   * @default - none
   */
  readonly targetGroup?: string;

  /**
   * Split matching requests across target groups by weight. 1 to 5 groups, at least one with a
   * weight above 0. Give this or `targetGroup`.
   * @default - none
   */
  readonly weightedTargetGroups?: WeightedTargetGroup[];

  /**
   * With `weightedTargetGroups`: keep a client on the group it was first sent to. 1 second to 7
   * days.
   * @default - no group stickiness
   */
  readonly groupStickiness?: Duration;
}

/**
 * A response the load balancer sends itself.
 */
export interface FixedResponse {
  /** HTTP status: 200-299, 400-499 or 500-599. */
  readonly statusCode: number;

  /**
   * text/plain, text/css, text/html, application/javascript or application/json.
   * @default 'text/plain'
   */
  readonly contentType?: string;

  /**
   * Body, at most 1024 characters.
   * @default - no body
   */
  readonly messageBody?: string;
}

/** Used where no rule matches and no default target group is given. */
export const DEFAULT_FIXED_RESPONSE: FixedResponse = { statusCode: 404, contentType: 'text/plain', messageBody: 'Not Found' };

const CONTENT_TYPES = ['text/plain', 'text/css', 'text/html', 'application/javascript', 'application/json'];
const PATH_PATTERN = /^[A-Za-z0-9_\-.$/~"'@:+&*?]{1,128}$/;
const HOST_PATTERN = /^(?=.{1,128}$)[A-Za-z0-9\-*?]*(\.[A-Za-z0-9\-*?]+)*\.[A-Za-z*?]+$/;
const MAX_CONDITION_VALUES = 5;
const MAX_VALUES_PER_CONDITION = 3;
const MAX_WILDCARDS_PER_RULE = 5;
const MAX_WEIGHTED_GROUPS = 5;

/**
 * Checks the rules against ALB's limits and the target group names that exist.
 */
export function validateRoutes(v: Validator, rules: readonly RoutingRule[], groupNames: readonly string[]): void {
  const seen = new Map<number, number>();
  rules.forEach((rule, i) => {
    const prop = `routes[${i}]`;
    v.integer(`${prop}.priority`, rule.priority, 1, 50000);
    const earlier = seen.get(rule.priority);
    if (earlier !== undefined) {
      v.add(`${prop}.priority`, String(rule.priority), `a priority not already used (routes[${earlier}] has it)`);
    }
    seen.set(rule.priority, i);
    validateConditions(v, prop, rule);
    validateAction(v, prop, rule, groupNames);
  });
}

function validateConditions(v: Validator, prop: string, rule: RoutingRule): void {
  const paths = rule.pathPatterns ?? [];
  const hosts = rule.hostHeaders ?? [];
  if (paths.length + hosts.length === 0) {
    v.add(prop, 'no pathPatterns and no hostHeaders', 'at least one path pattern or host header (use defaultTargetGroup for everything else)');
  }
  if (paths.length + hosts.length > MAX_CONDITION_VALUES) {
    v.add(prop, `${paths.length + hosts.length} condition values`, `at most ${MAX_CONDITION_VALUES} path patterns and host headers together per rule`);
  }
  // "You can specify up to three match evaluations per condition" (ELB User Guide, "Listener
  // rules for your Application Load Balancer", condition types), and at most 5 wildcards per
  // rule ("Quotas for your Application Load Balancers").
  // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html
  // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
  for (const [name, values] of [['pathPatterns', paths], ['hostHeaders', hosts]] as const) {
    if (values.length > MAX_VALUES_PER_CONDITION) v.add(`${prop}.${name}`, `${values.length} values`, `at most ${MAX_VALUES_PER_CONDITION} values per condition`);
  }
  const wildcards = [...paths, ...hosts].filter((x) => !Token.isUnresolved(x)).join('').replace(/[^*?]/g, '').length;
  if (wildcards > MAX_WILDCARDS_PER_RULE) v.add(prop, `${wildcards} wildcards`, `at most ${MAX_WILDCARDS_PER_RULE} wildcards (* and ?) per rule`);
  paths.forEach((p, j) => v.matches(`${prop}.pathPatterns[${j}]`, p, PATH_PATTERN, '1 to 128 of A-Z a-z 0-9 _ - . $ / ~ " \' @ : + & * ?'));
  hosts.forEach((h, j) => v.matches(`${prop}.hostHeaders[${j}]`, h, HOST_PATTERN, 'a host name of at most 128 of A-Z a-z 0-9 - . * ?, with at least one "." and letters after the last one'));
}

function validateAction(v: Validator, prop: string, rule: RoutingRule, groupNames: readonly string[]): void {
  const known = (name: string) => groupNames.includes(name);
  const allowedNames = `the name of a target group: ${groupNames.join(', ')}`;
  const weighted = rule.weightedTargetGroups;
  if ((rule.targetGroup === undefined) === (weighted === undefined)) {
    v.add(prop, rule.targetGroup === undefined ? 'neither targetGroup nor weightedTargetGroups' : 'both targetGroup and weightedTargetGroups', 'exactly one of targetGroup or weightedTargetGroups');
  }
  if (rule.targetGroup !== undefined && !known(rule.targetGroup)) {
    v.add(`${prop}.targetGroup`, JSON.stringify(rule.targetGroup), allowedNames);
  }
  if (rule.groupStickiness !== undefined && weighted === undefined) {
    v.add(`${prop}.groupStickiness`, `${rule.groupStickiness.toSeconds({ integral: false })} s without weightedTargetGroups`, 'group stickiness only on a weighted forward');
  }
  v.seconds(`${prop}.groupStickiness`, rule.groupStickiness, 1, 7 * 24 * 3600, 'whole seconds from 1 second to 7 days');
  if (weighted === undefined) return;

  if (weighted.length < 1 || weighted.length > MAX_WEIGHTED_GROUPS) {
    v.add(`${prop}.weightedTargetGroups`, `${weighted.length} groups`, `1 to ${MAX_WEIGHTED_GROUPS} target groups`);
  }
  if (weighted.length > 0 && weighted.every((w) => w.weight === 0)) {
    v.add(`${prop}.weightedTargetGroups`, 'every weight 0', 'at least one weight above 0');
  }
  const names = new Set<string>();
  weighted.forEach((w, j) => {
    v.integer(`${prop}.weightedTargetGroups[${j}].weight`, w.weight, 0, 999);
    if (!known(w.targetGroup)) v.add(`${prop}.weightedTargetGroups[${j}].targetGroup`, JSON.stringify(w.targetGroup), allowedNames);
    if (names.has(w.targetGroup)) v.add(`${prop}.weightedTargetGroups[${j}].targetGroup`, JSON.stringify(w.targetGroup), 'each target group once per rule');
    names.add(w.targetGroup);
  });
}

/**
 * Checks a fixed response against ALB's limits.
 */
export function validateFixedResponse(v: Validator, prop: string, response: FixedResponse): void {
  const code = response.statusCode;
  const validCode = Number.isInteger(code) && [2, 4, 5].includes(Math.floor(code / 100)) && code >= 200 && code <= 599;
  if (!validCode) v.add(`${prop}.statusCode`, String(code), 'an HTTP status from 200-299, 400-499 or 500-599');
  v.oneOf(`${prop}.contentType`, response.contentType, CONTENT_TYPES);
  const body = response.messageBody;
  if (body !== undefined && body.length > 1024) {
    v.add(`${prop}.messageBody`, `${body.length} characters`, 'at most 1024 characters');
  }
}

/** The listener conditions of a validated rule. */
export function ruleConditions(rule: RoutingRule): elbv2.ListenerCondition[] {
  const conditions: elbv2.ListenerCondition[] = [];
  if (rule.hostHeaders?.length) conditions.push(elbv2.ListenerCondition.hostHeaders(rule.hostHeaders));
  if (rule.pathPatterns?.length) conditions.push(elbv2.ListenerCondition.pathPatterns(rule.pathPatterns));
  return conditions;
}

/** The listener action of a validated rule. */
export function ruleAction(rule: RoutingRule, group: (name: string) => elbv2.IApplicationTargetGroup): elbv2.ListenerAction {
  if (rule.weightedTargetGroups === undefined) {
    return elbv2.ListenerAction.forward([group(rule.targetGroup!)]);
  }
  return elbv2.ListenerAction.weightedForward(
    rule.weightedTargetGroups.map((w) => ({ targetGroup: group(w.targetGroup), weight: w.weight })),
    { stickinessDuration: rule.groupStickiness },
  );
}

/** The listener action of a fixed response. */
export function fixedResponseAction(response: FixedResponse): elbv2.ListenerAction {
  return elbv2.ListenerAction.fixedResponse(response.statusCode, {
    contentType: response.contentType ?? 'text/plain',
    messageBody: response.messageBody,
  });
}
