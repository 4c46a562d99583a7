/**
 * The records of a `DnsFailover`: the name made fully qualified, the record type a target
 * answers with, and what each record answers.
 */
import { isIP } from 'net';
import { Token } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { FailoverTarget, FailoverTargetKind } from './failover-target';

/** `recordName` made fully qualified, without the trailing dot. */
export function qualify(recordName: string, zoneName: string): string {
  if (Token.isUnresolved(recordName) || Token.isUnresolved(zoneName)) return recordName;
  const name = recordName.replace(/\.$/, '');
  const zone = zoneName.replace(/\.$/, '');
  if (name === zone || name.endsWith(`.${zone}`) || recordName.endsWith('.')) return name;
  return `${name}.${zone}`;
}

/** The record type a target answers with. */
export function recordTypeOf(target: FailoverTarget): route53.RecordType {
  if (target.kind === FailoverTargetKind.HOSTNAME) return route53.RecordType.CNAME;
  if (target.kind === FailoverTargetKind.IP_ADDRESS && !Token.isUnresolved(target.address!) && isIP(target.address!) === 6) return route53.RecordType.AAAA;
  return route53.RecordType.A;
}

/** The record's answer: an alias (target health evaluated) or values. */
export function recordTarget(target: FailoverTarget): route53.RecordTarget {
  switch (target.kind) {
    case FailoverTargetKind.HA_LOAD_BALANCER:
      return route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(target.haLoadBalancer!.loadBalancer, { evaluateTargetHealth: true }));
    case FailoverTargetKind.ELB:
      return route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(target.elbLoadBalancer!, { evaluateTargetHealth: true }));
    case FailoverTargetKind.REMOTE_LOAD_BALANCER:
      return route53.RecordTarget.fromAlias({ bind: () => ({ dnsName: target.dnsName!, hostedZoneId: target.hostedZoneId!, evaluateTargetHealth: true }) });
    case FailoverTargetKind.S3_WEBSITE: {
      const website = new targets.BucketWebsiteTarget(target.bucket!);
      return route53.RecordTarget.fromAlias({ bind: (record, zone) => ({ ...website.bind(record, zone), evaluateTargetHealth: true }) });
    }
    case FailoverTargetKind.IP_ADDRESS:
      return route53.RecordTarget.fromValues(target.address!);
    case FailoverTargetKind.HOSTNAME:
      return route53.RecordTarget.fromValues(target.host!);
  }
}
