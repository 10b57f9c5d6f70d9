import { delimiter } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, listenProblem, packageVersion, readConfig, usage } from '../src/config.js';

describe('readConfig', () => {
  it('has defaults that serve every API on 127.0.0.1:3000', () => {
    expect(readConfig([], {})).toEqual({
      port: 3000,
      host: '127.0.0.1',
      seed: 1,
      dataset: 'demo',
      records: 120,
      logLevel: 'info',
      urlFile: '',
      strict: false,
      journal: 1000,
      imports: [],
      summary: false,
      dataDir: '',
    });
  });

  it('reads --strict as a switch and POS_SANDBOX_STRICT as true or false', () => {
    expect(readConfig(['--strict'], {}).strict).toBe(true);
    expect(readConfig([], { POS_SANDBOX_STRICT: 'true' }).strict).toBe(true);
    expect(readConfig([], { POS_SANDBOX_STRICT: '0' }).strict).toBe(false);
    expect(() => readConfig([], { POS_SANDBOX_STRICT: 'maybe' })).toThrow(
      '--strict / POS_SANDBOX_STRICT: expected true or false, got "maybe"',
    );
    expect(readConfig(['--journal', '0'], {}).journal).toBe(0);
    expect(readConfig(['--summary'], {}).summary).toBe(true);
    expect(readConfig(['--import', 'a.json', '--import', 'b.json'], {}).imports).toEqual(['a.json', 'b.json']);
    expect(readConfig([], { POS_SANDBOX_IMPORT: `a.json${delimiter}b.json` }).imports).toEqual(['a.json', 'b.json']);
    expect(() => readConfig(['--journal', '-1'], {})).toThrow(ConfigError);
  });

  it('takes a URL file from the flag or the environment, trimmed', () => {
    expect(readConfig(['--url-file', ' /tmp/a.url '], { POS_SANDBOX_URL_FILE: '/tmp/b.url' }).urlFile).toBe(
      '/tmp/a.url',
    );
    expect(readConfig([], { POS_SANDBOX_URL_FILE: '/tmp/b.url' }).urlFile).toBe('/tmp/b.url');
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

describe('usage', () => {
  it('lists every flag, --help and --version', () => {
    const text = usage();
    for (const flag of ['--port', '--host', '--seed', '--dataset', '--records', '--log-level', '--help', '--version']) {
      expect(text).toContain(`  ${flag} `);
    }
  });
});

describe('packageVersion', () => {
  it("is package.json's", async () => {
    const { default: pkg } = await import('../package.json', { with: { type: 'json' } });
    expect(packageVersion()).toBe(pkg.version);
  });
});

describe('listenProblem', () => {
  const config = { port: 3000, host: 'example.local' };
  const error = (code: string) => Object.assign(new Error(code), { code });

  it('puts what the user can fix in one line', () => {
    expect(listenProblem(error('EADDRINUSE'), config)).toBe(
      'port 3000 on example.local is already in use (--port picks another; 0 a free one)',
    );
    expect(listenProblem(error('EACCES'), config)).toMatch(/^not allowed to listen on port 3000 on example\.local/);
    expect(listenProblem(error('EADDRNOTAVAIL'), config)).toBe(
      'cannot listen on host "example.local": not an address of this machine',
    );
    expect(listenProblem(error('ENOTFOUND'), config)).toBe('cannot listen on host "example.local": no such host name');
    expect(listenProblem(error('EAI_AGAIN'), config)).toMatch(/^cannot listen on host "example\.local": /);
    for (const problem of ['EADDRINUSE', 'EACCES', 'EADDRNOTAVAIL', 'ENOTFOUND', 'EAI_AGAIN']) {
      expect(listenProblem(error(problem), config)).not.toContain('\n');
    }
  });

  it('leaves any other error to its stack', () => {
    expect(listenProblem(new Error('boom'), config)).toBeUndefined();
    expect(listenProblem(error('EMFILE'), config)).toBeUndefined();
    expect(listenProblem(undefined, config)).toBeUndefined();
    expect(listenProblem('text', config)).toBeUndefined();
  });
});
