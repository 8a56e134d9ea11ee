/** Memory and CPU facts of this process: tensors alive in the tfjs engine, resident set now and at peak. */
import * as tf from '@tensorflow/tfjs';

const MB = 1024 * 1024;

export function numTensors(): number {
  return tf.memory().numTensors;
}

export function rssMb(): number {
  return process.memoryUsage.rss() / MB;
}

/** The OS's high-water mark of this process's resident set (maxRSS is in KiB). */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** CPU time (user + system, all threads) this process has used, in ms. */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
