/**
 * The two regions as AWS holds them, for the region drill: an Aurora global database that
 * replicates each write after a lag and tells who may write, a Global Datastore, the ECS
 * services, and the name's health. Each keeps its true state and answers the calls the plan's
 * steps make; the cache's answers go to the shipped handler, through a client of its own shape.
 */
import { VirtualClock } from './virtual-clock';

/** A write, as the global database committed it. */
interface Write {
  readonly seq: number;
  readonly at: number;
}

export class FakeGlobalDatabase {
  /** The clusters that take writes: one while the global database holds together. */
  public readonly writers = new Set<string>();
  /** Regions whose cluster is up. */
  public readonly up = new Set<string>();
  /** Writes committed in each region's storage. */
  private readonly log = new Map<string, Write[]>();
  public promotions = 0;
  public failingOver = false;
  /** Loses the answer of the next failover call (the call itself lands). */
  public loseNextAnswer = false;
  /** The most regions that accepted writes at once. */
  public writersMax = 0;
  public promotedAt?: number;
  public lostWrites: Write[] = [];

  constructor(private readonly clock: VirtualClock, readonly regions: readonly string[], primary: string, private readonly lagMs: number, private readonly failoverMs: number) {
    this.writers.add(primary);
    for (const r of regions) { this.up.add(r); this.log.set(r, []); }
  }

  /** The global writer endpoint's cluster, or the cluster a detached region writes to. */
  public get writer(): string {
    return [...this.writers][this.writers.size - 1];
  }

  /** Regions whose cluster accepts a write now: a writer that is up, and not being failed over. */
  public writable(): string[] {
    return this.failingOver ? [] : [...this.writers].filter((r) => this.up.has(r));
  }

  /**
   * A write from each region's clients, each through its region's endpoint: the global writer
   * endpoint while the global database holds together (one writer), a detached cluster's own
   * endpoint otherwise. Returns the region that took the newest write.
   */
  public write(seq: number): string | undefined {
    const writers = this.writable();
    this.writersMax = Math.max(this.writersMax, writers.length);
    const region = writers[writers.length - 1];
    if (region === undefined) return undefined;
    const w = { seq, at: this.clock.now() };
    this.log.get(region)!.push(w);
    for (const other of this.regions.filter((r) => r !== region)) {
      this.clock.at(this.clock.now() + this.lagMs, () => {
        // Storage replication needs both regions up; a write it could not ship is lost with the region.
        if (this.up.has(region) && this.up.has(other) && !this.log.get(other)!.some((x) => x.seq === seq)) this.log.get(other)!.push(w);
      });
    }
    return region;
  }

  /** RDS FailoverGlobalCluster with AllowDataLoss: the target becomes the writer; what it had not received is lost. */
  public async failover(target: string): Promise<void> {
    if (this.failingOver) throw Object.assign(new Error('the global cluster is failing over already'), { name: 'InvalidGlobalClusterStateFault' });
    if (this.writers.has(target)) return;
    this.failingOver = true;
    this.promotions++;
    const old = this.writer;
    const answerLost = this.loseNextAnswer;
    this.loseNextAnswer = false;
    this.clock.at(this.clock.now() + this.failoverMs, () => {
      const kept = new Set(this.log.get(target)!.map((w) => w.seq));
      this.lostWrites = this.log.get(old)!.filter((w) => !kept.has(w.seq));
      // The old primary rejoins as a secondary of the new one: its storage follows the new writer's.
      this.log.set(old, [...this.log.get(target)!]);
      this.writers.clear();
      this.writers.add(target);
      this.failingOver = false;
      this.promotedAt = this.clock.now();
    });
    if (answerLost) throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
  }

  /**
   * RDS SwitchoverGlobalCluster: writes pause, the target catches up on every write, then takes
   * over; nothing is lost. Needs both regions up.
   */
  public async switchover(target: string): Promise<void> {
    if (this.failingOver) throw Object.assign(new Error('the global cluster is switching over already'), { name: 'InvalidGlobalClusterStateFault' });
    if (this.writers.has(target)) return;
    if (![...this.regions].every((r) => this.up.has(r))) throw Object.assign(new Error('a switchover needs every region'), { name: 'InvalidGlobalClusterStateFault' });
    this.failingOver = true;
    this.promotions++;
    this.clock.at(this.clock.now() + this.failoverMs, () => {
      this.writers.clear();
      this.writers.add(target);
      this.failingOver = false;
      this.promotedAt = this.clock.now();
    });
  }

  /**
   * The runbook way the managed failover replaced: RemoveFromGlobalCluster on the target, then
   * promote it. The old primary is not demoted: when its region comes back, it takes writes too.
   */
  public async detachAndPromote(target: string): Promise<void> {
    this.promotions++;
    const old = this.writer;
    this.failingOver = true;
    this.clock.at(this.clock.now() + this.failoverMs, () => {
      const kept = new Set(this.log.get(target)!.map((w) => w.seq));
      this.lostWrites = this.log.get(old)!.filter((w) => !kept.has(w.seq));
      this.writers.add(target);
      this.failingOver = false;
      this.promotedAt = this.clock.now();
    });
  }

  /** The writes a failover lost, as a span of time: from the first of them to `lostAt`, when the region went. */
  public rpoMs(lostAt: number): number {
    return this.lostWrites.length === 0 ? 0 : lostAt - this.lostWrites[0].at;
  }
}

/** An ElastiCache Global Datastore, answering the shipped cache step through `client`. */
export class FakeDatastore {
  public primary: { id: string; region: string };
  public status = 'available';
  public promotions = 0;
  public promotedAt?: number;
  public loseNextAnswer = false;
  /** Never completes a promotion (the step's timeout then applies). */
  public stuck = false;

  constructor(private readonly clock: VirtualClock, private readonly members: Record<string, string>, primaryRegion: string, private readonly promotionMs: number) {
    this.primary = { id: members[primaryRegion], region: primaryRegion };
  }

  /**
   * A client as the handler sends to. The shipped bundle is minified, so its commands are told
   * apart by their input, as ElastiCache's API would by the action's parameters.
   */
  public readonly client = {
    send: async (command: { input: Record<string, string> }) => {
      await this.clock.sleep(100);
      const input = command.input;
      const action = 'PrimaryRegion' in input ? 'FailoverGlobalReplicationGroupCommand'
        : 'GlobalReplicationGroupId' in input ? 'DescribeGlobalReplicationGroupsCommand' : 'DescribeReplicationGroupsCommand';
      switch (action) {
        case 'DescribeGlobalReplicationGroupsCommand':
          return { GlobalReplicationGroups: [{ Status: this.status, Members: Object.entries(this.members).map(([region, id]) => ({
            ReplicationGroupId: id, ReplicationGroupRegion: region, Role: this.primary.id === id ? 'PRIMARY' : 'SECONDARY' })) }] };
        case 'DescribeReplicationGroupsCommand':
          return { ReplicationGroups: [{ ReplicationGroupId: input.ReplicationGroupId, Status: 'available' }] };
        case 'FailoverGlobalReplicationGroupCommand': {
          if (this.status === 'modifying') throw Object.assign(new Error('The Global Datastore is modifying'), { name: 'InvalidGlobalReplicationGroupStateFault' });
          this.status = 'modifying';
          this.promotions++;
          if (!this.stuck) {
            this.clock.at(this.clock.now() + this.promotionMs, () => {
              this.primary = { id: input.PrimaryReplicationGroupId, region: input.PrimaryRegion };
              this.status = 'available';
              this.promotedAt = this.clock.now();
            });
          }
          if (this.loseNextAnswer) {
            this.loseNextAnswer = false;
            throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
          }
          return {};
        }
      }
    },
  };
}

/**
 * The name's failover as Route 53 runs it: the PRIMARY record is healthy while the primary's own
 * check is and, where the record carries it, ARC's check for the primary region; resolvers follow
 * a change after propagation and the TTL.
 */
export class FakeName {
  public answer: 'primary' | 'standby' = 'primary';
  public detectedAt?: number;
  public movedAt?: number;
  /** What moved the name first: the primary's health, or the plan's traffic step. */
  public movedBy?: 'health' | 'plan';

  constructor(private readonly clock: VirtualClock, private readonly detectionMs: number, private readonly propagationAndTtlMs: number,
    /** Whether the PRIMARY record carries ARC's check for the primary region. */
    private readonly followsPlan: boolean) {}

  /** The primary's endpoints die at `at`. */
  public primaryLost(at: number): void {
    this.clock.at(at + this.detectionMs, () => { this.detectedAt = this.clock.now(); });
    this.moveAt(at + this.detectionMs + this.propagationAndTtlMs, 'health');
  }

  /** ARC turned its checks: the primary region's unhealthy. Moves the name only if the record carries it. */
  public planTurned(): void {
    if (this.followsPlan) this.moveAt(this.clock.now() + this.propagationAndTtlMs, 'plan');
  }

  private moveAt(at: number, by: 'health' | 'plan'): void {
    this.clock.at(at, () => {
      if (this.answer === 'standby') return;
      this.answer = 'standby';
      this.movedAt = this.clock.now();
      this.movedBy = by;
    });
  }
}

/** The ECS services: desired and running tasks per service ARN. */
export class FakeEcs {
  public readonly running = new Map<string, number>();
  public scaledAt?: number;
  constructor(private readonly clock: VirtualClock, private readonly startMs: number) {}

  /** ARC's ECS step: the activated service to `percent` of the other's most tasks. */
  public async scale(from: string, to: string, percent: number): Promise<void> {
    const target = Math.ceil(((this.running.get(from) ?? 0) * percent) / 100);
    if ((this.running.get(to) ?? 0) < target) {
      await this.clock.sleep(this.startMs);
      this.running.set(to, target);
    }
    this.scaledAt = this.clock.now();
  }
}
