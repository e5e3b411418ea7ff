import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { apiJson, enc } from '../api';
import type { SearchResult } from '../api-types';
import { Link, lotPath, navigate, serialPath, vendorPath } from '../router';

const pathOf = (m: SearchResult['matches'][number]): string => (m.kind === 'serial' ? serialPath(m.id) : m.kind === 'lot' ? lotPath(m.id) : vendorPath(m.id));

/** Exact-id search: one match goes straight to its page (replacing the search in the history), several are listed. */
export function SearchPage({ q }: { q: string }) {
  const result = useQuery({ queryKey: ['search', q], queryFn: () => apiJson<SearchResult>(`/v1/search?q=${enc(q)}`), enabled: q !== '' });
  const only = result.data?.matches.length === 1 ? result.data.matches[0] : undefined;
  useEffect(() => {
    if (only) navigate(pathOf(only), { replace: true });
  }, [only]);
  return (
    <section>
      <h1>Search {q}</h1>
      {result.isPending && q && <p>Looking up {q}…</p>}
      {result.isError && <p role="alert">{result.error.message}</p>}
      {result.data && result.data.matches.length === 0 && <p role="alert">Nothing in your scope has the id {q}.</p>}
      {result.data && result.data.matches.length > 1 && (
        <ul aria-label="Matches">
          {result.data.matches.map((m) => (
            <li key={m.kind + m.id}>
              <Link to={pathOf(m)}>
                {m.kind} {m.id}
              </Link>
              {m.label ? ` — ${m.label}` : ''}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
