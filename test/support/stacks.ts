import * as fs from 'fs';
import * as path from 'path';
import { App, AppProps, CloudFormationValidatePlugin, IPolicyValidationContext, PolicyValidationPluginReport, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * Context of every test app: aws-cdk-lib validates templates against CloudFormation's rules at
 * synth, and this makes its findings errors instead of warnings.
 */
const TEST_CONTEXT = { '@aws-cdk/core:validateAgainstDefaultRules': true };

/**
 * aws-cdk-lib's CloudFormation validation, with one engine for every app of a test file.
 *
 * The built-in plugin builds its engine for the resource types of the templates in front of it,
 * and builds it again whenever a template brings a type it was not built for: in a file whose
 * tests synthesize different tiers, that was most synths, at 0.3 to 0.7 s each. This one builds
 * its engine for every type it has seen so far in the file, so it builds again only when a type
 * is new to the file. Each template is still checked by the same engine and rules.
 */
class SharedEngineValidation extends CloudFormationValidatePlugin {
  private readonly seen = new Set<string>();

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const types = context.stackTemplates.flatMap((s) => Object.values<{ Type: string }>(JSON.parse(fs.readFileSync(s.templatePath, 'utf8')).Resources ?? {}).map((r) => r.Type));
    if (types.some((t) => !this.seen.has(t))) {
      types.forEach((t) => this.seen.add(t));
      // A template of one bare resource per type, beside the app's own, builds the engine for all
      // of them; its own findings (no properties anywhere) are not anyone's and are dropped.
      const warmup = path.join(path.dirname(context.stackTemplates[0].templatePath), 'ha-kit-types.json');
      fs.writeFileSync(warmup, JSON.stringify({ Resources: Object.fromEntries([...this.seen].map((type, i) => [`R${i}`, { Type: type }])) }));
      super.validate({ ...context, templatePaths: [warmup], stackTemplates: [{ stackConstructPath: 'Types', templatePath: warmup, accountId: undefined, region: undefined }] });
    }
    return super.validate(context);
  }
}

let validation: SharedEngineValidation | undefined;

/**
 * An app as every test builds one: CloudFormation's rules as errors (TEST_CONTEXT), checked by
 * the file's one validation engine, and no construct stack traces (they are never read here, and
 * capturing one per construct is a tenth of a synth).
 */
export function testApp(context: Record<string, unknown> = {}, props: AppProps = {}): App {
  validation ??= new SharedEngineValidation();
  const app = new App({ stackTraces: false, ...props, context: { ...TEST_CONTEXT, ...context } });
  Validations.of(app).addPlugins(validation);
  return app;
}

/**
 * A stack with a region (ELB access logs need one) and a two-zone VPC with public and private
 * subnets.
 */
export function stackWithVpc(): { app: App; stack: Stack; vpc: ec2.Vpc } {
  const app = testApp();
  const stack = new Stack(app, 'Test', { env: { region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  return { app, stack, vpc };
}
