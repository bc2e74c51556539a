import crypto from 'node:crypto';

/** A new API token: 256 random bits, with a readable prefix so a leaked token is recognisable. */
export function newApiToken(): { token: string; hash: string; prefix: string } {
  const token = 'dv_' + crypto.randomBytes(32).toString('base64url');
  return { token, hash: hashApiToken(token), prefix: token.slice(0, 10) };
}

/** Tokens are stored hashed; SHA-256 suffices for 256-bit random secrets. */
export function hashApiToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}
