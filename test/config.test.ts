import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../src/config.js';

describe('readConfig', () => {
  it('has defaults that serve every API on 127.0.0.1:3000', () => {
    expect(readConfig([], {})).toEqual({
      port: 3000,
      host: '127.0.0.1',
      seed: 1,
      dataset: 'demo',
      records: 120,
      logLevel: 'info',
    });
  });

  it('reads environment variables, and flags win over them', () => {
    const env = { POS_SANDBOX_PORT: '4000', POS_SANDBOX_DATASET: 'docs', POS_SANDBOX_LOG_LEVEL: 'warn' };
    expect(readConfig([], env)).toMatchObject({ port: 4000, dataset: 'docs', logLevel: 'warn' });
    expect(readConfig(['--port', '0', '--dataset=empty', '--seed', '42', '--records', '7'], env)).toMatchObject({
      port: 0,
      dataset: 'empty',
      seed: 42,
      records: 7,
      logLevel: 'warn',
    });
  });

  it('names every bad value in one message', () => {
    let message = '';
    try {
      readConfig(['--port', '70000', '--dataset', 'nope'], { POS_SANDBOX_RECORDS: '-1' });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toContain('--port / POS_SANDBOX_PORT: expected a whole number from 0 to 65535, got "70000"');
    expect(message).toContain('--dataset / POS_SANDBOX_DATASET: expected one of docs, demo, empty, got "nope"');
    expect(message).toContain('--records / POS_SANDBOX_RECORDS');
  });

  it('refuses unknown flags and empty hosts', () => {
    expect(() => readConfig(['--colour'], {})).toThrow(ConfigError);
    expect(() => readConfig(['--host', ''], {})).toThrow(/--host/);
    expect(() => readConfig(['--port', 'abc'], {})).toThrow(/got "abc"/);
  });
});
