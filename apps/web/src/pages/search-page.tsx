import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { apiJson, enc } from '../api';
import type { SearchResult } from '../api-types';
import { Link, navigate } from '../router';
import { matchPath, matchTitle } from '../search-routing';

/** Exact-id search: one match goes straight to its page (replacing the search in the history), several are listed. */
export function SearchPage({ q }: { q: string }) {
  const result = useQuery({ queryKey: ['search', q], queryFn: () => apiJson<SearchResult>(`/v1/search?q=${enc(q)}`), enabled: q !== '' });
  const only = result.data?.matches.length === 1 ? result.data.matches[0] : undefined;
  useEffect(() => {
    if (only) navigate(matchPath(only), { replace: true });
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
              <Link to={matchPath(m)}>{matchTitle(m)}</Link>
              {m.label ? ` — ${m.label}` : ''}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
