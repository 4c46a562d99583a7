#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ReferenceStack } from './reference-stack';

/**
 * The reference app. Context keys (all optional, with offline defaults):
 * - `ha-kit:region` (default `eu-west-1`) and `ha-kit:account` (default: environment-agnostic)
 * - `ha-kit:availabilityZones`: comma-separated (default: zones a, b and c of the region)
 * - `ha-kit:certificateArn`: ACM certificate for HTTPS (default: HTTP only)
 */
export function buildApp(app: App = new App()): App {
  const region = app.node.tryGetContext('ha-kit:region') ?? 'eu-west-1';
  const zones: string = app.node.tryGetContext('ha-kit:availabilityZones') ?? ['a', 'b', 'c'].map((z) => region + z).join(',');
  new ReferenceStack(app, 'HaKitReference', {
    env: { region, account: app.node.tryGetContext('ha-kit:account') },
    availabilityZones: zones.split(','),
    certificateArn: app.node.tryGetContext('ha-kit:certificateArn'),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
