import * as http from 'http';
import { AddressInfo } from 'net';
import { AppConfigDataClient } from '@aws-sdk/client-appconfigdata';

/**
 * A local stand-in for the AppConfig data plane on loopback, speaking its REST protocol to the
 * real SDK client: StartConfigurationSession and GetLatestConfiguration with single-use tokens,
 * the session's minimum poll interval enforced, and an empty body when the client already has
 * the deployed version.
 */
export class AppConfigDataStandIn {
  /** Every request, in order: `start` or `get`, and whether it was refused. */
  public readonly requests: Array<{ op: 'start' | 'get'; refused?: string; at: number }> = [];
  private flags: Record<string, { enabled: boolean }> = {};
  private version = 1;
  private nextToken = 0;
  /** token → its session; a token is spent once used. */
  private readonly tokens = new Map<string, { session: Session; earliest: number }>();

  private constructor(private readonly server: http.Server, public readonly endpoint: string) {}

  public static async start(flags: Record<string, boolean>): Promise<AppConfigDataStandIn> {
    let standIn!: AppConfigDataStandIn;
    const server = http.createServer((req, res) => standIn.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    standIn = new AppConfigDataStandIn(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    standIn.deploy(flags);
    return standIn;
  }

  /** A client of the real SDK pointed at the stand-in. */
  public client(): AppConfigDataClient {
    return new AppConfigDataClient({ region: 'eu-west-1', endpoint: this.endpoint, credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' }, maxAttempts: 1 });
  }

  /** Deploys new flag values: a new version every session sees at its next poll. */
  public deploy(flags: Record<string, boolean>): void {
    this.flags = Object.fromEntries(Object.entries(flags).map(([k, v]) => [k, { enabled: v }]));
    this.version++;
  }

  public close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.endpoint);
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      if (req.method === 'POST' && url.pathname === '/configurationsessions') {
        const input = JSON.parse(body) as { RequiredMinimumPollIntervalInSeconds?: number };
        const session: Session = { pollSeconds: input.RequiredMinimumPollIntervalInSeconds ?? 60, sentVersion: 0 };
        this.requests.push({ op: 'start', at: Date.now() });
        res.writeHead(201, { 'Content-Type': 'application/json' }).end(JSON.stringify({ InitialConfigurationToken: this.issue(session, 0) }));
        return;
      }
      if (req.method === 'GET' && url.pathname === '/configuration') {
        const token = url.searchParams.get('configuration_token') ?? '';
        const entry = this.tokens.get(token);
        const refused = !entry ? 'unknown or spent token' : Date.now() < entry.earliest ? 'polled before the minimum interval' : undefined;
        this.requests.push({ op: 'get', refused, at: Date.now() });
        if (refused || !entry) {
          res.writeHead(400, { 'Content-Type': 'application/json', 'x-amzn-errortype': 'BadRequestException' }).end(JSON.stringify({ Message: refused }));
          return;
        }
        this.tokens.delete(token);
        const { session } = entry;
        const changed = session.sentVersion !== this.version;
        session.sentVersion = this.version;
        res.writeHead(200, {
          'Content-Type': 'application/json',
          'Next-Poll-Configuration-Token': this.issue(session, session.pollSeconds * 1000),
          'Next-Poll-Interval-In-Seconds': String(session.pollSeconds),
          ...(changed ? { 'Version-Label': `v${this.version}` } : {}),
        }).end(changed ? JSON.stringify(this.flags) : '');
        return;
      }
      res.writeHead(404).end();
    });
  }

  private issue(session: Session, waitMs: number): string {
    const token = `token-${++this.nextToken}`;
    this.tokens.set(token, { session, earliest: Date.now() + waitMs });
    return token;
  }
}

interface Session {
  readonly pollSeconds: number;
  sentVersion: number;
}
