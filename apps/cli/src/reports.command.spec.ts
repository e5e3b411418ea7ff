import { UsageError } from './usage';
import { parseReportsArgs } from './reports.command';

describe('reports command line', () => {
  it('takes one file and an optional keys file', () => {
    expect(parseReportsArgs(['verify', 'r.pdf'])).toEqual({ file: 'r.pdf' });
    expect(parseReportsArgs(['verify', '--keys', 'k.json', 'r.csv'])).toEqual({ file: 'r.csv', keysFile: 'k.json' });
  });

  it.each([[[]], [['sign', 'r.pdf']], [['verify']], [['verify', 'a', 'b']], [['verify', 'a', '--keys']], [['verify', 'a', '--force']]])(
    'refuses %j as a usage error',
    (args) => {
      expect(() => parseReportsArgs(args)).toThrow(UsageError);
    },
  );
});
