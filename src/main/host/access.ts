/**
 * Who may talk to the web host: a per-start token, compared in constant time, and an Origin
 * (and Host) that is the host itself — a page on another site cannot drive the lab.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Hashing first gives equal-length buffers, so no early exit leaks how much matched. */
export function tokensEqual(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost' || bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

/** `host:port` values a browser sends in Host for a loopback-bound server. */
export function loopbackAuthorities(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
}

export interface AccessPolicy {
  port: number;
  /** Bound to a non-loopback address on purpose: any Host is accepted, Origin must match it. */
  allowRemote: boolean;
}

/** Host header check against DNS rebinding: a loopback host answers only to loopback names. */
export function hostAllowed(hostHeader: string | undefined, policy: AccessPolicy): boolean {
  if (!hostHeader) return false;
  if (policy.allowRemote) return true;
  return loopbackAuthorities(policy.port).includes(hostHeader.toLowerCase());
}

/** Origin must be this host's own: a loopback name with our port, or (remote) the Host in use. */
export function originAllowed(origin: string | undefined, hostHeader: string | undefined, policy: AccessPolicy): boolean {
  if (!origin || !hostHeader || !hostAllowed(hostHeader, policy)) return false;
  const allowed = policy.allowRemote ? [hostHeader.toLowerCase()] : loopbackAuthorities(policy.port);
  return allowed.some((authority) => origin.toLowerCase() === `http://${authority}`);
}
