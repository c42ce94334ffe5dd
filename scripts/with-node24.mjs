// Runs a command with Node 24 (the pinned npm package of test/package/runtimes) first on PATH, so
// `npx vitest run` or `npm run bench` and every `node` they start run on Node 24:
//   node scripts/with-node24.mjs npx vitest run
import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { installRuntimes, node24 } from '../test/package/runtimes.mjs';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: node scripts/with-node24.mjs <command> [args…]');
  process.exit(2);
}
installRuntimes();
const PATH = `${dirname(node24.bin)}:${process.env.PATH}`;
console.log(`${node24.name}: ${command} ${args.join(' ')}`);
const child = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, PATH } });
process.exit(child.status ?? 1);
