import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { buildApp } from '../../bin/app';
import { TEST_CONTEXT } from '../support/stacks';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cdkJson = require('../../cdk.json');

/**
 * AWS Control Tower's proactive controls, run by @cdklabs/cdk-validator-cfnguard (its cfn-guard
 * binary and rules, offline) as a policy validation plugin over the reference app: every finding
 * fails the synth unless acknowledged, on the construct it concerns, with a reason
 * (lib/core/compliance.ts and bin/compliance.ts).
 */
function appWithControls(context: Record<string, string> = {}): App {
  const app = buildApp(new App({ context: { ...cdkJson.context, ...TEST_CONTEXT, ...context } }));
  Validations.of(app).addPlugins(new CfnGuardValidator());
  return app;
}

describe('AWS Control Tower proactive controls over the reference app', () => {
  test('no unacknowledged finding, over HTTP (opted into) and over HTTPS', () => {
    expect(() => appWithControls().synth()).not.toThrow();
    expect(() => appWithControls({
      'ha-kit:certificateArn': 'arn:aws:acm:eu-west-1:111111111111:certificate/ref',
      'ha-kit:standbyCertificateArn': 'arn:aws:acm:eu-central-1:111111111111:certificate/ref',
    }).synth()).not.toThrow();
  });

  test('the controls are live: a bucket without access logging fails the synth', () => {
    // A small app with the same plugin: the reference app's own run is the test above.
    const app = new App({ context: TEST_CONTEXT });
    Validations.of(app).addPlugins(new CfnGuardValidator());
    new s3.Bucket(new Stack(app, 'Small'), 'Unlogged', { enforceSSL: true });
    expect(() => app.synth()).toThrow(/\[CT\.S3\.PR\.2\][\s\S]*Small\/Unlogged\/Resource/);
  });
});
