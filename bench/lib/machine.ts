/** The machine and versions that go with the numbers. */
import { createRequire } from 'node:module';
import os from 'node:os';

export interface MachineInfo {
  cpu: string;
  cores: number;
  os: string;
  node: string;
  tfjs: string;
  tfjs_backend_wasm: string;
  /** 1-minute load average when the bench started: other work on the machine skews absolute numbers. */
  load_average: number;
  memory_gb: number;
}

const requireHere = createRequire(import.meta.url);

function packageVersion(name: string): string {
  try {
    return (requireHere(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    tfjs: packageVersion('@tensorflow/tfjs'),
    tfjs_backend_wasm: packageVersion('@tensorflow/tfjs-backend-wasm'),
    load_average: Math.round(os.loadavg()[0]! * 100) / 100,
    memory_gb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
  };
}
