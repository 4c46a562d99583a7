import type { AddressInfo } from 'net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

// dynalite ships no types: a DynamoDB-compatible server (it validates requests as DynamoDB does).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: { createTableMs: number }) => import('http').Server;

/** A DynamoDB-compatible server on loopback, with tables shaped like the monitor's (pk, sk). */
export interface LocalDynamo {
  readonly endpoint: string;
  readonly raw: DynamoDBClient;
  readonly db: DynamoDBDocumentClient;
  /** Creates a table with the monitor's key schema. */
  createTable(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function startDynalite(): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const raw = new DynamoDBClient({
    endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  return {
    endpoint,
    raw,
    db: DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } }),
    createTable: async (name) => {
      await raw.send(new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
        BillingMode: 'PAY_PER_REQUEST',
      }));
    },
    close: async () => {
      raw.destroy();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A dynalite server for the whole test file and a fresh table of the monitor's shape, named by
 * `name`, before each test. Read `dynamo` and `table` inside hooks and tests.
 */
export function useLocalTable(name: () => string): { readonly dynamo: LocalDynamo; readonly table: string } {
  const state: { dynamo?: LocalDynamo; table?: string } = {};
  beforeAll(async () => {
    state.dynamo = await startDynalite();
  });
  afterAll(() => state.dynamo?.close());
  beforeEach(async () => {
    state.table = name();
    await state.dynamo!.createTable(state.table);
  });
  return {
    get dynamo() { return state.dynamo!; },
    get table() { return state.table!; },
  };
}
