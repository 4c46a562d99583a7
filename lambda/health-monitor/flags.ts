/** The AppConfig feature-flag session, and the switches (pause, dry run) read from its flags. */
import { AppConfigDataClient, GetLatestConfigurationCommand, StartConfigurationSessionCommand } from '@aws-sdk/client-appconfigdata';
import { CircuitBreaker } from './breaker';
import { Clock } from './clock';
import { FlagSource } from './contract';
import { MonitorError } from './errors';
import type { SwitchSource, Switches } from './ports';
import { Telemetry } from './telemetry';

/** Flag values as the AppConfig data plane serves a feature-flags profile. */
type FlagValues = Readonly<Record<string, { readonly enabled?: boolean }>>;

/** Longest sleep of the watch loop, so that it notices the end of the invocation soon. */
const WATCH_SLICE_MS = 1000;

/**
 * Watches an AppConfig feature-flags profile: one configuration session per execution
 * environment, polled as often as the session allows (its `NextPollIntervalInSeconds`).
 *
 * One long-lived session matters for cost as much as for manners: AppConfig answers an unchanged
 * configuration with an empty body, and bills each configuration it does send. A failed poll
 * drops the session (its token may be spent) and keeps the last values; the next poll starts a
 * new session.
 */
export class FlagWatcher {
  private token?: string;
  private values?: FlagValues;
  private version?: string;
  private nextPollAt = 0;
  private firstPoll?: Promise<void>;

  constructor(
    private readonly client: AppConfigDataClient,
    private readonly breaker: CircuitBreaker,
    private readonly source: FlagSource,
    private readonly clock: Clock,
    private readonly telemetry: Telemetry,
  ) {}

  /** Whether a flag is on; undefined while no configuration was received. */
  public flag(name: string): boolean | undefined {
    if (!this.values) return undefined;
    return this.values[name]?.enabled === true;
  }

  /** Resolves once the first poll of this execution environment has ended, however it ended. */
  public ready(): Promise<void> {
    this.firstPoll ??= this.poll();
    return this.firstPoll;
  }

  /** Polls whenever the session allows, until `deadline` or until `stopped()`. */
  public async watch(deadline: number, stopped: () => boolean): Promise<void> {
    await this.ready();
    while (!stopped() && this.clock.now() < deadline) {
      if (this.clock.now() >= this.nextPollAt) await this.poll();
      await this.clock.sleep(Math.max(0, Math.min(this.nextPollAt - this.clock.now(), deadline - this.clock.now(), WATCH_SLICE_MS)));
    }
  }

  /** One poll: starts a session when there is none, then asks for the latest configuration. */
  public async poll(): Promise<void> {
    const pollSeconds = this.source.pollIntervalSeconds;
    await this.breaker.call(async () => {
      this.token ??= (await this.client.send(new StartConfigurationSessionCommand({
        ApplicationIdentifier: this.source.applicationId,
        EnvironmentIdentifier: this.source.environmentId,
        ConfigurationProfileIdentifier: this.source.profileId,
        RequiredMinimumPollIntervalInSeconds: pollSeconds,
      }))).InitialConfigurationToken;
      const out = await this.client.send(new GetLatestConfigurationCommand({ ConfigurationToken: this.token }));
      this.token = out.NextPollConfigurationToken;
      this.nextPollAt = this.clock.now() + (out.NextPollIntervalInSeconds ?? pollSeconds) * 1000;
      if (out.Configuration && out.Configuration.length > 0) this.accept(new TextDecoder().decode(out.Configuration), out.VersionLabel);
    }, (e) => {
      this.token = undefined;
      this.nextPollAt = this.clock.now() + pollSeconds * 1000;
      this.telemetry.warn('could not read the feature flags; keeping the last values', { error: String(e), version: this.version });
    });
  }

  private accept(body: string, version: string | undefined): void {
    try {
      const values = JSON.parse(body) as FlagValues;
      const before = this.values;
      this.values = values;
      this.version = version;
      const changed = [this.source.pausedFlag, this.source.dryRunFlag].filter((f) => before?.[f]?.enabled !== values[f]?.enabled);
      if (changed.length > 0) this.telemetry.info('feature flags changed', { version, ...Object.fromEntries(changed.map((f) => [f, values[f]?.enabled === true])) });
    } catch (e) {
      this.telemetry.warn('feature flags are not JSON; keeping the last values', { version, error: String(e) });
    }
  }
}

/**
 * The pause and dry-run switches as the watched feature flags say. Until a configuration was
 * received (AppConfig unreachable at a cold start), a read fails, so that the caller counts it
 * as unread rather than as "not paused".
 */
export class FlagSwitches implements SwitchSource {
  constructor(private readonly watcher: FlagWatcher, private readonly source: Pick<FlagSource, 'pausedFlag' | 'dryRunFlag'>) {}

  public async read(): Promise<Switches> {
    await this.watcher.ready();
    const paused = this.watcher.flag(this.source.pausedFlag);
    const dryRun = this.watcher.flag(this.source.dryRunFlag);
    if (paused === undefined || dryRun === undefined) throw new MonitorError('the feature flags were not received yet');
    return { paused, dryRun };
  }
}
