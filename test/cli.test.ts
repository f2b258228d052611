import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const bin = new URL('../bin/crible.js', import.meta.url).pathname;

describe('crible CLI', () => {
  it('prints help with every command', () => {
    const out = execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    expect(out).toContain('Usage: crible');
  });
});
