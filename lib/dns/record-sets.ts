/** A failover pair's records as the Route 53 API spells them, for the monitor that changes them. */
import { Token } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type { RecordSet } from '../../lambda/health-monitor/contract';
import { DnsFailover } from './dns-failover';

/**
 * A failover pair's records as the Route 53 API spells them, for a function that changes them
 * at run time (values may be tokens, resolved at deploy time).
 */
export interface FailoverRecordSets {
  readonly hostedZoneId: string;
  /** The PRIMARY record as deployed. */
  readonly primary: RecordSet;
  /** The PRIMARY record answering with the secondary's target: the same name, type, set and health check. */
  readonly failover: RecordSet;
}

export function failoverRecordSets(pair: DnsFailover): FailoverRecordSets {
  const primary = apiRecordSet(pair.primaryRecord);
  const secondary = apiRecordSet(pair.secondaryRecord);
  const { AliasTarget: _alias, TTL: _ttl, ResourceRecords: _values, ...identity } = primary;
  const answer = { AliasTarget: secondary.AliasTarget, TTL: secondary.TTL, ResourceRecords: secondary.ResourceRecords };
  return {
    hostedZoneId: pair.zone.hostedZoneId,
    primary,
    failover: withoutUndefined({ ...identity, ...answer }),
  };
}

function apiRecordSet(record: route53.RecordSet): RecordSet {
  const cfn = record.node.defaultChild as route53.CfnRecordSet;
  const alias = cfn.aliasTarget as route53.CfnRecordSet.AliasTargetProperty | undefined;
  return withoutUndefined({
    Name: cfn.name,
    Type: cfn.type as RecordSet['Type'],
    SetIdentifier: cfn.setIdentifier,
    Failover: cfn.failover as RecordSet['Failover'],
    HealthCheckId: cfn.healthCheckId,
    AliasTarget: alias && {
      HostedZoneId: alias.hostedZoneId,
      DNSName: alias.dnsName,
      EvaluateTargetHealth: alias.evaluateTargetHealth === true,
    },
    TTL: cfn.ttl === undefined ? undefined : Token.isUnresolved(cfn.ttl) ? Token.asNumber(cfn.ttl) : Number(cfn.ttl),
    ResourceRecords: cfn.resourceRecords?.map((value) => ({ Value: value })),
  });
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
