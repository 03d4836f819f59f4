#!/usr/bin/env node
// The `partialkit` command. A committed launcher (not the build output) so npm can link the bin at
// install time, before anything is built.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('partialkit: the CLI is not built yet; run `npm run build` first.');
  process.exit(1);
}
const { main, reasonOf } = await import(cli.href);
main(process.argv.slice(2)).catch((error) => {
  // With its causes: a bare `fetch failed` or `terminated` says neither what nor why.
  console.error(reasonOf(error));
  process.exitCode = 1;
});
