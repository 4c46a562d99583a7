#!/usr/bin/env node
import { App, Duration, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DnsStack } from './dns-stack';
import { MonitorStack } from './monitor-stack';
import { ReferenceStack } from './reference-stack';

/**
 * The reference app: the backend in a primary and a standby region, a global DNS name that
 * fails over between them, and a leader-elected health monitor next to the primary's targets. Context keys (all optional, with offline defaults):
 * - `ha-kit:region` (default `eu-west-1`), `ha-kit:standbyRegion` (default `eu-central-1`)
 * - `ha-kit:account` (default: environment-agnostic account)
 * - `ha-kit:availabilityZones`, `ha-kit:standbyAvailabilityZones`: comma-separated (default:
 *   zones a, b and c of the region)
 * - `ha-kit:certificateArn`, `ha-kit:standbyCertificateArn`: ACM certificates for HTTPS, one per
 *   region (default: HTTP only)
 * - `ha-kit:domainName` (default `example.com`), `ha-kit:hostedZoneId` (default: a new public
 *   zone), `ha-kit:recordName` (default `api`)
 */
export function buildApp(app: App = new App()): App {
  const ctx = (key: string): string | undefined => app.node.tryGetContext(`ha-kit:${key}`);
  const account = ctx('account');
  const zonesOf = (region: string, key: string) => (ctx(key) ?? ['a', 'b', 'c'].map((z) => region + z).join(',')).split(',');

  const backend = (id: string, region: string, zonesKey: string, certificateKey: string, dataTier: boolean) => new ReferenceStack(app, id, {
    env: { region, account },
    crossRegionReferences: true,
    availabilityZones: zonesOf(region, zonesKey),
    certificateArn: ctx(certificateKey),
    dataTier,
  });
  const primary = backend('HaKitReference', ctx('region') ?? 'eu-west-1', 'availabilityZones', 'certificateArn', true);
  const standby = backend('HaKitStandby', ctx('standbyRegion') ?? 'eu-central-1', 'standbyAvailabilityZones', 'standbyCertificateArn', false);

  const dns = new DnsStack(app, 'HaKitDns', {
    env: { region: 'us-east-1', account },
    crossRegionReferences: true,
    domainName: ctx('domainName') ?? 'example.com',
    hostedZoneId: ctx('hostedZoneId'),
    recordName: ctx('recordName') ?? 'api',
    primary: primary.api,
    standby: standby.api,
    failoverBudget: Duration.minutes(3),
  });

  new MonitorStack(app, 'HaKitMonitor', {
    env: { region: primary.region, account },
    crossRegionReferences: true,
    vpc: primary.vpc,
    api: primary.api,
    service: primary.service,
    failover: dns.failover,
  });

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
