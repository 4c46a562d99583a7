#!/usr/bin/env node
import { App, Duration, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks, ServerlessChecks } from 'cdk-nag';
import { ReferenceStack } from './reference-stack';
import { Route53AlarmsStack } from './route53-alarms-stack';
import { StandbyDataStack } from './standby-data-stack';

/**
 * The reference app: the backend in a primary and a standby region, the external name failing
 * over between them, the database's secondary in the standby region, and the alarm on that name's
 * health check in us-east-1. Context keys (all
 * optional, with offline defaults):
 * - `ha-kit:region` (default `eu-west-1`), `ha-kit:standbyRegion` (default `eu-central-1`)
 * - `ha-kit:account` (default: environment-agnostic account)
 * - `ha-kit:availabilityZones`, `ha-kit:standbyAvailabilityZones`: comma-separated (default:
 *   zones a, b and c of the region)
 * - `ha-kit:certificateArn`, `ha-kit:standbyCertificateArn`: ACM certificates for HTTPS, one per
 *   region (default: HTTP only)
 * - `ha-kit:domainName` (default `example.com`), `ha-kit:hostedZoneId` (default: a new public
 *   zone), `ha-kit:recordName` (default `api`)
 * - `ha-kit:regionSwitch` (`true` to add the ARC Region switch plan between the two regions;
 *   default: none, since ARC bills a plan by the month)
 * - `ha-kit:regionSwitchHealthCheckId`: the ID of the health check the plan keeps for the primary
 *   region (`aws arc-region-switch list-route53-health-checks`), once the plan exists: the name's
 *   PRIMARY record then follows the plan's traffic step (default: health alone)
 */
export function buildApp(app: App = new App()): App {
  const ctx = (key: string): string | undefined => app.node.tryGetContext(`ha-kit:${key}`);
  const account = ctx('account');
  const zonesOf = (region: string, key: string) => (ctx(key) ?? ['a', 'b', 'c'].map((z) => region + z).join(',')).split(',');
  const primaryRegion = ctx('region') ?? 'eu-west-1';
  const standbyRegion = ctx('standbyRegion') ?? 'eu-central-1';

  const standby = new ReferenceStack(app, 'HaKitStandby', {
    env: { region: standbyRegion, account },
    crossRegionReferences: true,
    availabilityZones: zonesOf(standbyRegion, 'standbyAvailabilityZones'),
    certificateArn: ctx('standbyCertificateArn'),
    dataTier: false,
    // Its own monitor watches its own targets; the name and the accelerator are the primary monitor's alone.
    monitor: true,
  });
  const primary = new ReferenceStack(app, 'HaKitReference', {
    env: { region: primaryRegion, account },
    crossRegionReferences: true,
    availabilityZones: zonesOf(primaryRegion, 'availabilityZones'),
    certificateArn: ctx('certificateArn'),
    dns: {
      domainName: ctx('domainName') ?? 'example.com',
      hostedZoneId: ctx('hostedZoneId'),
      recordName: ctx('recordName') ?? 'api',
      standby: standby.api,
      regionSwitchHealthCheckId: ctx('regionSwitchHealthCheckId'),
    },
    regionSwitch: ctx('regionSwitch') === 'true',
    failoverBudget: Duration.minutes(9),
    dataLossBudget: Duration.minutes(1),
  });
  new StandbyDataStack(app, 'HaKitStandbyData', {
    env: { region: standbyRegion, account },
    crossRegionReferences: true,
    primary,
    standby,
  });
  new Route53AlarmsStack(app, 'HaKitRoute53Alarms', {
    env: { region: 'us-east-1', account },
    crossRegionReferences: true,
    failover: primary.service.dns!,
  });

  // Every pack's findings fail the synth unless acknowledged with a reason.
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app), new NIST80053R5Checks(app), new HIPAASecurityChecks(app), new PCIDSS321Checks(app), new ServerlessChecks(app),
  );
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
