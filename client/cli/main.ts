// `capstan`: run it as `npx tsx client/cli/main.ts <command>` or `npm run capstan -- <command>`.
import { processClients } from './connect/clients.ts';
import { processIo } from './process-io.ts';
import { runCapstan } from './program.ts';

process.exitCode = await runCapstan(process.argv.slice(2), {
  io: processIo(),
  clients: (flags) => processClients(flags),
  env: process.env,
});
