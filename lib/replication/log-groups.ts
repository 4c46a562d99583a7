/** The log groups a database exports to, made before it with their retention. */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DECISIONS, acknowledgeDecision } from '../core/compliance';

/** A resource that exports logs, and the path RDS names its log groups under. */
export interface LogOwner {
  readonly path: string;
  readonly resource: Construct;
}

/**
 * Creates the log groups RDS exports to, with their retention, before the database: otherwise
 * RDS creates them without retention, and setting it afterwards needs a function with
 * `logs:PutRetentionPolicy` on every log group.
 */
export function createLogGroups(scope: Construct, owners: LogOwner[], types: string[], retention: logs.RetentionDays): logs.LogGroup[] {
  const groups: logs.LogGroup[] = [];
  owners.forEach((owner, i) => {
    for (const type of types) {
      const group = new logs.LogGroup(scope, `Logs${i === 0 ? '' : `Replica${i}`}${type.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase())}`, {
        logGroupName: `${owner.path}/${type}`,
        retention,
        removalPolicy: RemovalPolicy.RETAIN });
      owner.resource.node.addDependency(group);
      groups.push(group);
      acknowledgeDecision(group, DECISIONS.LOG_GROUPS_SERVICE_ENCRYPTED);
      acknowledgeDecision(group, DECISIONS.LOG_RETENTION);
    }
  });
  return groups;
}
