/**
 * `cdk-ha-kit`: the operator's command for a LeaderHealthMonitor, shipped bundled in the package's
 * `bin` so that `npx cdk-ha-kit` runs whatever language the stack is written in.
 */
import { AppConfigClient } from '@aws-sdk/client-appconfig';
import { AppConfigDataClient } from '@aws-sdk/client-appconfigdata';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GlobalAcceleratorClient } from '@aws-sdk/client-global-accelerator';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { Route53Client } from '@aws-sdk/client-route-53';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CliClients, Print, incidents, setSwitch, status } from './commands';
import { failback } from './failback';
import { Target, UsageError, locate } from './locate';

export const HELP = `Usage: cdk-ha-kit <command> (--stack <name> | --function <name>) [options]

Operates a cdk-ha-kit LeaderHealthMonitor.

Commands:
  status          leader and epoch, open incidents, targets out, the name's and the
                  accelerator's current answer, and the switches
  incidents       open incidents and the latest actions the monitor recorded
  pause           stop acting and alerting (it still probes and tracks)
  resume          act and alert again
  dry-run on|off  decide and record, but only log the AWS calls
  failback        put the name and the accelerator back on the primary after a pause
                  left them failed over: checks first, changes with --yes

Options:
  --stack <name>     the CloudFormation stack that holds the monitor (its output names it)
  --function <name>  the monitor's function, instead of --stack
  --monitor <path>   the monitor's construct path, when the stack has several
  --region <region>  the stack's region (default: AWS_REGION)
  --yes              failback: make the changes (without it, only checks and prints them)
  --help             this text

pause, resume and dry-run each change one attribute of the monitor's switches item, with a
conditional update: setting one never resets the other. When the monitor also reads its
switches from AppConfig, resume and dry-run off turn the flag off there too (a new version,
deployed with the strategy of the environment's last deployment).
`;

export interface Parsed {
  readonly command: string;
  readonly args: string[];
  readonly target: Target;
  readonly region?: string;
  readonly yes: boolean;
  readonly help: boolean;
}

const OPTIONS = new Set(['--stack', '--function', '--monitor', '--region']);

export function parse(argv: readonly string[]): Parsed {
  const values: Record<string, string> = {};
  const positional: string[] = [];
  let yes = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--yes') yes = true;
    else if (OPTIONS.has(arg)) {
      if (argv[i + 1] === undefined) throw new UsageError(`${arg} needs a value`);
      values[arg] = argv[++i];
    } else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else positional.push(arg);
  }
  return {
    command: positional[0] ?? '', args: positional.slice(1), yes, help, region: values['--region'],
    target: { stack: values['--stack'], functionName: values['--function'], monitor: values['--monitor'] },
  };
}

/** The clients, in the stack's region; Route 53's and Global Accelerator's APIs are where AWS runs them. */
export function awsClients(region: string | undefined): CliClients & { cfn: CloudFormationClient; lambda: LambdaClient } {
  const options = region ? { region } : {};
  return {
    cfn: new CloudFormationClient(options),
    lambda: new LambdaClient(options),
    db: DynamoDBDocumentClient.from(new DynamoDBClient(options)),
    appConfig: new AppConfigDataClient(options),
    appConfigControl: new AppConfigClient(options),
    elb: new ElasticLoadBalancingV2Client(options),
    route53: new Route53Client({ region: 'us-east-1' }),
    globalAccelerator: new GlobalAcceleratorClient({ region: 'us-west-2' }),
  };
}

/** Runs one command; returns the exit code. */
export async function run(argv: readonly string[], clients: ReturnType<typeof awsClients> | ((region?: string) => ReturnType<typeof awsClients>), print: Print): Promise<number> {
  const parsed = parse(argv);
  if (parsed.help || parsed.command === '') {
    print(HELP);
    return parsed.help ? 0 : 2;
  }
  const known = ['status', 'incidents', 'pause', 'resume', 'dry-run', 'failback'];
  if (!known.includes(parsed.command)) throw new UsageError(`unknown command ${parsed.command}: one of ${known.join(', ')}`);
  if (parsed.command === 'dry-run' && !['on', 'off'].includes(parsed.args[0] ?? '')) throw new UsageError('dry-run takes on or off');
  const c = typeof clients === 'function' ? clients(parsed.region) : clients;
  const { functionName, config } = await locate(c, parsed.target);
  switch (parsed.command) {
    case 'status': await status(c, config, functionName, print); return 0;
    case 'incidents': await incidents(c, config, print); return 0;
    case 'pause': await setSwitch(c, config, { attribute: 'paused', value: true }, print); return 0;
    case 'resume': await setSwitch(c, config, { attribute: 'paused', value: false }, print); return 0;
    case 'dry-run': await setSwitch(c, config, { attribute: 'dryRun', value: parsed.args[0] === 'on' }, print); return 0;
    default: return failback(c, config, parsed.yes, print);
  }
}

if (require.main === module) {
  run(process.argv.slice(2), awsClients, (line) => process.stdout.write(`${line}\n`))
    .then((code) => { process.exitCode = code; })
    .catch((e: unknown) => {
      process.stderr.write(`cdk-ha-kit: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = e instanceof UsageError ? 2 : 1;
    });
}
