import { PassThrough } from 'node:stream';
import { parseGraphArgs, runGraph } from './graph.command';
import { UsageError } from './usage';

describe('graph command line', () => {
  it('takes digest and recopy alone, and rebuild with a target that names its database, --force optional', () => {
    expect(parseGraphArgs(['digest'])).toEqual({ command: 'digest' });
    expect(parseGraphArgs(['recopy'])).toEqual({ command: 'recopy' });
    expect(parseGraphArgs(['rebuild', '--target', 'mongodb://db1:27017/trace_rebuilt'])).toEqual({ command: 'rebuild', target: 'mongodb://db1:27017/trace_rebuilt', force: false });
    expect(parseGraphArgs(['rebuild', '--force', '--target', 'mongodb+srv://u:p@cluster.example/trace2?retryWrites=true'])).toMatchObject({ force: true, target: 'mongodb+srv://u:p@cluster.example/trace2?retryWrites=true' });
  });

  it.each([
    [[]],
    [['rebuild']],
    [['rebuild', '--target']],
    [['rebuild', '--target', 'postgres://db1/trace']],
    [['rebuild', '--target', 'mongodb://db1:27017']],
    [['rebuild', '--target', 'mongodb://db1:27017/']],
    [['rebuild', '--target', 'mongodb://db1:27017/?replicaSet=rs0']],
    [['rebuild', '--target', 'mongodb://db1/t', 'extra']],
    [['rebuild', '--target', 'mongodb://db1/t', '--frce']],
    [['digest', '--force']],
    [['digest', 'mongodb://db1/t']],
    [['recopy', 'mongodb://db1/t']],
    [['recopy', '--force']],
    [['restore']],
  ])('refuses %j as a usage error', (args) => {
    expect(() => parseGraphArgs(args)).toThrow(UsageError);
  });

  it('exits with status 2 and the usage on stderr for a usage error, before reaching any server', async () => {
    const out = new PassThrough();
    const err = new PassThrough();
    let written = '';
    err.on('data', (d: Buffer) => (written += d.toString('utf8')));
    const code = await runGraph(['rebuild', '--target', 'mongodb://127.0.0.1:1'], {}, { out, err });
    expect(code).toBe(2);
    expect(written).toContain('--target must name its database in its path');
    expect(written).toContain('graph rebuild --target MONGO_URL [--force]');
    expect(out.read()).toBeNull();
  });
});
