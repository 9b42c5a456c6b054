import { isPortOpen, portOwner } from './ports';
import { StackError } from './stack.errors';

/** Fails with the owner's pid and command when something else already listens on a port we need. */
export async function ensurePortsFree(ports: ReadonlyArray<readonly [port: number, variable: string]>): Promise<void> {
  for (const [port, variable] of ports) {
    if (!(await isPortOpen('127.0.0.1', port))) continue;
    const owner = portOwner(port);
    const who = owner ? `pid ${owner.pid}: ${owner.command}` : 'a process this user cannot see';
    throw new StackError('PORT_TAKEN', `port ${port} is taken by another process (${who}), not by the rollout-ledger stack. Stop it, or choose another port with ${variable}=<port>.`);
  }
}
