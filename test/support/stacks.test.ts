import { CfnResource, Stack } from 'aws-cdk-lib';
import { testApp } from './stacks';

/** Synthesizes one stack of raw resources in a test app; what the synth threw, or '' if nothing. */
function synthError(resources: Record<string, { type: string; properties?: Record<string, unknown> }>): string {
  const app = testApp();
  const stack = new Stack(app, 'Raw', { env: { region: 'eu-west-1' } });
  for (const [id, resource] of Object.entries(resources)) new CfnResource(stack, id, resource);
  try {
    app.synth();
    return '';
  } catch (e) {
    return String(e);
  }
}

// Every construct test relies on this: a template CloudFormation would refuse fails the synth.
describe('a test app', () => {
  test('fails the synth on a CloudFormation finding, naming the construct and the rule', () => {
    expect(synthError({ Queue: { type: 'AWS::SQS::Queue', properties: { MessageRetentionPeriod: 10 } } }))
      .toMatch(/MessageRetentionPeriod: 10 is less than the minimum of 60 \(CloudFormation Validate\)\s+Raw\/Queue[\s\S]*F3034/);
  });

  test('synthesizes a template CloudFormation accepts', () => {
    expect(synthError({ Queue: { type: 'AWS::SQS::Queue', properties: { MessageRetentionPeriod: 60 } } })).toBe('');
  });

  test('checks a resource type the file\'s validation engine was not built for, and one it was', () => {
    expect(synthError({ Queue: { type: 'AWS::SQS::Queue' } })).toBe('');
    expect(synthError({ Topic: { type: 'AWS::SNS::Topic', properties: { Unknown: 1 } } })).toMatch(/'Unknown' was unexpected[\s\S]*Raw\/Topic[\s\S]*F3002/);
    expect(synthError({ Queue: { type: 'AWS::SQS::Queue', properties: { DelaySeconds: 901 } } })).toMatch(/DelaySeconds: 901 is greater than the maximum of 900[\s\S]*Raw\/Queue/);
  });
});
