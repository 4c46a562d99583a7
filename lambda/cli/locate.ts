/**
 * Finds a monitor from its stack: the stack output each LeaderHealthMonitor adds names its
 * function, and the function's environment holds the configuration the monitor runs with.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { parseConfig } from '../health-monitor/config';
import { CONFIG_ENV, MONITOR_OUTPUT_MARK, MonitorConfig } from '../health-monitor/contract';

/** Where the operator points the command. */
export interface Target {
  readonly stack?: string;
  readonly functionName?: string;
  /** The monitor's construct path, when the stack has several. */
  readonly monitor?: string;
}

/** A monitor as found: its function and the configuration it runs with. */
export interface Located {
  readonly functionName: string;
  readonly config: MonitorConfig;
}

/** A mistake of the operator's (a stack without a monitor, say): printed without a stack trace. */
export class UsageError extends Error {}

/** The monitors' outputs of a stack: construct path → function name. */
async function monitorOutputs(cfn: CloudFormationClient, stack: string): Promise<Map<string, string>> {
  const { Stacks: stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stack }));
  const outputs = new Map<string, string>();
  for (const output of stacks?.[0]?.Outputs ?? []) {
    const description = output.Description ?? '';
    if (!description.startsWith(`${MONITOR_OUTPUT_MARK} `) || !output.OutputValue) continue;
    outputs.set(description.slice(MONITOR_OUTPUT_MARK.length + 1).split(':')[0], output.OutputValue);
  }
  return outputs;
}

export async function locate(clients: { cfn: CloudFormationClient; lambda: LambdaClient }, target: Target): Promise<Located> {
  let functionName = target.functionName;
  if (functionName === undefined) {
    if (target.stack === undefined) throw new UsageError('give the stack that holds the monitor (--stack <name>) or its function (--function <name>)');
    const outputs = await monitorOutputs(clients.cfn, target.stack);
    if (outputs.size === 0) throw new UsageError(`stack ${target.stack} has no monitor: no output's description begins with "${MONITOR_OUTPUT_MARK}"`);
    if (target.monitor !== undefined) {
      functionName = outputs.get(target.monitor);
      if (functionName === undefined) throw new UsageError(`stack ${target.stack} has no monitor ${target.monitor}; it has ${[...outputs.keys()].join(', ')}`);
    } else if (outputs.size > 1) {
      throw new UsageError(`stack ${target.stack} has ${outputs.size} monitors: choose one with --monitor (${[...outputs.keys()].join(', ')})`);
    } else {
      functionName = [...outputs.values()][0];
    }
  }
  const fn = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
  const json = fn.Environment?.Variables?.[CONFIG_ENV];
  if (json === undefined) throw new UsageError(`function ${functionName} is not a monitor's: it has no ${CONFIG_ENV} variable`);
  return { functionName, config: parseConfig(json) };
}
