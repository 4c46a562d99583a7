/** Internal names (`writer.`, `reader.`) for a data tier in a private hosted zone. */
import { Duration, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { DNS_NAME_ALLOWED, dnsNameProblem } from '../core/dns-names';
import { TtlPolicy } from '../core/ttl-policy';
import { Validator } from '../core/validation';

/**
 * Stable private names for a data tier's writer and readers, so that applications keep one
 * configuration across failovers and replacements.
 */
export interface InternalDnsOptions {
  /**
   * An existing private hosted zone to put the names in.
   * @default - a new private hosted zone named `zoneName`, attached to the construct's VPC
   */
  readonly zone?: route53.IHostedZone;

  /**
   * Name of the private hosted zone to create, e.g. `cache.internal`. Required without `zone`.
   * @default - none
   */
  readonly zoneName?: string;

  /**
   * A label between the role and the zone: `orders` gives `writer.orders.<zone>`. Letters,
   * digits and hyphens.
   * @default - none: `writer.<zone>` and `reader.<zone>`
   */
  readonly label?: string;

  /**
   * TTL of the names, within the internal TTL policy (10 to 30 s).
   * @default TtlPolicy.INTERNAL.defaultTtl (10 s)
   */
  readonly ttl?: Duration;
}

/** Checks internal DNS options. */
export function validateInternalDns(v: Validator, options: InternalDnsOptions | undefined): void {
  if (options === undefined) return;
  if (options.zone === undefined && options.zoneName === undefined) {
    v.add('internalDns', 'neither zone nor zoneName', 'an existing private zone (`zone`) or the name of one to create (`zoneName`)');
  }
  if (options.zone !== undefined && options.zoneName !== undefined) {
    v.add('internalDns.zoneName', JSON.stringify(options.zoneName), 'unset when `zone` is given');
  }
  v.matches('internalDns.label', options.label, /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i, 'a DNS label: letters, digits and inner hyphens, at most 63 characters');
  const zoneName = options.zoneName ?? options.zone?.zoneName;
  const zoneProblem = options.zoneName === undefined ? undefined : dnsNameProblem(options.zoneName);
  if (zoneProblem !== undefined) {
    v.add('internalDns.zoneName', zoneProblem, DNS_NAME_ALLOWED);
  } else if (zoneName !== undefined && !Token.isUnresolved(zoneName)) {
    // The longest name made in the zone: `writer.<label>.<zone>` (`reader` is as long).
    const longest = ['writer', options.label, zoneName.replace(/\.$/, '')].filter((part) => part !== undefined).join('.');
    const nameProblem = dnsNameProblem(longest);
    if (nameProblem !== undefined) v.add(options.zoneName === undefined ? 'internalDns.zone' : 'internalDns.zoneName', `names such as ${nameProblem}`, DNS_NAME_ALLOWED);
  }
  TtlPolicy.INTERNAL._validateTtl(v, 'internalDns.ttl', options.ttl ?? TtlPolicy.INTERNAL.defaultTtl);
}

/**
 * A host the reader name answers with, one answer per record (equal weights).
 */
export interface ReaderTarget {
  /** The host's DNS name. */
  readonly hostname: string;
  /** Set identifier of its weighted record (unused when there is one reader). */
  readonly setIdentifier: string;
}

/**
 * Props of `InternalDnsNames`.
 */
export interface InternalDnsNamesProps {
  /** The VPC a new private zone is attached to. */
  readonly vpc: ec2.IVpc;
  /** Zone, label and TTL. */
  readonly options: InternalDnsOptions;
  /** Host the writer name points to. */
  readonly writer: string;
  /** Hosts the reader name spreads over. */
  readonly readers: ReaderTarget[];
}

/**
 * `writer.` and `reader.` CNAMEs in a private hosted zone.
 */
export class InternalDnsNames extends Construct {
  /** The zone the names live in. */
  public readonly zone: route53.IHostedZone;

  /** Fully qualified writer name. */
  public readonly writerName: string;

  /** Fully qualified reader name. */
  public readonly readerName: string;

  constructor(scope: Construct, id: string, props: InternalDnsNamesProps) {
    super(scope, id);
    const { vpc, options, writer, readers } = props;
    this.zone = options.zone ?? new route53.PrivateHostedZone(this, 'Zone', { zoneName: options.zoneName!, vpc });
    const suffix = options.label ? `.${options.label}` : '';
    const ttl = options.ttl ?? TtlPolicy.INTERNAL.defaultTtl;
    const zoneName = this.zone.zoneName;
    this.writerName = `writer${suffix}.${zoneName}`;
    this.readerName = `reader${suffix}.${zoneName}`;

    new route53.CnameRecord(this, 'Writer', { zone: this.zone, recordName: `writer${suffix}`, domainName: writer, ttl });
    if (readers.length === 1) {
      new route53.CnameRecord(this, 'Reader', { zone: this.zone, recordName: `reader${suffix}`, domainName: readers[0].hostname, ttl });
      return;
    }
    // Equal weights spread the answers over the replicas; a CNAME has one value, so one record each.
    readers.forEach((reader, i) => new route53.CnameRecord(this, `Reader${i + 1}`, {
      zone: this.zone,
      recordName: `reader${suffix}`,
      domainName: reader.hostname,
      ttl,
      weight: 1,
      setIdentifier: reader.setIdentifier,
    }));
  }
}

