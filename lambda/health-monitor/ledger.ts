import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';

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
  readonly outcome: 'done' | 'failed' | 'abandoned';
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
    const entries: LedgerEntry[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': this.monitorId, ':prefix': PREFIX },
        ExclusiveStartKey: start,
      }));
      for (const { pk: _pk, sk: _sk, expiresAt: _ttl, ...entry } of out.Items ?? []) entries.push(entry as unknown as LedgerEntry);
      start = out.LastEvaluatedKey;
    } while (start);
    return entries;
  }
}
