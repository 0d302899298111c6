// The `io-http` executable (built to dist/bin/io-http.mjs, with a shebang): see bin/main.ts and docs/cli.md.
import { main } from './main';

process.exitCode = await main(process.argv.slice(2));
