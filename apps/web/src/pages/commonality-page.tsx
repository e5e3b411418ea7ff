import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, apiJson } from '../api';
import type { Commonality } from '../api-types';
import { type CommonalityAsk, analysedInWords, askFromSearch, askToSearch, commonalityBody, describeFactor, percent } from '../commonality';
import { Link, navigate, serialPath } from '../router';
import { parseSerialList } from '../serial-list';

/** What failed serials share: paste them (and a comparison set, or a sample), see the ranked factors with both shares. */
export function CommonalityPage({ search }: { search: string }) {
  const ask = askFromSearch(search);
  const answer = useQuery({
    queryKey: ['commonality', search],
    queryFn: () => apiJson<Commonality>('/v1/analysis/commonality', { method: 'POST', body: JSON.stringify(commonalityBody(ask!)) }),
    enabled: ask !== undefined,
    staleTime: 60_000,
  });
  return (
    <section>
      <h1>Commonality</h1>
      <AskForm key={search} ask={ask} />
      {answer.isFetching && <p role="status">Analysing {ask?.serials.length} serials…</p>}
      {answer.isError && <p role="alert">{answer.error instanceof ApiError && answer.error.status === 404 ? 'None of these serials is in your scope.' : answer.error.message}</p>}
      {answer.data && <Factors c={answer.data} />}
    </section>
  );
}

function AskForm({ ask }: { ask: CommonalityAsk | undefined }) {
  const [failed, setFailed] = useState(ask?.serials.join('\n') ?? '');
  const [mode, setMode] = useState<'none' | 'set' | 'sample'>(ask?.comparison ? 'set' : ask?.sample ? 'sample' : 'none');
  const [comparison, setComparison] = useState(ask?.comparison?.join('\n') ?? '');
  const [sample, setSample] = useState(String(ask?.sample ?? 100));
  const [problem, setProblem] = useState<string | undefined>();
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const f = parseSerialList(failed);
    const c = parseSerialList(comparison);
    if (f.serials.length === 0) return setProblem('Paste at least one failed serial.');
    if (f.serials.length > 1_000 || c.serials.length > 1_000) return setProblem('At most 1,000 serials on each side.');
    if (mode === 'set' && c.serials.length === 0) return setProblem('Paste the serials to compare with, or choose another comparison.');
    const n = Number(sample);
    if (mode === 'sample' && !(Number.isInteger(n) && n >= 1 && n <= 1_000)) return setProblem('The sample is 1 to 1,000 units.');
    setProblem(f.repeated.length > 0 ? `Given twice, counted once: ${f.repeated.join(', ')}` : undefined);
    navigate(`/commonality${askToSearch({ serials: f.serials, ...(mode === 'set' ? { comparison: c.serials } : mode === 'sample' ? { sample: n } : {}) })}`);
  };
  return (
    <form onSubmit={submit} className="ask" aria-label="What to analyse">
      <label htmlFor="failed-serials">Failed serials</label>
      <textarea id="failed-serials" value={failed} onChange={(e) => setFailed(e.target.value)} rows={6} placeholder="one a line, or separated by commas" />
      <fieldset>
        <legend>Compare with</legend>
        <label>
          <input type="radio" name="compare" checked={mode === 'none'} onChange={() => setMode('none')} /> nothing (rank by how many contain each)
        </label>
        <label>
          <input type="radio" name="compare" checked={mode === 'set'} onChange={() => setMode('set')} /> a comparison set
        </label>
        <label>
          <input type="radio" name="compare" checked={mode === 'sample'} onChange={() => setMode('sample')} /> a sample of other units of the same products
        </label>
      </fieldset>
      {mode === 'set' && (
        <>
          <label htmlFor="comparison-serials">Comparison serials</label>
          <textarea id="comparison-serials" value={comparison} onChange={(e) => setComparison(e.target.value)} rows={4} />
        </>
      )}
      {mode === 'sample' && (
        <label>
          Sample size <input type="number" min={1} max={1000} value={sample} onChange={(e) => setSample(e.target.value)} />
        </label>
      )}
      {problem && <p role="alert">{problem}</p>}
      <button type="submit">Analyse</button>
    </form>
  );
}

function Factors({ c }: { c: Commonality }) {
  const compared = c.comparison !== undefined;
  return (
    <>
      <p>{analysedInWords(c)}</p>
      {c.factors.length === 0 ? (
        <p>These serials share nothing.</p>
      ) : (
        <table aria-label="Shared factors" className="factors">
          <thead>
            <tr>
              <th>Rank</th>
              <th>Factor</th>
              <th>Kind</th>
              <th>Failed serials</th>
              {compared && <th>Comparison</th>}
              <th>Serials</th>
            </tr>
          </thead>
          <tbody>
            {c.factors.map((f, i) => {
              const d = describeFactor(f);
              return (
                <tr key={f.kind + f.id}>
                  <td>{i + 1}</td>
                  <td>{d.to ? <Link to={d.to}>{d.label}</Link> : d.label}</td>
                  <td>{d.kind}</td>
                  <td>
                    <ShareBar share={f.share} label={`${f.count} of ${c.serials.length} failed`} />
                  </td>
                  {compared && <td>{f.comparison ? <ShareBar share={f.comparison.share} label={`${f.comparison.count} of ${c.comparison!.serials.length} compared`} comparison /> : ''}</td>}
                  <td className="serial-list">
                    {f.serials.slice(0, 5).map((s) => (
                      <span key={s}>
                        <Link to={serialPath(s)}>{s}</Link>{' '}
                      </span>
                    ))}
                    {f.serials.length > 5 ? `and ${f.serials.length - 5} more` : ''}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}

/** A share drawn as a bar, its figure in words beside it (the bar is decoration for screen readers: the text says it). */
function ShareBar({ share, label, comparison = false }: { share: number; label: string; comparison?: boolean }) {
  return (
    <span className="share">
      <span className={`bar${comparison ? ' comparison' : ''}`} aria-hidden="true">
        <span style={{ width: `${Math.round(share * 100)}%` }} />
      </span>{' '}
      {percent(share)} ({label})
    </span>
  );
}
