// The interface's words come from the same message catalogue as the CLI and the report (English and
// French); the choice is kept in the browser.
import { useEffect, useState } from 'preact/hooks';
import { type Coded, coded, type Lang, type Params, render } from '../report/catalogue.ts';

const KEY = 'crible.lang';
const listeners = new Set<(lang: Lang) => void>();
let current: Lang = (localStorage.getItem(KEY) as Lang | null) === 'fr' ? 'fr' : 'en';

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang): void {
  current = next;
  localStorage.setItem(KEY, next);
  document.documentElement.lang = next;
  for (const l of listeners) l(next);
}

/** Re-renders the component when the language changes. */
export function useLang(): Lang {
  const [value, set] = useState(current);
  useEffect(() => {
    listeners.add(set);
    return () => void listeners.delete(set);
  }, []);
  return value;
}

export function t(code: string, params?: Params): string {
  return render(coded(code, params), current);
}

export function words(message: Coded | string): string {
  return render(message, current);
}
