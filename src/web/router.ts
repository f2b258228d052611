// Stable URLs a user can bookmark and share: /, /search?q=…, /messages/<id>, /messages/<id>/source,
// /documents/<id>, /threads/<id>, /keys, /queue?offset=…, /correspondents?q=…, /timeline?q=…. History entries,
// no hash routing.
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'dashboard' }
  | { page: 'search'; q: string; offset: number }
  | { page: 'queue'; offset: number }
  | { page: 'message' | 'document' | 'thread' | 'source'; id: number }
  | { page: 'correspondents' | 'timeline'; q: string }
  | { page: 'keys' }
  | { page: 'not-found'; path: string };

export function parseRoute(location: { pathname: string; search: string }): Route {
  const path = location.pathname.replace(/\/+$/, '') || '/';
  const params = new URLSearchParams(location.search);
  if (path === '/') return { page: 'dashboard' };
  const offset = Math.max(0, Number(params.get('offset') ?? 0) || 0);
  if (path === '/search') return { page: 'search', q: params.get('q') ?? '', offset };
  if (path === '/queue') return { page: 'queue', offset };
  if (path === '/keys') return { page: 'keys' };
  if (path === '/correspondents' || path === '/timeline')
    return { page: path === '/timeline' ? 'timeline' : 'correspondents', q: params.get('q') ?? '' };
  const source = /^\/messages\/(\d+)\/source$/.exec(path);
  if (source) return { page: 'source', id: Number(source[1]) };
  const m = /^\/(messages|documents|threads)\/(\d+)$/.exec(path);
  if (m)
    return {
      page: ({ messages: 'message', documents: 'document', threads: 'thread' } as const)[m[1] as 'messages'],
      id: Number(m[2]),
    };
  return { page: 'not-found', path };
}

const listeners = new Set<() => void>();

export function navigate(to: string): void {
  history.pushState(null, '', to);
  for (const l of listeners) l();
  window.scrollTo(0, 0);
}

export function useRoute(): Route {
  const [route, set] = useState(() => parseRoute(location));
  useEffect(() => {
    const update = () => set(parseRoute(location));
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return route;
}

/** A link that moves within the app without reloading it. */
export function onLink(event: MouseEvent): void {
  const anchor = (event.target as HTMLElement).closest('a');
  if (!anchor || anchor.target || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0)
    return;
  const href = anchor.getAttribute('href');
  if (!href?.startsWith('/') || href.startsWith('/api/')) return;
  event.preventDefault();
  navigate(href);
}
