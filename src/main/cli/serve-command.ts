/**
 * `runlab serve`: the UI in a browser, served by the web host on top of a LabService.
 * `runlab start`: the Electron app when it can start (its binary downloaded on first use),
 * else the same browser UI. Both build the UI first where out/ is missing or stale.
 */
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ensureBuilt } from '../../../scripts/build-if-stale.js';
import { ensureElectron } from '../../../scripts/ensure-electron.js';
import type { LabService } from '../lab';

type OpenService = () => Promise<LabService>;

interface ServeFlags {
  port?: number;
  host?: string;
  allowRemote?: boolean;
  staticDir?: string;
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export function serveCommand(openService: OpenService): Command {
  return withServeOptions(new Command('serve'))
    .description('Serve the Runlab UI to a browser (127.0.0.1 only unless --allow-remote); prints the URL')
    .action(async (flags: ServeFlags) => serve(openService, flags));
}

export function startCommand(openService: OpenService, setExitCode: (code: number) => void): Command {
  return withServeOptions(new Command('start'))
    .description('Open the Runlab app; without a working Electron, serve the browser UI instead')
    .action(async (flags: ServeFlags) => {
      ensureBuilt();
      const electron = await ensureElectron();
      if (electron.ok) {
        setExitCode(await runElectron(electron.binary));
        return;
      }
      process.stderr.write(`The desktop app cannot start here (${electron.reason}); serving the browser UI instead.\n`);
      await serve(openService, flags);
    });
}

function withServeOptions(command: Command): Command {
  return (
    command
      .option('--port <port>', 'port to listen on (default: 5780, or any free port if taken; 0: any free port)', parsePort)
      .option('--host <host>', 'address to bind', '127.0.0.1')
      .option('--allow-remote', 'allow binding to a non-loopback address (token-guarded; exposes your runs to the network)')
      // For development and tests: serve another build of the UI.
      .addOption(new Option('--static-dir <dir>', 'folder of the built UI (default: out/renderer)').hideHelp())
  );
}

function parsePort(value: string): number {
  const port = /^\d{1,5}$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('expected a whole number from 0 to 65535.');
  return port;
}

/** Serves until Ctrl-C (or SIGTERM), then stops the host and any training cleanly. */
async function serve(openService: OpenService, flags: ServeFlags): Promise<void> {
  // A fresh clone has no out/renderer yet: build it, saying so on stderr (stdout is the URL).
  if (flags.staticDir === undefined) ensureBuilt();
  const service = await openService();
  // The web host is another engineer's module and pulls in ws: load it only for this command.
  const { startWebHost } = await import('../host/web-host');
  let host: Awaited<ReturnType<typeof startWebHost>>;
  try {
    host = await startWebHost({
      service,
      port: flags.port,
      host: flags.host,
      allowRemote: flags.allowRemote === true,
      staticDir: flags.staticDir,
    });
  } catch (error) {
    await service.close();
    throw error;
  }
  process.stderr.write(`Runlab is serving ${service.dataDir}; open this URL (Ctrl-C to stop):\n`);
  process.stdout.write(`${host.url}\n`);
  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.stderr.write('stopping…\n');
      void host
        .close()
        .then(() => service.close())
        .then(done);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function runElectron(binary: string): Promise<number> {
  return new Promise((done) => {
    const child = spawn(binary, [root], { stdio: 'inherit' });
    child.on('error', (error) => {
      process.stderr.write(`error: could not start Electron: ${error.message}\n`);
      done(1);
    });
    child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}
