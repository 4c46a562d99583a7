/**
 * A workflow of a Region switch plan, run the way ARC runs one: its steps in order, a Parallel
 * step's steps at once, each block by its configuration as the template has it (timeouts, the
 * ungraceful behaviour), against the region drill's fakes.
 */
import { VirtualClock } from './virtual-clock';

/** A step as the template holds it. */
export interface PlanStep {
  readonly Name: string;
  readonly ExecutionBlockType: string;
  readonly ExecutionBlockConfiguration: Record<string, Record<string, unknown> & { Steps?: PlanStep[] }>;
}

/** What each block acts on. */
export interface Blocks {
  readonly clock: VirtualClock;
  /** Answers the approval step, after a person's delay. */
  approve(): Promise<void>;
  /** ARC's ECS step: the other region's service to the activated one's, at `percent`. */
  scale(index: number, percent: number): Promise<void>;
  /** FailoverGlobalCluster with AllowDataLoss (ungraceful) or SwitchoverGlobalCluster (graceful); resolves once the call is answered. */
  promoteDatabase(ungraceful: boolean): Promise<void>;
  /** Whether the activated region's cluster is the writer. */
  databasePromoted(): boolean;
  /** One invocation of the activated region's custom action function. */
  invokeCacheStep(): Promise<void>;
  /** ARC's Route 53 health check block: the activated region's check healthy, the other's not. */
  turnHealthChecks(): Promise<void>;
}

/** The step failed, and the execution stopped there. */
export class StepFailed extends Error {}

const MINUTE = 60_000;

export class PlanExecutor {
  public readonly executed: string[] = [];
  public readonly log: Array<{ at: number; what: string }> = [];

  constructor(private readonly blocks: Blocks, private readonly ungraceful: boolean) {}

  /** Runs `steps` in order; a failed step stops the execution, as ARC does. */
  public async run(steps: readonly PlanStep[]): Promise<string> {
    try {
      for (const step of steps) await this.step(step);
      return 'completed';
    } catch (e) {
      if (e instanceof StepFailed) return `stopped: ${e.message}`;
      throw e;
    }
  }

  private note(what: string): void {
    this.log.push({ at: this.blocks.clock.now(), what });
  }

  private async step(step: PlanStep): Promise<void> {
    const config = step.ExecutionBlockConfiguration;
    this.note(`${step.Name} starts`);
    switch (step.ExecutionBlockType) {
      case 'Parallel':
        await Promise.all(config.ParallelConfig.Steps!.map((s) => this.step(s)));
        break;
      case 'ManualApproval':
        await this.within(step, config.ExecutionApprovalConfig.TimeoutMinutes as number | undefined, () => this.blocks.approve());
        break;
      case 'ECSServiceScaling': {
        const c = config.EcsCapacityIncreaseConfig;
        const index = Number(/^scale-(\d+)$/.exec(step.Name)?.[1] ?? 1) - 1;
        await this.within(step, c.TimeoutMinutes as number, () => this.blocks.scale(index, (c.TargetPercent as number | undefined) ?? 100));
        break;
      }
      case 'AuroraGlobalDatabase': {
        const c = config.GlobalAuroraConfig as { Behavior: string; Ungraceful?: { Ungraceful: string }; TimeoutMinutes: number };
        const failover = this.ungraceful ? c.Ungraceful?.Ungraceful === 'failover' : c.Behavior === 'failover';
        await this.within(step, c.TimeoutMinutes, async () => {
          try {
            await this.blocks.promoteDatabase(failover);
          } catch (e) {
            // A call whose answer was lost: look before asking again, as ARC's block polls the
            // global cluster's state.
            this.note(`${step.Name}: ${(e as Error).name}, looking before asking again`);
          }
          while (!this.blocks.databasePromoted()) await this.blocks.clock.sleep(5_000);
        });
        break;
      }
      case 'CustomActionLambda': {
        const c = config.CustomActionLambdaConfig as { RetryIntervalMinutes: number; TimeoutMinutes: number; Ungraceful?: { Behavior: string } };
        try {
          await this.within(step, c.TimeoutMinutes, async () => {
            for (;;) {
              try {
                await this.blocks.invokeCacheStep();
                return;
              } catch (e) {
                this.note(`${step.Name}: ${(e as Error).name} (${(e as Error).message}), retried in ${c.RetryIntervalMinutes} min`);
                await this.blocks.clock.sleep(c.RetryIntervalMinutes * MINUTE);
              }
            }
          });
        } catch (e) {
          if (!(e instanceof StepFailed) || !(this.ungraceful && c.Ungraceful?.Behavior === 'skip')) throw e;
          this.note(`${step.Name} skipped (ungraceful: skip)`);
        }
        break;
      }
      case 'Route53HealthCheck':
        await this.within(step, config.Route53HealthCheckConfig.TimeoutMinutes as number | undefined, () => this.blocks.turnHealthChecks());
        break;
      default:
        throw new StepFailed(`${step.Name}: the drill does not run ${step.ExecutionBlockType}`);
    }
    this.executed.push(step.Name);
    this.note(`${step.Name} done`);
  }

  /** Runs `work`, failing the step when it outlasts the block's timeout. */
  private async within(step: PlanStep, timeoutMinutes: number | undefined, work: () => Promise<void>): Promise<void> {
    if (timeoutMinutes === undefined) return work();
    let finished = false;
    const timeout = this.blocks.clock.sleep(timeoutMinutes * MINUTE).then(() => {
      if (!finished) throw new StepFailed(`${step.Name} timed out after ${timeoutMinutes} min`);
    });
    await Promise.race([work().then(() => { finished = true; }), timeout]);
  }
}
