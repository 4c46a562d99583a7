/** The history of action outcomes, one item per outcome, kept with a TTL. */
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { queryPrefix } from './query';

/**
 * The action ledger's history. The claim that makes an action happen once lives in the lease
 * item (so that the claim and the epoch check are one conditional write); when an action ends,
 * its outcome is kept here as its own item, for operators, and expires through the table's TTL.
 */
export interface LedgerEntry {
  /** The action: `deregister#<target>#<incident>`, `alert#<incident>`, ... */
  readonly key: string;
  readonly epoch: number;
  readonly holder: string;
  readonly outcome: 'done' | 'failed' | 'unknown' | 'abandoned';
  readonly at: number;
  readonly dryRun: boolean;
  readonly detail?: string;
}

const PREFIX = 'ledger#';

export class ActionLedger {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly monitorId: string,
    /** How long entries are kept (the TTL attribute `expiresAt`, in epoch seconds). */
    private readonly retentionMs: number,
  ) {}

  public async record(entry: LedgerEntry): Promise<void> {
    await this.db.send(new PutCommand({
      TableName: this.tableName,
      Item: {
        pk: this.monitorId,
        sk: `${PREFIX}${new Date(entry.at).toISOString()}#${entry.key}#${entry.epoch}`,
        ...entry,
        expiresAt: Math.ceil((entry.at + this.retentionMs) / 1000),
      },
    }));
  }

  /** Entries, oldest first. */
  public async list(): Promise<LedgerEntry[]> {
    const items = await queryPrefix(this.db, this.tableName, this.monitorId, PREFIX, false);
    return items.map(({ pk: _pk, sk: _sk, expiresAt: _ttl, ...entry }) => entry as unknown as LedgerEntry);
  }
}
