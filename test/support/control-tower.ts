import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { IPolicyValidationContextBeta1, IPolicyValidationPluginBeta1, PolicyValidationPluginReportBeta1, PolicyViolationBeta1 } from 'aws-cdk-lib';

/**
 * AWS Control Tower's proactive controls, run by @cdklabs/cdk-validator-cfnguard, with every
 * finding an error.
 *
 * The plugin reports its findings without a severity. aws-cdk-lib, once it has dropped the
 * acknowledged ones from a report, judges the report by the severity of those left ("error" or
 * "fatal" fails it): with none, a report with unacknowledged findings passed as soon as one other
 * finding of the same plugin was acknowledged anywhere in the app.
 */
export class ControlTowerControls implements IPolicyValidationPluginBeta1 {
  private readonly inner = new CfnGuardValidator();
  public readonly name = this.inner.name;
  public readonly version = this.inner.version;
  public readonly ruleIds = this.inner.ruleIds;

  public validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    const report = this.inner.validate(context);
    return { ...report, violations: report.violations.map((v): PolicyViolationBeta1 => ({ ...v, severity: v.severity ?? 'error' })) };
  }
}
