// The workbench: one page per kind of thing a journalist looks at, over the server's JSON API.
import { render } from 'preact';
import { lang, setLang, t, useLang } from './i18n.ts';
import { CorrespondentsPage } from './pages/correspondents.tsx';
import { Dashboard } from './pages/dashboard.tsx';
import { DocumentPage } from './pages/document.tsx';
import { KeysPage } from './pages/keys.tsx';
import { MessagePage, MessageSourcePage } from './pages/message.tsx';
import { QueuePage } from './pages/queue.tsx';
import { SearchPage } from './pages/search.tsx';
import { ThreadPage } from './pages/thread.tsx';
import { TimelinePage } from './pages/timeline.tsx';
import { onLink, useRoute } from './router.ts';
import { ExportCsvLink, SessionBadge, SessionGate } from './triage.tsx';

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
          <a href="/correspondents" class={route.page === 'correspondents' ? 'on' : ''}>
            {t('web.nav.correspondents')}
          </a>
          <a href="/timeline" class={route.page === 'timeline' ? 'on' : ''}>
            {t('web.nav.timeline')}
          </a>
          <a href="/keys" class={route.page === 'keys' ? 'on' : ''}>
            {t('web.nav.keys')}
          </a>
          <a href="/queue" data-testid="nav-queue" class={route.page === 'queue' ? 'on' : ''}>
            {t('web.nav.queue')}
          </a>
        </nav>
        <button type="button" class="lang" onClick={() => setLang(lang() === 'en' ? 'fr' : 'en')}>
          {t('web.language')}
        </button>
        <SessionBadge />
      </header>
      <main>
        {route.page === 'dashboard' && <Dashboard />}
        {route.page === 'search' && <ExportCsvLink q={route.q} />}
        {route.page === 'search' && <SearchPage q={route.q} offset={route.offset} />}
        {route.page === 'message' && <MessagePage id={route.id} />}
        {route.page === 'document' && <DocumentPage id={route.id} />}
        {route.page === 'thread' && <ThreadPage id={route.id} />}
        {route.page === 'keys' && <KeysPage />}
        {route.page === 'correspondents' && <CorrespondentsPage q={route.q} />}
        {route.page === 'timeline' && <TimelinePage q={route.q} />}
        {route.page === 'source' && <MessageSourcePage id={route.id} />}
        {route.page === 'queue' && <QueuePage offset={route.offset} />}
        {route.page === 'not-found' && <p>{t('web.not-found', { path: route.path })}</p>}
      </main>
    </div>
  );
}

// Links inside the app move without reloading it.
document.addEventListener('click', onLink);
document.documentElement.lang = lang();
render(
  <SessionGate>
    <App />
  </SessionGate>,
  document.getElementById('app')!,
);
