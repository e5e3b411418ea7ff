import { parseSerialList, serialsParam } from './serial-list';

describe('a pasted list of serials', () => {
  it('takes one a line, or separated by commas, semicolons, tabs and spaces, in the order given', () => {
    expect(parseSerialList('GW-1\nGW-2\r\nGW-3, GW-4;GW-5\tGW-6  GW-7\n\n')).toEqual({ serials: ['GW-1', 'GW-2', 'GW-3', 'GW-4', 'GW-5', 'GW-6', 'GW-7'], repeated: [] });
    expect(parseSerialList('  \n ')).toEqual({ serials: [], repeated: [] });
  });

  it('keeps each serial once and names the repeated ones', () => {
    expect(parseSerialList('A\nB\nA\nC\nB\nA')).toEqual({ serials: ['A', 'B', 'C'], repeated: ['A', 'B'] });
  });

  it('goes into a URL parameter one a line', () => {
    expect(serialsParam(['A', 'B'])).toBe('A\nB');
  });
});
