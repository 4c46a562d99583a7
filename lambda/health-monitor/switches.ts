/**
 * The operator switches (pause, dry run), from the table and from feature flags, read so that a
 * source that cannot be read never makes the monitor less careful: it counts with its last known
 * value, and a source never read yet counts as dry run.
 */
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SwitchSource, Switches } from './ports';
import { Telemetry } from './telemetry';

/**
 * Operator switches in the table (item `sk = switches`): `paused` and `dryRun`. Absent means
 * neither; `dryRun` also defaults to the deployed configuration.
 */
export class TableSwitches implements SwitchSource {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string, private readonly monitorId: string, private readonly dryRunDefault: boolean) {}

  public async read(): Promise<Switches> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: this.monitorId, sk: 'switches' }, ConsistentRead: true }));
    return { paused: out.Item?.paused === true, dryRun: out.Item?.dryRun === true || this.dryRunDefault };
  }
}

/** Before any read succeeded: no change is made, only logged. */
export const UNREAD: Switches = { paused: false, dryRun: true };

/**
 * One source, failing closed: a failed read returns the last value read, or {@link UNREAD} when
 * none was. A throttled read therefore never reads as "not paused".
 */
export class FailClosedSwitches implements SwitchSource {
  private last?: Switches;

  constructor(private readonly name: string, private readonly source: SwitchSource, private readonly telemetry: Telemetry) {}

  public async read(): Promise<Switches> {
    try {
      this.last = await this.source.read();
      return this.last;
    } catch (e) {
      const fallback = this.last ?? UNREAD;
      this.telemetry.warn('could not read the switches; keeping the last known', { source: this.name, error: String(e), ...fallback });
      this.telemetry.metric('SwitchReadErrors', 1);
      return fallback;
    }
  }
}

/**
 * Switches from several sources: each can only make the monitor more careful, so a switch is on
 * when any source turns it on. Each source fails closed on its own.
 */
export class AnySwitches implements SwitchSource {
  private readonly sources: readonly FailClosedSwitches[];

  constructor(sources: ReadonlyArray<readonly [string, SwitchSource]>, telemetry: Telemetry) {
    this.sources = sources.map(([name, s]) => new FailClosedSwitches(name, s, telemetry));
  }

  public async read(): Promise<Switches> {
    const all = await Promise.all(this.sources.map((s) => s.read()));
    return { paused: all.some((s) => s.paused), dryRun: all.some((s) => s.dryRun) };
  }
}
