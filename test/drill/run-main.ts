import { main } from './drill';

/** Runs `npm run drill` with `args` as the command line does, and returns its exit code and the lines it printed. */
export async function runMain(args: string[]): Promise<{ code: number; lines: string[] }> {
  const printed: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
  try {
    const code = await main(args);
    return { code, lines: printed.join('\n').trim().split('\n') };
  } finally {
    log.mockRestore();
  }
}
