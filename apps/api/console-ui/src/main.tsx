import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';

interface Group {
  id: string;
  title: string;
  state: string;
  integration_id: string;
  alerts_count: number;
  created_at: string;
}
interface Me {
  user: { id: string; name: string };
  csrf_token: string;
}

let csrf = '';

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
  if (csrf) headers['x-dozor-csrf'] = csrf;
  const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  const text = await r.text();
  const json = text ? JSON.parse(text) : null;
  if (!r.ok) throw new Error(json?.detail ?? `HTTP ${r.status}`);
  return json as T;
}

function SignIn({ onIn }: { onIn: (m: Me) => void }) {
  const code = new URLSearchParams(location.search).get('code');
  const [token, setToken] = useState('');
  const [error, setError] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      onIn(await api<Me>('POST', code ? '/console/api/session/code' : '/console/api/session', code ? { code } : { token }));
      history.replaceState(null, '', '/');
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <main>
      <h1>Dozor</h1>
      <form onSubmit={submit} aria-describedby="signin-error">
        {code ? (
          <p>Sign in with the link from Telegram.</p>
        ) : (
          <p>
            <label for="token">API token</label>
            <input
              id="token"
              type="password"
              autocomplete="current-password"
              required
              value={token}
              onInput={(e) => setToken((e.target as HTMLInputElement).value)}
            />
          </p>
        )}
        <button type="submit">Sign in</button>
        <p id="signin-error" role="alert">
          {error}
        </p>
      </form>
    </main>
  );
}

const STATES = ['', 'new', 'acknowledged', 'resolved', 'silenced'];

function Groups() {
  const [groups, setGroups] = useState<Group[]>([]);
  const [state, setState] = useState('');
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState('connecting');
  useEffect(() => {
    const es = new EventSource('/console/api/stream');
    es.addEventListener('ready', async () => {
      setStatus('live');
      const page = await api<{ results: Group[] }>('GET', '/api/v1/alert_groups?perpage=100');
      setGroups(page.results);
    });
    es.addEventListener('group', (e) => {
      const g = JSON.parse((e as MessageEvent).data) as Group;
      setStatus('live');
      setGroups((gs) => [g, ...gs.filter((x) => x.id !== g.id)].sort((a, b) => b.created_at.localeCompare(a.created_at)));
    });
    es.onerror = () => setStatus('reconnecting');
    return () => es.close();
  }, []);
  const act = async (id: string, action: string) => {
    const g = await api<Group>('POST', `/api/v1/alert_groups/${encodeURIComponent(id)}/${action}`);
    setGroups((gs) => gs.map((x) => (x.id === id ? { ...x, state: g.state } : x)));
  };
  const shown = groups.filter((g) => (!state || g.state === state) && (!search || g.title.toLowerCase().includes(search.toLowerCase())));
  return (
    <section aria-labelledby="groups-h">
      <h2 id="groups-h">Alert groups</h2>
      <p aria-live="polite">Updates: {status}</p>
      <form role="search" onSubmit={(e) => e.preventDefault()}>
        <label for="f-state">State</label>
        <select id="f-state" value={state} onChange={(e) => setState((e.target as HTMLSelectElement).value)}>
          {STATES.map((s) => (
            <option value={s}>{s || 'any'}</option>
          ))}
        </select>
        <label for="f-search">Search</label>
        <input id="f-search" type="search" value={search} onInput={(e) => setSearch((e.target as HTMLInputElement).value)} />
      </form>
      <table>
        <thead>
          <tr>
            <th scope="col">Title</th>
            <th scope="col">State</th>
            <th scope="col">Integration</th>
            <th scope="col">Alerts</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((g) => (
            <tr key={g.id} data-group={g.id}>
              <td>{g.title}</td>
              <td class={`state state-${g.state}`}>{g.state}</td>
              <td>{g.integration_id}</td>
              <td>{g.alerts_count}</td>
              <td>
                {g.state === 'new' && <button onClick={() => act(g.id, 'acknowledge')}>Acknowledge</button>}
                {g.state !== 'resolved' && <button onClick={() => act(g.id, 'resolve')}>Resolve</button>}
                {g.state === 'resolved' && <button onClick={() => act(g.id, 'unresolve')}>Unresolve</button>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  useEffect(() => {
    api<Me>('GET', '/console/api/session').then(
      (m) => setMe(m),
      () => setMe(null),
    );
  }, []);
  if (me) csrf = me.csrf_token;
  if (me === undefined) return <p>Loading…</p>;
  if (me === null || location.pathname === '/login') return <SignIn onIn={setMe} />;
  return (
    <>
      <header>
        <h1>Dozor</h1>
        <p>
          Signed in as {me.user.name} <button onClick={() => api('DELETE', '/console/api/session').then(() => setMe(null))}>Sign out</button>
        </p>
      </header>
      <main>
        <Groups />
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
