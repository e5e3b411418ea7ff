import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, loadChunk, sessionQuery } from './app';
import { ApiError } from './api';
import { preloadPage } from './routes';
import './styles.css';

const queryClient = new QueryClient({
  defaultOptions: {
    // A 401/403/404 will not change by asking again; a network hiccup may.
    queries: { retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2, refetchOnWindowFocus: false, staleTime: 10_000 },
  },
});

// The session and the chunk of the page this load lands on, both asked for before the first render rather than after it
// (the chunk as the session's role will see it once the session answers: routes.ts, preloadPage).
preloadPage(window.location.pathname, queryClient.fetchQuery(sessionQuery), loadChunk);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
