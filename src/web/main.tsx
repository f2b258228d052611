// The workbench: one page per kind of thing a journalist looks at, over the server's JSON API.
import { render } from 'preact';
import { lang, setLang, t, useLang } from './i18n.ts';
import { Dashboard } from './pages/dashboard.tsx';
import { DocumentPage } from './pages/document.tsx';
import { KeysPage } from './pages/keys.tsx';
import { MessagePage } from './pages/message.tsx';
import { SearchPage } from './pages/search.tsx';
import { ThreadPage } from './pages/thread.tsx';
import { onLink, useRoute } from './router.ts';

function App() {
  useLang();
  const route = useRoute();
  return (
    <div>
      <header class="top">
        <a href="/" class="brand">
          Crible
        </a>
        <nav>
          <a href="/" class={route.page === 'dashboard' ? 'on' : ''}>
            {t('web.nav.dashboard')}
          </a>
          <a href="/search" class={route.page === 'search' ? 'on' : ''}>
            {t('web.nav.search')}
          </a>
          <a href="/keys" class={route.page === 'keys' ? 'on' : ''}>
            {t('web.nav.keys')}
          </a>
        </nav>
        <button type="button" class="lang" onClick={() => setLang(lang() === 'en' ? 'fr' : 'en')}>
          {t('web.language')}
        </button>
      </header>
      <main>
        {route.page === 'dashboard' && <Dashboard />}
        {route.page === 'search' && <SearchPage q={route.q} offset={route.offset} />}
        {route.page === 'message' && <MessagePage id={route.id} />}
        {route.page === 'document' && <DocumentPage id={route.id} />}
        {route.page === 'thread' && <ThreadPage id={route.id} />}
        {route.page === 'keys' && <KeysPage />}
        {route.page === 'not-found' && <p>{t('web.not-found', { path: route.path })}</p>}
      </main>
    </div>
  );
}

// Links inside the app move without reloading it.
document.addEventListener('click', onLink);
document.documentElement.lang = lang();
render(<App />, document.getElementById('app')!);
